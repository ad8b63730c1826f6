"""docs/openapi.json is generated from the handlers; it must match what they serve now."""

import json

from devtools.openapi import build
from tests.support.paths import REPO_ROOT


def test_committed_openapi_document_is_current() -> None:
    committed = json.loads((REPO_ROOT / "docs" / "openapi.json").read_text())
    assert committed == build(), "run `make openapi` and commit docs/openapi.json"


def test_partner_routes_require_the_api_key_and_public_ones_do_not() -> None:
    paths = build()["paths"]
    assert "security" not in paths["/v1/lookup"]["post"]
    assert "security" not in paths["/v1/webhooks/payments"]["post"]
    assert paths["/v1/orders"]["post"]["security"] == [{"apiKey": []}]
