"""Fixtures of tests/client: the client generated from the committed docs/openapi.json, and a dev server
of the module's own (tests/support/devserver.py) for it to talk to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.client import generate
from tests.support.devserver import base_url, devserver, partner_key  # noqa: F401 - fixtures


@pytest.fixture(scope="session")
def generated_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Generate `licensing_client` once per session, in a folder of its own (no race with `make client`
    or another run), and make it importable."""
    package = generate(tmp_path_factory.mktemp("client"))
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(package.parent))
        yield package
