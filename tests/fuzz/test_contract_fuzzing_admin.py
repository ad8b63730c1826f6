"""Contract fuzzing with one key (tests/fuzz/contract_run.py): any failure is a place where the API and
docs/openapi.json disagree, or a server error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.contract_run import check_contract

pytestmark = [pytest.mark.server, pytest.mark.fuzz]


def test_the_api_keeps_to_its_openapi_document_with_admin_key(
    tmp_path: Path, record_property: pytest.RecordProperty
) -> None:
    check_contract("admin", tmp_path, record_property)
