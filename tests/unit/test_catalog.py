"""The catalog file shipped in the layer (DESIGN.md section 2, "Catalog and prices") and its loader."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from licensing.catalog.catalog import CATALOG_FILE, Catalog, load_catalog
from licensing.catalog.errors import InvalidDevices, InvalidTerm, UnknownProduct, UnsupportedCurrency


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _raw_catalog() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    return data


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- the shipped catalog ------------------------------------------------------------------------


def test_catalog_loads_with_a_version_and_its_currencies(catalog: Catalog) -> None:
    assert catalog.version == "2026-11-01"
    assert catalog.currencies == ("EUR", "USD")


def test_catalog_is_loaded_once(catalog: Catalog) -> None:
    assert load_catalog() is catalog


def test_catalog_has_the_three_editions(catalog: Catalog) -> None:
    assert set(catalog.products) == {"home", "business", "enterprise"}
    for product_id, product in catalog.products.items():
        assert product.id == product_id


def test_business_upgrades_to_enterprise_and_nothing_else_upgrades(catalog: Catalog) -> None:
    assert catalog.product("business").upgrades_to == ("enterprise",)
    assert catalog.product("home").upgrades_to == ()
    assert catalog.product("enterprise").upgrades_to == ()


@pytest.mark.parametrize(
    ("product_id", "eur", "usd", "min_devices", "max_devices"),
    [
        ("home", 2000, 2200, 1, 10),
        ("business", 3500, 3900, 1, 500),
        ("enterprise", 5500, 5900, 5, 10000),
    ],
)
def test_product_prices_and_limits_match_the_data_file(
    catalog: Catalog, product_id: str, eur: int, usd: int, min_devices: int, max_devices: int
) -> None:
    product = catalog.product(product_id)
    assert product.list_price_per_device_year("EUR") == eur
    assert product.list_price_per_device_year("USD") == usd
    assert (product.devices.min, product.devices.max) == (min_devices, max_devices)
    assert product.terms_years == (1, 2, 3)


def test_every_product_is_priced_in_every_catalog_currency(catalog: Catalog) -> None:
    # The loader does not cross-check this, so the data file must: a missing price would turn a
    # supported currency into UNSUPPORTED_CURRENCY for one product only.
    for product in catalog.products.values():
        assert set(product.price_per_device_year) == set(catalog.currencies), product.id
        assert set(product.monthly_price_per_device) == set(catalog.currencies), product.id
        assert all(isinstance(p, int) and p > 0 for p in product.price_per_device_year.values())
        assert all(isinstance(p, int) and p > 0 for p in product.monthly_price_per_device.values())


def test_catalog_data_is_internally_consistent(catalog: Catalog) -> None:
    for product in catalog.products.values():
        assert product.devices.min <= product.devices.max, product.id
        assert product.terms_years, product.id
        assert all(years >= 1 for years in product.terms_years), product.id
        for target in product.upgrades_to:
            assert target in catalog.products, f"{product.id} upgrades to unknown {target}"
            assert target != product.id


def test_volume_tiers_are_the_design_thresholds_in_increasing_order(catalog: Catalog) -> None:
    thresholds = [tier.min_licenses for tier in catalog.volume_tiers]
    percents = [tier.percent for tier in catalog.volume_tiers]
    assert thresholds == [10, 25, 50, 100, 250, 500, 1000]
    assert percents == sorted(percents)
    assert len(set(percents)) == len(percents)


@pytest.mark.parametrize(
    ("licenses", "percent"),
    [
        (0, "0"),
        (1, "0"),
        (9, "0"),
        (10, "2"),
        (24, "2"),
        (25, "4"),
        (49, "4"),
        (50, "6"),
        (99, "6"),
        (100, "8"),
        (249, "8"),
        (250, "10"),
        (499, "10"),
        (500, "12"),
        (999, "12"),
        (1000, "15"),
        (1_000_000, "15"),
    ],
)
def test_volume_percent_at_and_around_each_threshold(catalog: Catalog, licenses: int, percent: str) -> None:
    assert catalog.volume_percent(licenses) == Decimal(percent)


@settings(max_examples=200, deadline=None)
@given(a=st.integers(min_value=0, max_value=5000), b=st.integers(min_value=0, max_value=5000))
def test_volume_percent_never_decreases_with_more_licenses(a: int, b: int) -> None:
    catalog = load_catalog()
    low, high = sorted((a, b))
    assert catalog.volume_percent(low) <= catalog.volume_percent(high)
    assert Decimal(0) <= catalog.volume_percent(high) < Decimal(100)


# --- lookups and their errors -------------------------------------------------------------------


def test_unknown_product_is_a_422_with_a_stable_code(catalog: Catalog) -> None:
    with pytest.raises(UnknownProduct) as raised:
        catalog.product("platinum")
    assert raised.value.status == 422
    assert raised.value.code == "UNKNOWN_PRODUCT"


def test_product_lookup_is_exact(catalog: Catalog) -> None:
    with pytest.raises(UnknownProduct):
        catalog.product("Business")


@pytest.mark.parametrize(
    ("product_id", "ok", "bad"),
    [
        ("home", [1, 10], [0, 11, -1]),
        ("business", [1, 500], [0, 501]),
        ("enterprise", [5, 10000], [4, 10001]),
    ],
)
def test_device_limits_are_inclusive(
    catalog: Catalog, product_id: str, ok: list[int], bad: list[int]
) -> None:
    product = catalog.product(product_id)
    for devices in ok:
        product.check_devices(devices)
    for devices in bad:
        with pytest.raises(InvalidDevices) as raised:
            product.check_devices(devices)
        assert (raised.value.status, raised.value.code) == (422, "INVALID_DEVICES")


def test_terms_outside_one_to_three_years_are_refused(catalog: Catalog) -> None:
    product = catalog.product("business")
    for years in (1, 2, 3):
        product.check_years(years)
    for years in (0, 4, 5, -1):
        with pytest.raises(InvalidTerm) as raised:
            product.check_years(years)
        assert (raised.value.status, raised.value.code) == (422, "INVALID_TERM")


@pytest.mark.parametrize("currency", ["GBP", "eur", "", "EURO"])
def test_unsupported_currency_is_a_422(catalog: Catalog, currency: str) -> None:
    with pytest.raises(UnsupportedCurrency) as raised:
        catalog.product("home").list_price_per_device_year(currency)
    assert (raised.value.status, raised.value.code) == (422, "UNSUPPORTED_CURRENCY")


def test_catalog_is_immutable(catalog: Catalog) -> None:
    with pytest.raises(ValidationError):
        catalog.version = "tampered"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        catalog.product("home").terms_years = (1,)  # type: ignore[misc]


# --- the loader validates -----------------------------------------------------------------------


def test_loader_reads_another_file(tmp_path: Path) -> None:
    data = _raw_catalog()
    data["version"] = "2099-01-01"
    loaded = load_catalog(_write(tmp_path, data))
    assert loaded.version == "2099-01-01"
    assert set(loaded.products) == {"home", "business", "enterprise"}


def _break_extra_field(data: dict[str, Any]) -> None:
    data["products"]["home"]["colour"] = "red"


def _break_tier_percent(data: dict[str, Any]) -> None:
    data["volume_tiers"][0]["percent"] = "100"


def _break_negative_tier(data: dict[str, Any]) -> None:
    data["volume_tiers"][0]["percent"] = "-1"


def _break_tier_threshold(data: dict[str, Any]) -> None:
    data["volume_tiers"][0]["min_licenses"] = 1


def _break_device_min(data: dict[str, Any]) -> None:
    data["products"]["home"]["devices"]["min"] = 0


def _break_missing_version(data: dict[str, Any]) -> None:
    del data["version"]


def _break_missing_price(data: dict[str, Any]) -> None:
    del data["products"]["business"]["price_per_device_year"]


def _break_float_price(data: dict[str, Any]) -> None:
    data["products"]["business"]["price_per_device_year"]["EUR"] = 35.5


def _break_device_range(data: dict[str, Any]) -> None:
    data["products"]["home"]["devices"] = {"min": 10, "max": 5}


def _break_upgrade_target(data: dict[str, Any]) -> None:
    data["products"]["business"]["upgrades_to"] = ["platinum"]


def _break_no_terms(data: dict[str, Any]) -> None:
    data["products"]["home"]["terms_years"] = []


def _break_negative_price(data: dict[str, Any]) -> None:
    data["products"]["home"]["price_per_device_year"]["EUR"] = -5


def _break_missing_currency(data: dict[str, Any]) -> None:
    del data["products"]["home"]["monthly_price_per_device"]["USD"]


def _break_unsorted_tiers(data: dict[str, Any]) -> None:
    data["volume_tiers"].reverse()


@pytest.mark.parametrize(
    "breakage",
    [
        _break_device_range,
        _break_upgrade_target,
        _break_no_terms,
        _break_negative_price,
        _break_missing_currency,
        _break_unsorted_tiers,
        _break_extra_field,
        _break_tier_percent,
        _break_negative_tier,
        _break_tier_threshold,
        _break_device_min,
        _break_missing_version,
        _break_missing_price,
        _break_float_price,
    ],
)
def test_loader_refuses_an_invalid_catalog(tmp_path: Path, breakage: Any) -> None:
    data = _raw_catalog()
    breakage(data)
    with pytest.raises(ValidationError):
        load_catalog(_write(tmp_path, data))
