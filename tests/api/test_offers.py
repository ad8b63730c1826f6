"""Offers as a partner manager makes them (create, read, list by partner and status, withdraw) and as
the partner sees them (its open offers), through the real authorizer and handlers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from devtools.gateway import LocalGateway
from licensing.infra.bus import RecordingPublisher
from tests.support import table
from tests.support.clients import Api, Partner
from tests.support.invoke import invoke
from tests.support.offers import LATER, create_offer, offer_body
from tests.support.problems import assert_problem


def test_create_offer_answers_it_open_with_its_purchase_link(
    admin: Api, partner: Partner, frozen_now: Any, recorded_events: RecordingPublisher
) -> None:
    offer = create_offer(admin, partner, note="Springfield schools")
    assert offer["id"].startswith("ofr_")
    assert offer["status"] == "open"
    assert offer["purchase_url"] == f"/portal/offers/{offer['id']}"
    assert (offer["partner_id"], offer["product"], offer["devices"], offer["years"], offer["licenses"]) == (
        partner.id, "business", 750, 2, 3,
    )  # fmt: skip
    assert (offer["reason"], offer["discount_percent"], offer["price_per_license"]) == ("education", 40, None)
    assert (offer["expires_at"], offer["note"], offer["currency"]) == (LATER, "Springfield schools", "EUR")
    assert (offer["created_at"], offer["order_id"], offer["withdrawn_at"]) == (
        "2026-11-27T10:00:00Z",
        None,
        None,
    )
    assert admin.get(f"/v1/admin/offers/{offer['id']}").json() == offer

    (event,) = recorded_events.events
    assert event.detail_type == "OfferCreated"
    assert event.event_id == f"offer-created:{offer['id']}"
    assert event.detail["purchase_url"] == offer["purchase_url"]
    assert event.detail["list_price_per_license"] == {"amount": 3500 * 750 * 2, "currency": "EUR"}
    assert event.detail["price_per_license"] == {"amount": 3500 * 750 * 2 * 60 // 100, "currency": "EUR"}


def test_an_offer_may_carry_its_own_price_and_any_term_up_to_ten_years(
    admin: Api, partner: Partner, frozen_now: Any
) -> None:
    price = {"amount": 1000, "currency": "EUR"}
    offer = create_offer(
        admin, partner, product="home", devices=1, years=7, licenses=1, reason="custom",
        discount_percent=None, price_per_license=price,
    )  # fmt: skip
    assert (offer["years"], offer["price_per_license"], offer["discount_percent"]) == (7, price, None)


def _bad(partner: Partner, **fields: Any) -> dict[str, Any]:
    return offer_body(partner, **fields)


BAD_422 = [
    ({"discount_percent": 101}, "INVALID_OFFER_PRICE"),
    ({"discount_percent": -5}, "INVALID_OFFER_PRICE"),
    (
        {"discount_percent": None, "price_per_license": {"amount": -1, "currency": "EUR"}},
        "INVALID_OFFER_PRICE",
    ),
    (
        {"discount_percent": None, "price_per_license": {"amount": 100, "currency": "USD"}},
        "INVALID_OFFER_PRICE",
    ),
    (
        {"discount_percent": None, "price_per_license": {"amount": 10**9, "currency": "EUR"}},
        "INVALID_OFFER_PRICE",
    ),
    ({"price_per_license": {"amount": 100, "currency": "EUR"}}, "INVALID_OFFER_PRICE"),  # both
    ({"discount_percent": None}, "INVALID_OFFER_PRICE"),  # neither
    ({"expires_at": "2026-11-27T10:00:00Z"}, "INVALID_OFFER_EXPIRY"),  # now is not the future
    ({"expires_at": "2025-01-01T00:00:00Z"}, "INVALID_OFFER_EXPIRY"),
    ({"product": "platinum"}, "UNKNOWN_PRODUCT"),
    ({"partner_id": "ptn_01JDZ0000000000000000000AB"}, "UNKNOWN_PARTNER"),
]
BAD_400 = [
    {"devices": 0},
    {"devices": 100_001},
    {"licenses": 0},
    {"licenses": 5001},
    {"years": 0},
    {"years": 11},
    {"years": "2"},
    {"reason": "friends"},
    {"expires_at": "next week"},
    {"expires_at": "2026-12-31T23:59:59+01:00"},
    {"discount_percent": "12.345"},  # a number is rounded to 0.01 (tests/api/test_request_bodies.py)
    {"price_per_license": {"amount": 1.5, "currency": "EUR"}, "discount_percent": None},
    {"note": "x" * 501},
    {"unknown": 1},
]


@pytest.mark.parametrize(("fields", "code"), BAD_422)
def test_terms_the_rules_refuse_are_422_and_write_nothing(
    admin: Api, partner: Partner, frozen_now: Any, fields: dict[str, Any], code: str
) -> None:
    before = table.snapshot()
    assert_problem(admin.post("/v1/admin/offers", _bad(partner, **fields)), 422, code)
    assert table.snapshot() == before


@pytest.mark.parametrize("fields", BAD_400)
def test_malformed_offers_are_400_and_write_nothing(
    admin: Api, partner: Partner, frozen_now: Any, fields: dict[str, Any]
) -> None:
    before = table.snapshot()
    assert_problem(admin.post("/v1/admin/offers", _bad(partner, **fields)), 400, "VALIDATION_ERROR")
    assert table.snapshot() == before


def test_offer_routes_are_for_the_admin_key_only(
    admin: Api, partner: Partner, gateway: LocalGateway, frozen_now: Any
) -> None:
    offer = create_offer(admin, partner)
    before = table.snapshot()
    # API Gateway refuses a partner key on /v1/admin/* (the authorizer's policy) ...
    assert partner.api.post("/v1/admin/offers", offer_body(partner)).status == 403
    # ... and the admin function refuses it too, were the request to reach it (its middleware)
    for method, path, body in [
        ("POST", "/v1/admin/offers", offer_body(partner)),
        ("GET", f"/v1/admin/offers/{offer['id']}", None),
        ("DELETE", f"/v1/admin/offers/{offer['id']}", None),
        ("GET", "/v1/admin/discount-requests", None),
    ]:
        status, problem = invoke(gateway, partner, method, path, body)
        assert (status, problem["code"]) == (403, "FORBIDDEN"), (method, path)
    assert table.snapshot() == before


def test_unknown_offer_is_404(admin: Api, api: Api) -> None:
    assert_problem(admin.get("/v1/admin/offers/ofr_missing"), 404, "OFFER_NOT_FOUND")
    assert_problem(admin.delete("/v1/admin/offers/ofr_missing"), 404, "OFFER_NOT_FOUND")
    assert_problem(admin.get("/v1/admin/offers/" + "x" * 300), 404, "OFFER_NOT_FOUND")


def test_withdraw_an_open_offer_once(admin: Api, partner: Partner, frozen_now: Any) -> None:
    offer = create_offer(admin, partner)
    withdrawn = admin.delete(f"/v1/admin/offers/{offer['id']}")
    assert withdrawn.status == 200, withdrawn.body
    assert (withdrawn.json()["status"], withdrawn.json()["withdrawn_at"]) == (
        "withdrawn",
        "2026-11-27T10:00:00Z",
    )
    assert admin.get(f"/v1/admin/offers/{offer['id']}").json() == withdrawn.json()
    before = table.snapshot()
    assert_problem(admin.delete(f"/v1/admin/offers/{offer['id']}"), 409, "OFFER_WITHDRAWN")
    assert table.snapshot() == before


def test_a_used_offer_cannot_be_withdrawn(admin: Api, partner: Partner, frozen_now: Any) -> None:
    offer = create_offer(admin, partner)
    order = partner.api.post("/v1/orders", {"offer_id": offer["id"]}).json()
    before = table.snapshot()
    problem = assert_problem(admin.delete(f"/v1/admin/offers/{offer['id']}"), 409, "OFFER_USED")
    assert problem["order_id"] == order["id"]
    assert table.snapshot() == before


def test_status_is_derived_from_the_dates(admin: Api, partner: Partner, frozen_now: Any) -> None:
    offer = create_offer(admin, partner, expires_at="2026-11-28T10:00:00Z")
    frozen_now(datetime(2026, 11, 28, 9, 59, 59, tzinfo=UTC))
    assert admin.get(f"/v1/admin/offers/{offer['id']}").json()["status"] == "open"
    frozen_now(datetime(2026, 11, 28, 10, 0, tzinfo=UTC))
    assert admin.get(f"/v1/admin/offers/{offer['id']}").json()["status"] == "expired"
    assert partner.api.get("/v1/offers").json()["items"] == []


def test_admin_lists_a_partners_offers_by_status_and_pages(
    admin: Api, partner: Partner, frozen_now: Any
) -> None:
    other = Partner.create(admin, name="Other")
    used, withdrawn, expiring, *open_ones = [create_offer(admin, partner) for _ in range(6)]
    short = create_offer(admin, partner, expires_at="2026-11-28T00:00:00Z")
    create_offer(admin, other)
    partner.api.post("/v1/orders", {"offer_id": used["id"]})
    admin.delete(f"/v1/admin/offers/{withdrawn['id']}")
    frozen_now(datetime(2026, 11, 28, tzinfo=UTC))

    def listed(**query: str) -> list[str]:
        response = admin.get("/v1/admin/offers", query={"partner_id": partner.id, **query})
        assert response.status == 200, response.body
        return [offer["id"] for offer in response.json()["items"]]

    everything = listed()
    newest_open = [o["id"] for o in reversed(open_ones)]
    assert everything == [short["id"], *newest_open, expiring["id"], withdrawn["id"], used["id"]]
    assert listed(status="used") == [used["id"]]
    assert listed(status="withdrawn") == [withdrawn["id"]]
    assert listed(status="expired") == [short["id"]]
    assert listed(status="open") == [o["id"] for o in (*reversed(open_ones), expiring)]

    pages, cursor = [], None
    while True:
        query = {
            "partner_id": partner.id,
            "status": "open",
            "limit": "2",
            **({"cursor": cursor} if cursor else {}),
        }
        page = admin.get("/v1/admin/offers", query=query).json()
        pages.append([o["id"] for o in page["items"]])
        if not (cursor := page["next_cursor"]):
            break
    assert [i for page in pages for i in page] == listed(status="open")
    assert all(len(page) <= 2 for page in pages)


@pytest.mark.parametrize(
    "query",
    [
        {},  # partner_id is required
        {"partner_id": "p", "status": "lost"},
        {"partner_id": "p", "limit": "0"},
        {"partner_id": "p", "limit": "101"},
    ],
)
def test_bad_admin_list_queries_are_400(admin: Api, query: dict[str, str]) -> None:
    assert_problem(admin.get("/v1/admin/offers", query=query), 400, "VALIDATION_ERROR")


def test_a_cursor_of_another_partner_is_refused(admin: Api, partner: Partner, frozen_now: Any) -> None:
    other = Partner.create(admin, name="Other")
    for _ in range(2):
        create_offer(admin, partner)
    cursor = admin.get("/v1/admin/offers", query={"partner_id": partner.id, "limit": "1"}).json()[
        "next_cursor"
    ]
    assert cursor
    query = {"partner_id": other.id, "limit": "1", "cursor": cursor}
    assert_problem(admin.get("/v1/admin/offers", query=query), 400, "INVALID_CURSOR")
    assert_problem(partner.api.get("/v1/offers", query={"cursor": cursor}), 400, "INVALID_CURSOR")


def test_a_partner_sees_only_its_own_open_offers(admin: Api, partner: Partner, frozen_now: Any) -> None:
    other = Partner.create(admin, name="Other")
    mine = create_offer(admin, partner)
    gone = create_offer(admin, partner)
    admin.delete(f"/v1/admin/offers/{gone['id']}")
    theirs = create_offer(admin, other)
    listed = partner.api.get("/v1/offers")
    assert listed.status == 200, listed.body
    assert listed.json() == {"items": [mine], "next_cursor": None}
    assert [o["id"] for o in other.api.get("/v1/offers").json()["items"]] == [theirs["id"]]
    assert_problem(partner.api.get("/v1/offers", query={"limit": "0"}), 400, "VALIDATION_ERROR")
