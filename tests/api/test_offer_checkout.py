"""Quotes and orders through an offer: the configuration and the price come from the offer, one order
uses it, and a used, withdrawn, expired or foreign offer is refused with nothing written."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from licensing.infra.bus import RecordingPublisher
from licensing.store.table import OfferItem, OrderItem
from tests.support import table
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.distributors import create_distributor
from tests.support.offers import create_offer
from tests.support.problems import assert_problem

LIST_PRICE = 3500 * 750 * 2  # business, 750 devices (beyond the catalog's 500), 2 years


def test_quote_takes_the_configuration_and_the_discount_from_the_offer(
    admin: Api, partner: Partner, frozen_now: Any
) -> None:
    offer = create_offer(admin, partner)  # 40 %, replacing the partner's 10 % and the volume tier
    quote = partner.api.post("/v1/quotes", {"offer_id": offer["id"]})
    assert quote.status == 200, quote.body
    body = quote.json()
    assert (body["product"], body["devices"], body["years"], body["licenses"]) == ("business", 750, 2, 3)
    assert body["list_price_per_license"] == {"amount": LIST_PRICE, "currency": "EUR"}
    assert body["price_per_license"] == {"amount": LIST_PRICE * 60 // 100, "currency": "EUR"}
    assert body["total"] == {"amount": LIST_PRICE * 60 // 100 * 3, "currency": "EUR"}
    assert body["discounts"] == [{"kind": "offer", "percent": 40}]


def test_a_price_per_license_is_the_price_and_shows_the_percent_it_amounts_to(
    admin: Api, partner: Partner, frozen_now: Any
) -> None:
    price = {"amount": 1333, "currency": "EUR"}
    offer = create_offer(
        admin, partner, product="home", devices=1, years=1, licenses=30,
        discount_percent=None, price_per_license=price,
    )  # fmt: skip
    body = partner.api.post("/v1/quotes", {"offer_id": offer["id"], "product": "home", "licenses": 30}).json()
    assert body["price_per_license"] == price
    assert body["total"] == {"amount": 1333 * 30, "currency": "EUR"}
    assert body["discounts"] == [{"kind": "offer", "percent": 33.35}]  # 1 - 1333 / 2000


@pytest.mark.parametrize(
    "fields",
    [
        {"product": "home"},
        {"devices": 5},
        {"years": 1},
        {"licenses": 1},
        {"licenses": 2, "devices": 750},
        {"plan": "monthly"},
    ],
)
@pytest.mark.parametrize("path", ["/v1/quotes", "/v1/orders"])
def test_a_body_that_contradicts_the_offer_is_422(
    admin: Api, partner: Partner, frozen_now: Any, fields: dict[str, Any], path: str
) -> None:
    offer = create_offer(admin, partner)
    before = table.snapshot()
    problem = assert_problem(
        partner.api.post(path, {"offer_id": offer["id"], **fields}), 422, "OFFER_MISMATCH"
    )
    assert set(problem["fields"]) <= set(fields)
    assert table.snapshot() == before


def test_the_offers_own_values_may_be_repeated(admin: Api, partner: Partner, frozen_now: Any) -> None:
    offer = create_offer(admin, partner)
    body = {"offer_id": offer["id"], "product": "business", "devices": 750, "years": 2, "licenses": 3}
    assert partner.api.post("/v1/quotes", body).status == 200


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_order_through_an_offer_awaits_payment_and_links_both(
    admin: Api, partner: Partner, webhook: WebhookSender, frozen_now: Any, recorded_events: RecordingPublisher
) -> None:
    offer = create_offer(admin, partner)
    response = partner.api.post("/v1/orders", {"offer_id": offer["id"], "customer_ref": "SCHOOLS"})
    assert response.status == 201, response.body
    order = response.json()
    assert (order["type"], order["status"], order["payment"]["status"]) == (
        "bulk",
        "pending_payment",
        "awaiting_payment",
    )
    assert (order["devices"], order["years"], order["licenses"], order["offer_id"]) == (
        750,
        2,
        3,
        offer["id"],
    )
    assert order["total"] == {"amount": LIST_PRICE * 60 // 100 * 3, "currency": "EUR"}
    assert order["discounts"] == [{"kind": "offer", "percent": 40}]
    assert partner.api.get(f"/v1/orders/{order['id']}").json() == order

    used = admin.get(f"/v1/admin/offers/{offer['id']}").json()
    assert (used["status"], used["order_id"], used["used_at"]) == (
        "used",
        order["id"],
        "2026-11-27T10:00:00Z",
    )
    assert partner.api.get("/v1/offers").json()["items"] == []
    assert [e.detail_type for e in recorded_events.events] == ["OfferCreated", "OrderPlaced"]

    paid = webhook.pay(order, timestamp=int(frozen_now().timestamp()))
    assert paid.json()["outcome"] == "fulfilled", paid.body
    keys = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    assert len(keys) == 3
    license = partner.api.get(f"/v1/licenses/{keys[0]}").json()
    assert (license["product"], license["devices"], license["term_months"]) == ("business", 750, 24)


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_an_offer_is_used_once_and_a_replay_answers_the_first_order(
    admin: Api, partner: Partner, frozen_now: Any
) -> None:
    offer = create_offer(admin, partner)
    once = {"Idempotency-Key": "offer-order"}
    first = partner.api.post("/v1/orders", {"offer_id": offer["id"]}, headers=once)
    assert first.status == 201, first.body
    before = table.snapshot()
    again = partner.api.post("/v1/orders", {"offer_id": offer["id"]}, headers=once)
    assert (again.status, again.json()) == (201, first.json())
    assert_problem(partner.api.post("/v1/orders", {"offer_id": offer["id"]}), 409, "OFFER_USED")
    assert_problem(partner.api.post("/v1/quotes", {"offer_id": offer["id"]}), 409, "OFFER_USED")
    other = {"Idempotency-Key": "another"}
    assert_problem(
        partner.api.post("/v1/orders", {"offer_id": offer["id"]}, headers=other), 409, "OFFER_USED"
    )
    assert table.snapshot() == before


def test_withdrawn_and_expired_offers_are_refused(admin: Api, partner: Partner, frozen_now: Any) -> None:
    withdrawn = create_offer(admin, partner)
    admin.delete(f"/v1/admin/offers/{withdrawn['id']}")
    expiring = create_offer(admin, partner, expires_at="2026-11-30T00:00:00Z")
    frozen_now(datetime(2026, 11, 30, tzinfo=UTC))
    before = table.snapshot()
    for path in ("/v1/quotes", "/v1/orders"):
        assert_problem(partner.api.post(path, {"offer_id": withdrawn["id"]}), 409, "OFFER_WITHDRAWN")
        assert_problem(partner.api.post(path, {"offer_id": expiring["id"]}), 409, "OFFER_EXPIRED")
    assert table.snapshot() == before


def test_another_partners_offer_is_unknown(admin: Api, partner: Partner, frozen_now: Any) -> None:
    other = Partner.create(admin, name="Other")
    theirs = create_offer(admin, other)
    before = table.snapshot()
    for path in ("/v1/quotes", "/v1/orders"):
        assert_problem(partner.api.post(path, {"offer_id": theirs["id"]}), 404, "OFFER_NOT_FOUND")
        assert_problem(partner.api.post(path, {"offer_id": "ofr_missing"}), 404, "OFFER_NOT_FOUND")
    assert table.snapshot() == before
    assert OfferItem.get(f"OFFER#{theirs['id']}", "OFFER").order_id is None


@pytest.mark.parametrize(
    "body",
    [
        {},  # neither a configuration nor an offer
        {"product": "home", "devices": 1},
        {"offer_id": ""},
        {"offer_id": "x" * 200},
        {"offer_id": 42},
    ],
)
def test_bad_checkout_bodies_with_offers_are_400(partner: Partner, body: dict[str, Any]) -> None:
    before = table.snapshot()
    for path in ("/v1/quotes", "/v1/orders"):
        assert_problem(partner.api.post(path, body), 400, "VALIDATION_ERROR")
    assert table.snapshot() == before


def test_a_partner_with_a_distributor_cannot_buy_an_offer(admin: Api, frozen_now: Any) -> None:
    partner = Partner.create(admin, distributor_id=create_distributor(admin)["id"])
    offer = create_offer(admin, partner)
    before = table.snapshot()
    assert_problem(partner.api.post("/v1/orders", {"offer_id": offer["id"]}), 403, "DIRECT_PURCHASE_DISABLED")
    assert table.snapshot() == before
    assert sum(1 for i in OrderItem.scan() if i.SK == "ORDER") == 0


def test_a_monthly_partners_offer_goes_through_payment(
    admin: Api, monthly_partner: Partner, frozen_now: Any
) -> None:
    offer = create_offer(admin, monthly_partner)
    order = monthly_partner.api.post("/v1/orders", {"offer_id": offer["id"]}).json()
    assert (order["status"], order["payment"]["status"], order["license_keys"]) == (
        "pending_payment", "awaiting_payment", [],
    )  # fmt: skip
