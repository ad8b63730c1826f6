"""Prices (DESIGN.md section 2): one license = list price per device-year x devices x years, less the
partner discount, less the volume tier, rounded once per license half-even to integer minor units;
the order total is that price times the number of licenses."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from licensing.catalog.catalog import load_catalog
from licensing.catalog.errors import InvalidDevices, InvalidTerm, UnknownProduct, UnsupportedCurrency
from licensing.catalog.pricing import Discount, partner_price_per_device_year, quote
from licensing.core.money import Money, apply_discounts

CATALOG = load_catalog()
PRODUCTS = sorted(CATALOG.products)
CURRENCIES = list(CATALOG.currencies)

# What the schemas accept for a partner discount: 0..100 with at most two decimals.
partner_discounts = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


def _quote(**overrides: Any) -> Any:
    args: dict[str, Any] = {
        "product_id": "business",
        "devices": 5,
        "years": 2,
        "licenses": 1,
        "currency": "EUR",
        "partner_discount": Decimal(0),
    }
    args.update(overrides)
    return quote(CATALOG, **args)


def _expected_price(list_price: int, percents: list[Decimal]) -> int:
    """Independent oracle: exact rationals, one final round; round() on a Fraction is half-even."""
    value = Fraction(list_price)
    for percent in percents:
        value *= (100 - Fraction(percent)) / 100
    return round(value)


@st.composite
def orders(draw: Any) -> dict[str, Any]:
    product_id = draw(st.sampled_from(PRODUCTS))
    product = CATALOG.product(product_id)
    return {
        "product_id": product_id,
        "devices": draw(st.integers(min_value=product.devices.min, max_value=product.devices.max)),
        "years": draw(st.sampled_from(product.terms_years)),
        "licenses": draw(st.integers(min_value=1, max_value=1500)),
        "currency": draw(st.sampled_from(CURRENCIES)),
        "partner_discount": draw(partner_discounts),
    }


# --- money.apply_discounts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "percents", "expected"),
    [
        (5, [Decimal(10)], 4),  # 4.5 -> 4 (to even)
        (15, [Decimal(10)], 14),  # 13.5 -> 14 (to even)
        (25, [Decimal(10)], 22),  # 22.5 -> 22
        (35, [Decimal(10)], 32),  # 31.5 -> 32
        (1000, [], 1000),
        (1000, [Decimal(0)], 1000),
        (1000, [Decimal(100)], 0),
        (35000, [Decimal(10), Decimal(4)], 30240),
        (3, [Decimal("33.33")], 2),  # 2.0001 -> 2
        (3, [Decimal("16.67")], 2),  # 2.4999 -> 2
        (3, [Decimal("16.66")], 3),  # 2.5002 -> 3
    ],
)
def test_apply_discounts_rounds_half_even_once(amount: int, percents: list[Decimal], expected: int) -> None:
    result = apply_discounts(amount, percents)
    assert result == expected
    assert type(result) is int


def test_apply_discounts_rounds_only_at_the_end() -> None:
    # 3500 x 0.875 = 3062.5 and 3062.5 x 0.92 = 2817.5 -> 2818 (half-even).
    # Rounding after the first step would give 3062 x 0.92 = 2817.04 -> 2817.
    assert apply_discounts(3500, [Decimal("12.5"), Decimal(8)]) == 2818
    # 3500 x 0.625 = 2187.5 and 2187.5 x 0.92 = 2012.5 -> 2012 (half-even);
    # rounding after the first step would give 2188 x 0.92 = 2012.96 -> 2013.
    assert apply_discounts(3500, [Decimal("37.5"), Decimal(8)]) == 2012


@settings(max_examples=200, deadline=None)
@given(
    amount=st.integers(min_value=0, max_value=10**9),
    percents=st.lists(partner_discounts, max_size=3),
)
def test_apply_discounts_matches_exact_arithmetic(amount: int, percents: list[Decimal]) -> None:
    assert apply_discounts(amount, percents) == _expected_price(amount, percents)


def test_money_multiplies_and_serialises_as_minor_units() -> None:
    assert Money(30240, "EUR") * 25 == Money(756000, "EUR")
    assert TypeAdapter(Money).dump_python(Money(30240, "EUR"), mode="json") == {
        "amount": 30240,
        "currency": "EUR",
    }


# --- quote: worked examples, by hand -----------------------------------------------------------


def test_design_example_business_partner_and_volume_discount() -> None:
    # business: 3500 EUR per device-year x 5 devices x 2 years = 35000 list per license.
    # 10 % partner, 25 licenses -> 4 % tier: 35000 x 0.90 x 0.96 = 30240; total 30240 x 25 = 756000.
    q = _quote(partner_discount=Decimal(10), licenses=25)
    assert q.list_price_per_license == Money(35000, "EUR")
    assert q.price_per_license == Money(30240, "EUR")
    assert q.total == Money(756000, "EUR")
    assert q.discounts == (Discount("partner", Decimal(10)), Discount("volume", Decimal(4)))
    assert q.currency == "EUR"
    assert (q.product, q.devices, q.years, q.licenses) == ("business", 5, 2, 25)
    assert q.catalog_version == CATALOG.version


def test_no_discounts_means_list_price() -> None:
    # home: 2200 USD x 3 devices x 3 years = 19800; 9 licenses is below the first tier.
    q = _quote(product_id="home", devices=3, years=3, currency="USD", licenses=9)
    assert q.list_price_per_license == Money(19800, "USD")
    assert q.price_per_license == Money(19800, "USD")
    assert q.total == Money(178200, "USD")
    assert q.discounts == ()


def test_volume_tier_alone() -> None:
    # enterprise: 5500 EUR x 10 devices x 1 year = 55000; 1000 licenses -> 15 %: 46750 each.
    q = _quote(product_id="enterprise", devices=10, years=1, licenses=1000)
    assert q.price_per_license == Money(46750, "EUR")
    assert q.total == Money(46_750_000, "EUR")
    assert q.discounts == (Discount("volume", Decimal(15)),)


def test_tier_boundaries_in_a_quote() -> None:
    # business 3500 EUR x 1 x 1: 9 licenses pay list, 10 licenses get 2 % -> 3430.
    assert _quote(devices=1, years=1, licenses=9).price_per_license.amount == 3500
    assert _quote(devices=1, years=1, licenses=10).price_per_license.amount == 3430
    assert _quote(devices=1, years=1, licenses=999).price_per_license.amount == 3080  # 12 %
    assert _quote(devices=1, years=1, licenses=1000).price_per_license.amount == 2975  # 15 %


@pytest.mark.parametrize(
    ("partner_discount", "expected"),
    [
        ("12.5", 3412),  # 3900 x 0.875 = 3412.5 -> 3412 (half-up would say 3413)
        ("37.5", 2438),  # 3900 x 0.625 = 2437.5 -> 2438 (truncation would say 2437)
    ],
)
def test_quote_rounds_half_even(partner_discount: str, expected: int) -> None:
    q = _quote(devices=1, years=1, currency="USD", partner_discount=Decimal(partner_discount))
    assert q.list_price_per_license.amount == 3900
    assert q.price_per_license.amount == expected


def test_quote_rounds_once_per_license_not_per_order() -> None:
    # 3412.5 rounds to 3412 per license; 3 licenses cost 10236, not round(10237.5) = 10238.
    q = _quote(devices=1, years=1, currency="USD", partner_discount=Decimal("12.5"), licenses=3)
    assert q.price_per_license.amount == 3412
    assert q.total == Money(10236, "USD")


def test_quote_rounds_once_across_both_discounts() -> None:
    # 3500 x 0.875 x 0.92 = 2817.5 -> 2818; rounding after the partner discount would give 2817.
    q = _quote(devices=1, years=1, partner_discount=Decimal("12.5"), licenses=100)
    assert q.price_per_license.amount == 2818
    assert q.total.amount == 281800


def test_full_partner_discount_is_free_and_listed() -> None:
    q = _quote(partner_discount=Decimal(100), licenses=10)
    assert q.price_per_license.amount == 0
    assert q.total.amount == 0
    assert [d.kind for d in q.discounts] == ["partner", "volume"]


def test_partner_price_per_device_year_applies_only_the_partner_discount() -> None:
    assert partner_price_per_device_year(3500, Decimal(10)) == 3150
    assert partner_price_per_device_year(3500, Decimal(0)) == 3500
    assert partner_price_per_device_year(3900, Decimal("12.5")) == 3412  # 3412.5 -> even


# --- quote: errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "error", "code"),
    [
        ({"product_id": "platinum"}, UnknownProduct, "UNKNOWN_PRODUCT"),
        ({"product_id": ""}, UnknownProduct, "UNKNOWN_PRODUCT"),
        ({"product_id": "home", "devices": 11}, InvalidDevices, "INVALID_DEVICES"),
        ({"product_id": "home", "devices": 0}, InvalidDevices, "INVALID_DEVICES"),
        ({"product_id": "enterprise", "devices": 4}, InvalidDevices, "INVALID_DEVICES"),
        ({"product_id": "enterprise", "devices": 10001}, InvalidDevices, "INVALID_DEVICES"),
        ({"devices": 501}, InvalidDevices, "INVALID_DEVICES"),
        ({"years": 0}, InvalidTerm, "INVALID_TERM"),
        ({"years": 4}, InvalidTerm, "INVALID_TERM"),
        ({"currency": "GBP"}, UnsupportedCurrency, "UNSUPPORTED_CURRENCY"),
        ({"currency": "eur"}, UnsupportedCurrency, "UNSUPPORTED_CURRENCY"),
        # The product is checked first: an unknown product is reported as such, whatever else is wrong.
        ({"product_id": "platinum", "devices": 0, "years": 9}, UnknownProduct, "UNKNOWN_PRODUCT"),
    ],
)
def test_quote_errors_are_422_with_stable_codes(overrides: dict[str, Any], error: type, code: str) -> None:
    with pytest.raises(error) as raised:
        _quote(**overrides)
    assert raised.value.status == 422
    assert raised.value.code == code


# --- quote: properties -------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(order=orders())
def test_quote_is_an_int_between_zero_and_list(order: dict[str, Any]) -> None:
    q = quote(CATALOG, **order)
    list_price = CATALOG.product(order["product_id"]).price_per_device_year[order["currency"]]
    assert q.list_price_per_license == Money(
        list_price * order["devices"] * order["years"], order["currency"]
    )
    price = q.price_per_license.amount
    assert type(price) is int
    assert 0 <= price <= q.list_price_per_license.amount
    assert q.price_per_license.currency == order["currency"]


@settings(max_examples=300, deadline=None)
@given(order=orders())
def test_quote_matches_the_design_formula(order: dict[str, Any]) -> None:
    q = quote(CATALOG, **order)
    volume = CATALOG.volume_percent(order["licenses"])
    expected = _expected_price(q.list_price_per_license.amount, [order["partner_discount"], volume])
    assert q.price_per_license.amount == expected
    assert q.total == Money(expected * order["licenses"], order["currency"])
    assert type(q.total.amount) is int


@settings(max_examples=300, deadline=None)
@given(order=orders())
def test_discounts_are_listed_only_when_positive(order: dict[str, Any]) -> None:
    q = quote(CATALOG, **order)
    expected = []
    if order["partner_discount"] > 0:
        expected.append(Discount("partner", order["partner_discount"]))
    volume = CATALOG.volume_percent(order["licenses"])
    if volume > 0:
        expected.append(Discount("volume", volume))
    assert list(q.discounts) == expected
    assert all(d.kind in ("partner", "volume") and d.percent > 0 for d in q.discounts)


@settings(max_examples=200, deadline=None)
@given(order=orders(), data=st.data())
def test_price_never_decreases_with_more_devices(order: dict[str, Any], data: st.DataObject) -> None:
    product = CATALOG.product(order["product_id"])
    more = data.draw(st.integers(min_value=order["devices"], max_value=product.devices.max))
    fewer_q = quote(CATALOG, **order)
    more_q = quote(CATALOG, **{**order, "devices": more})
    assert more_q.price_per_license.amount >= fewer_q.price_per_license.amount
    assert more_q.total.amount >= fewer_q.total.amount


@settings(max_examples=200, deadline=None)
@given(order=orders(), data=st.data())
def test_price_never_decreases_with_more_years(order: dict[str, Any], data: st.DataObject) -> None:
    product = CATALOG.product(order["product_id"])
    longer = data.draw(st.sampled_from([y for y in product.terms_years if y >= order["years"]]))
    shorter_q = quote(CATALOG, **order)
    longer_q = quote(CATALOG, **{**order, "years": longer})
    assert longer_q.price_per_license.amount >= shorter_q.price_per_license.amount


@settings(max_examples=200, deadline=None)
@given(order=orders(), data=st.data())
def test_price_per_license_never_increases_with_more_licenses(
    order: dict[str, Any], data: st.DataObject
) -> None:
    more = data.draw(st.integers(min_value=order["licenses"], max_value=3000))
    assert (
        quote(CATALOG, **{**order, "licenses": more}).price_per_license.amount
        <= quote(CATALOG, **order).price_per_license.amount
    )


@settings(max_examples=200, deadline=None)
@given(order=orders(), data=st.data())
def test_a_bigger_partner_discount_never_costs_more(order: dict[str, Any], data: st.DataObject) -> None:
    bigger = data.draw(st.decimals(min_value=order["partner_discount"], max_value=100, places=2))
    assert (
        quote(CATALOG, **{**order, "partner_discount": bigger}).price_per_license.amount
        <= quote(CATALOG, **order).price_per_license.amount
    )


def test_fractional_partner_discount_by_hand() -> None:
    # 35000 x 0.9275 = 32462.5; 42 licenses -> 4 %: 32462.5 x 0.96 = 31164 exactly; x 42 = 1308888.
    q = _quote(partner_discount=Decimal("7.25"), licenses=42)
    assert q.price_per_license == Money(31164, "EUR")
    assert q.total == Money(1_308_888, "EUR")
