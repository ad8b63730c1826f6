"""An order awaiting payment names the provider's payment page (PAYMENT_CHECKOUT_URL), filled with its
reference, amount and currency; a paid order, a monthly-billed one, and a deployment without a page, none."""

from __future__ import annotations

import logging

import pytest

from licensing.orders import payment_page
from tests.support.clients import Partner, WebhookSender

TEMPLATE = "https://pay.example.com/checkout?reference={reference}&amount={amount}&currency={currency}"


@pytest.fixture
def checkout_page(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(payment_page.ENV, TEMPLATE)
    return TEMPLATE


def test_an_order_awaiting_payment_links_its_payment_page(partner: Partner, checkout_page: str) -> None:
    order = partner.order(devices=5, years=1).json()
    assert order["payment"]["status"] == "awaiting_payment"
    expected = f"https://pay.example.com/checkout?reference={order['id']}&amount=15750&currency=EUR"
    assert order["payment"]["checkout_url"] == expected
    assert partner.api.get(f"/v1/orders/{order['id']}").json()["payment"]["checkout_url"] == expected
    (listed,) = partner.api.get("/v1/orders").json()["items"]
    assert listed["payment"]["checkout_url"] == expected


def test_the_values_are_url_encoded(partner: Partner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(payment_page.ENV, "https://pay.example.com/{reference}/pay?c={currency}&a={amount}")
    order = partner.order().json()
    reference = order["id"]
    assert order["payment"]["checkout_url"] == (
        f"https://pay.example.com/{reference}/pay?c=EUR&a={order['total']['amount']}"
    )
    # The order's values are ids, digits and letters; a reference with URL syntax stays one value.
    from licensing.core.money import Money

    assert payment_page.fill(TEMPLATE, "ord_1&x=/?#é", Money(5, "EUR")) == (
        "https://pay.example.com/checkout?reference=ord_1%26x%3D%2F%3F%23%C3%A9&amount=5&currency=EUR"
    )


def test_a_paid_order_has_no_payment_page(
    partner: Partner, webhook: WebhookSender, checkout_page: str
) -> None:
    order = partner.order().json()
    assert webhook.pay(order).status == 200
    paid = partner.api.get(f"/v1/orders/{order['id']}").json()
    assert paid["payment"]["status"] == "paid"
    assert paid["payment"]["checkout_url"] is None


def test_a_monthly_billed_order_has_no_payment_page(monthly_partner: Partner, checkout_page: str) -> None:
    order = monthly_partner.monthly_order(licenses=2).json()
    assert order["payment"]["status"] == "billed_monthly"
    assert order["payment"]["checkout_url"] is None


def test_without_the_setting_there_is_no_payment_page(
    partner: Partner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(payment_page.ENV, raising=False)
    order = partner.order().json()
    assert order["payment"]["status"] == "awaiting_payment"
    assert order["payment"]["checkout_url"] is None


def test_a_malformed_template_is_logged_and_the_orders_still_answer(
    partner: Partner, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(payment_page.ENV, "https://pay.example.com/checkout?ref={order}&amount={amount}")
    with caplog.at_level(logging.ERROR):
        response = partner.order()
    assert response.status == 201, response.body
    assert response.json()["payment"]["checkout_url"] is None
    assert partner.api.get("/v1/orders").status == 200
    assert any("payment checkout URL misconfigured" in r.getMessage() for r in caplog.records)
