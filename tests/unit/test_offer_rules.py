"""The offer rules without DynamoDB: derived status, the terms a manager may grant, the price an offer
gives and the one discount a quote shows (examples and properties)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from licensing.catalog.catalog import load_catalog
from licensing.catalog.errors import UnknownProduct
from licensing.offers import rules
from licensing.offers.errors import InvalidOfferExpiry, InvalidOfferPrice

NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)


def terms(**fields: object) -> rules.Terms:
    base: dict[str, object] = {
        "product": "business", "devices": 5, "years": 1, "licenses": 1, "currency": "EUR",
        "discount_percent": Decimal(20), "price_per_license": None,
    }  # fmt: skip
    return rules.Terms(**{**base, **fields})  # type: ignore[arg-type]


def test_status_precedence() -> None:
    later, earlier = NOW + timedelta(days=1), NOW - timedelta(seconds=1)
    assert rules.status(order_id=None, withdrawn_at=None, expires_at=later, now=NOW) == "open"
    assert rules.status(order_id=None, withdrawn_at=None, expires_at=NOW, now=NOW) == "expired"
    assert rules.status(order_id=None, withdrawn_at=NOW, expires_at=earlier, now=NOW) == "withdrawn"
    assert rules.status(order_id="ord_1", withdrawn_at=None, expires_at=earlier, now=NOW) == "used"


def test_a_discount_replaces_the_partner_and_volume_discounts() -> None:
    quote = rules.offer_quote(load_catalog(), terms(licenses=100, discount_percent=Decimal("12.5")))
    assert quote.list_price_per_license.amount == 3500 * 5
    assert quote.price_per_license.amount == 15312  # 17500 x 0.875 = 15312.5, half-even
    assert [(d.kind, d.percent) for d in quote.discounts] == [("offer", Decimal("12.5"))]
    assert quote.total.amount == 15312 * 100


def test_a_custom_configuration_is_priced_at_list_x_devices_x_years() -> None:
    quote = rules.offer_quote(load_catalog(), terms(devices=20_000, years=7, discount_percent=Decimal(0)))
    assert quote.list_price_per_license.amount == quote.price_per_license.amount == 3500 * 20_000 * 7


def test_a_price_shows_the_percent_it_amounts_to() -> None:
    quote = rules.offer_quote(load_catalog(), terms(discount_percent=None, price_per_license=0))
    assert [(d.kind, d.percent) for d in quote.discounts] == [("offer", Decimal(100))]
    assert rules.effective_percent(3000, 1000) == Decimal("66.67")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"discount_percent": Decimal("100.01")}, InvalidOfferPrice),
        ({"discount_percent": Decimal(-1)}, InvalidOfferPrice),
        ({"discount_percent": None}, InvalidOfferPrice),
        ({"price_per_license": 100}, InvalidOfferPrice),
        ({"discount_percent": None, "price_per_license": -1}, InvalidOfferPrice),
        ({"discount_percent": None, "price_per_license": 17_501}, InvalidOfferPrice),
        ({"product": "platinum"}, UnknownProduct),
    ],
)
def test_terms_refused(fields: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        rules.check_terms(
            load_catalog(), terms(**fields), price_currency="EUR", expires_at=NOW + timedelta(1), now=NOW
        )


def test_a_price_in_another_currency_and_a_past_expiry_are_refused() -> None:
    priced = terms(discount_percent=None, price_per_license=100)
    with pytest.raises(InvalidOfferPrice):
        rules.check_terms(
            load_catalog(), priced, price_currency="USD", expires_at=NOW + timedelta(1), now=NOW
        )
    with pytest.raises(InvalidOfferExpiry):
        rules.check_terms(load_catalog(), priced, price_currency="EUR", expires_at=NOW, now=NOW)
    rules.check_terms(
        load_catalog(), priced, price_currency="EUR", expires_at=NOW + timedelta(seconds=1), now=NOW
    )


@given(
    devices=st.integers(1, rules.MAX_DEVICES),
    years=st.integers(1, rules.MAX_YEARS),
    percent=st.decimals(0, 100, places=2),
    price_share=st.integers(0, 10_000),
)
def test_one_offer_discount_between_zero_and_a_hundred(devices: int, years: int, percent: Decimal,
                                                        price_share: int) -> None:  # fmt: skip
    by_percent = rules.offer_quote(
        load_catalog(), terms(devices=devices, years=years, discount_percent=percent)
    )
    list_price = by_percent.list_price_per_license.amount
    assert 0 <= by_percent.price_per_license.amount <= list_price
    price = list_price * price_share // 10_000
    by_price = rules.offer_quote(
        load_catalog(), terms(devices=devices, years=years, discount_percent=None, price_per_license=price)
    )
    for quote in (by_percent, by_price):
        (discount,) = quote.discounts
        assert discount.kind == "offer" and 0 <= discount.percent <= 100
    assert by_price.price_per_license.amount == price
    # the percent shown, applied to the list price, gives back the price to within rounding
    assert abs(list_price * (100 - by_price.discounts[0].percent) / 100 - price) <= list_price / 10_000 + 1
