"""Offers under concurrency, against the moto server over HTTP: one offer, many checkouts at once, one
order; an approval and a rejection racing, one decision."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from licensing.infra.bus import RecordingPublisher
from licensing.store.table import DiscountRequestItem, OfferItem, OrderItem
from tests.support.clients import Api, Partner
from tests.support.environment import ADMIN_KEY
from tests.support.offers import approval_body, ask_discount, create_offer

pytestmark = pytest.mark.server


def in_parallel(calls: list[Any]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_one_offer_checked_out_at_once_makes_one_order(
    server_api: Api, recorded_events: RecordingPublisher, frozen_now: Any
) -> None:
    admin = server_api.with_key(ADMIN_KEY)
    partner = Partner.create(admin)
    offer = create_offer(admin, partner)
    body = {"offer_id": offer["id"]}
    # No Idempotency-Keys: the in-process resolver keeps the current event in a class attribute, so a
    # header read after the first DynamoDB call could be another thread's (one event per Lambda process).
    responses = in_parallel([lambda: partner.api.post("/v1/orders", body) for _ in range(8)])

    statuses = sorted(r.status for r in responses)
    assert statuses == [201] + [409] * 7, [r.body for r in responses]
    assert {r.json()["code"] for r in responses if r.status == 409} == {"OFFER_USED"}
    (won,) = [r.json() for r in responses if r.status == 201]
    orders = [i for i in OrderItem.scan() if i.SK == "ORDER"]
    assert [o.id for o in orders] == [won["id"]]
    assert orders[0].offer_id == offer["id"]
    assert OfferItem.get(f"OFFER#{offer['id']}", "OFFER").order_id == won["id"]
    assert [e.detail_type for e in recorded_events.events].count("OrderPlaced") == 1


def test_the_same_checkout_retried_at_once_answers_one_order(server_api: Api, frozen_now: Any) -> None:
    admin = server_api.with_key(ADMIN_KEY)
    partner = Partner.create(admin)
    offer = create_offer(admin, partner)
    once = {"Idempotency-Key": "same"}
    responses = in_parallel(
        [lambda: partner.api.post("/v1/orders", {"offer_id": offer["id"]}, headers=once) for _ in range(6)]
    )
    # each either answers the one order or is told to retry while the first is being answered
    assert {r.status for r in responses} <= {201, 409}, [r.body for r in responses]
    assert len({r.json()["id"] for r in responses if r.status == 201}) == 1
    assert all(r.json()["code"] != "OFFER_USED" for r in responses if r.status == 409)
    again = partner.api.post("/v1/orders", {"offer_id": offer["id"]}, headers=once)
    assert again.status == 201 and again.json()["id"] in {
        r.json()["id"] for r in responses if r.status == 201
    }
    assert sum(1 for i in OrderItem.scan() if i.SK == "ORDER") == 1


def test_approve_and_reject_racing_make_one_decision(
    server_api: Api, recorded_events: RecordingPublisher, frozen_now: Any
) -> None:
    admin = server_api.with_key(ADMIN_KEY)
    partner = Partner.create(admin)
    for _ in range(3):
        request = ask_discount(partner)
        path = f"/v1/admin/discount-requests/{request['id']}"

        def approving(path: str = path) -> Any:
            return admin.post(f"{path}/approve", approval_body())

        def rejecting(path: str = path) -> Any:
            return admin.post(f"{path}/reject", {"reason": "No."})

        responses = in_parallel([approving, rejecting] * 3)
        won = [r for r in responses if r.status in (200, 201)]
        assert len(won) == 1, [r.body for r in responses]
        assert {r.json()["code"] for r in responses if r not in won} == {"DISCOUNT_REQUEST_DECIDED"}
        stored = DiscountRequestItem.get(f"DISCOUNT_REQUEST#{request['id']}", "DISCOUNT_REQUEST")
        offers = [o for o in OfferItem.scan() if o.SK == "OFFER" and o.discount_request_id == request["id"]]
        if won[0].status == 201:
            assert stored.status == "approved"
            assert [o.id for o in offers] == [stored.offer_id]
        else:
            assert (stored.status, stored.rejection_reason, offers) == ("rejected", "No.", [])
    decisions = [
        e for e in recorded_events.events if e.detail_type in ("OfferCreated", "DiscountRequestRejected")
    ]
    assert len(decisions) == 3


def test_a_withdrawal_racing_a_checkout_lets_exactly_one_through(server_api: Api, frozen_now: Any) -> None:
    admin = server_api.with_key(ADMIN_KEY)
    partner = Partner.create(admin)
    for _ in range(4):
        offer = create_offer(admin, partner)
        ordered, withdrawn = in_parallel(
            [
                lambda o=offer: partner.api.post("/v1/orders", {"offer_id": o["id"]}),
                lambda o=offer: admin.delete(f"/v1/admin/offers/{o['id']}"),
            ]
        )
        stored = OfferItem.get(f"OFFER#{offer['id']}", "OFFER", consistent_read=True)
        if ordered.status == 201:
            assert (withdrawn.status, withdrawn.json()["code"]) == (409, "OFFER_USED")
            assert (stored.order_id, stored.withdrawn_at) == (ordered.json()["id"], None)
        else:
            assert (ordered.status, ordered.json()["code"], withdrawn.status) == (409, "OFFER_WITHDRAWN", 200)
            assert stored.order_id is None and stored.withdrawn_at is not None
    orders = [i for i in OrderItem.scan() if i.SK == "ORDER"]
    assert all(o.offer_id for o in orders)
    assert len({o.offer_id for o in orders}) == len(orders)
