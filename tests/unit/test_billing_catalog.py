"""The catalog's minimum monthly charge: 10.00 in each currency, validated like the other currency maps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from licensing.catalog.catalog import CATALOG_FILE, load_catalog
from licensing.catalog.errors import UnsupportedCurrency


def test_the_minimum_monthly_charge_is_ten_in_each_currency() -> None:
    catalog = load_catalog()
    assert catalog.minimum_monthly_charge == {"EUR": 1000, "USD": 1000}
    assert catalog.minimum_charge("USD") == 1000
    with pytest.raises(UnsupportedCurrency):
        catalog.minimum_charge("GBP")


@pytest.mark.parametrize(
    "minimum",
    [
        {"EUR": 1000},
        {"EUR": 1000, "USD": 1000, "GBP": 900},
        {"EUR": -1, "USD": 1000},
        {"EUR": "ten", "USD": 1},
        None,
    ],
)
def test_a_catalog_with_a_bad_minimum_does_not_load(tmp_path: Path, minimum: Any) -> None:
    data = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    if minimum is None:
        del data["minimum_monthly_charge"]
    else:
        data["minimum_monthly_charge"] = minimum
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises((ValidationError, ValueError)):
        load_catalog(path)
