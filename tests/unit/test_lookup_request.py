"""The lookup's hand-written body check (no pydantic on the cold path) against the documented schema."""

from __future__ import annotations

import pytest

CONTRACT_BODIES = [
    {"license_key": "K", "workspace_id": "ws-1"},
    {"license_key": "K" * 64, "workspace_id": "w" * 128},
    {"license_key": "", "workspace_id": "ws"},
    {"license_key": "K" * 65, "workspace_id": "ws"},
    {"license_key": "K", "workspace_id": "w" * 129},
    {"license_key": "K", "workspace_id": "w s"},
    {"license_key": "K", "workspace_id": "wé"},
    {"license_key": 1, "workspace_id": "ws"},
    {"license_key": "K", "workspace_id": None},
    {"license_key": "K"},
    {"license_key": "K", "workspace_id": "ws", "extra": 1},
    [],
    "K",
]


@pytest.mark.parametrize("body", CONTRACT_BODIES)
def test_hand_written_lookup_validation_matches_the_documented_schema(body: object) -> None:
    """The lookup parses its body without pydantic (cold start); the OpenAPI schema must say the same."""
    from pydantic import ValidationError

    from licensing.core.errors import ValidationFailed
    from licensing.licenses.api import LookupRequest as DocumentedRequest
    from licensing.licenses.lookup import LookupRequest

    try:
        DocumentedRequest.model_validate(body)
        documented_ok = True
    except ValidationError:
        documented_ok = False
    try:
        LookupRequest.from_json(body)
        hand_ok = True
    except ValidationFailed:
        hand_ok = False
    assert hand_ok == documented_ok
