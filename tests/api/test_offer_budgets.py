"""DynamoDB call budgets of the offer routes, counted at botocore for the function alone."""

from __future__ import annotations

from typing import Any

from devtools.gateway import LocalGateway
from tests.support.clients import Api, Partner
from tests.support.invoke import invoke
from tests.support.offers import approval_body, ask_discount, create_offer, offer_body


def test_quote_with_an_offer_is_two_reads(
    gateway: LocalGateway, admin: Api, partner: Partner, frozen_now: Any, ddb_calls
) -> None:
    offer = create_offer(admin, partner)
    ddb_calls.reset()
    status, _ = invoke(gateway, partner, "POST", "/v1/quotes", {"offer_id": offer["id"]})
    assert status == 200
    assert ddb_calls.calls == ["GetItem", "GetItem"]  # the partner, the offer


def test_order_with_an_offer_is_three_calls(
    gateway: LocalGateway, admin: Api, partner: Partner, frozen_now: Any, ddb_calls
) -> None:
    offer = create_offer(admin, partner)
    ddb_calls.reset()
    body = {"offer_id": offer["id"]}
    status, _ = invoke(gateway, partner, "POST", "/v1/orders", body, **{"Idempotency-Key": "budget"})
    assert status == 201
    # the partner, the offer; the order, the offer's move to used, the key's record and the OrderPlaced
    # event in the outbox, in one transaction
    assert ddb_calls.calls == ["GetItem", "GetItem", "TransactWriteItems"]
    assert len(ddb_calls.params[-1]["TransactItems"]) == 4


def test_lists_are_one_query(
    gateway: LocalGateway, admin: Api, partner: Partner, frozen_now: Any, ddb_calls
) -> None:
    for _ in range(3):
        create_offer(admin, partner)
    ask_discount(partner)
    ddb_calls.reset()
    assert invoke(gateway, partner, "GET", "/v1/offers")[0] == 200
    assert invoke(gateway, partner, "GET", "/v1/discount-requests")[0] == 200  # none approved: no offers read
    assert ddb_calls.calls == ["Query", "Query"]
    assert all("IndexName" in params for params in ddb_calls.params)


def test_partner_requests_with_offers_are_a_query_and_a_batch_read(
    gateway: LocalGateway, admin: Api, partner: Partner, frozen_now: Any, ddb_calls
) -> None:
    for _ in range(2):
        request = ask_discount(partner)
        admin.post(f"/v1/admin/discount-requests/{request['id']}/approve", approval_body())
    ddb_calls.reset()
    assert invoke(gateway, partner, "GET", "/v1/discount-requests")[0] == 200
    assert ddb_calls.calls == ["Query", "BatchGetItem"]


def test_admin_offer_operations(
    gateway: LocalGateway, admin: Api, partner: Partner, frozen_now: Any, ddb_calls
) -> None:
    """The admin key needs no read (the authorizer compares it with the secret): these are the function's."""

    def as_admin(method: str, path: str, body: Any = None, **query: str) -> list[str]:
        ddb_calls.reset()
        response = admin.request(method, path, body, query=query)
        assert response.status < 300, response.body
        return list(ddb_calls.calls)

    ddb_calls.reset()
    created = admin.post("/v1/admin/offers", offer_body(partner)).json()
    assert ddb_calls.calls == ["GetItem", "TransactWriteItems"]  # the partner; the offer
    assert as_admin("GET", f"/v1/admin/offers/{created['id']}") == ["GetItem"]
    assert as_admin("GET", "/v1/admin/offers", partner_id=partner.id) == ["Query"]
    assert as_admin("DELETE", f"/v1/admin/offers/{created['id']}") == ["GetItem", "UpdateItem"]
    request = ask_discount(partner)
    assert as_admin("GET", "/v1/admin/discount-requests") == ["Query"]
    path = f"/v1/admin/discount-requests/{request['id']}/approve"
    assert as_admin("POST", path, approval_body()) == ["GetItem", "GetItem", "TransactWriteItems"]
    request = ask_discount(partner)
    path = f"/v1/admin/discount-requests/{request['id']}/reject"
    assert as_admin("POST", path, {"reason": "No."}) == ["GetItem", "TransactWriteItems"]
