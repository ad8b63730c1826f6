"""A partner assigned to a distributor buys only through it; the distributor orders for its partners at
its own discount, and sees only its partners and the orders it placed. Through the real authorizer and
handlers."""

from __future__ import annotations

from typing import Any

import pytest

from licensing.catalog.catalog import load_catalog
from licensing.catalog.pricing import quote
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.cursors import tampered
from tests.support.distributors import ORDER, Distributor
from tests.support.invoke import invoke
from tests.support.problems import assert_problem
from tests.support.table import snapshot


@pytest.fixture
def distributor(admin: Api) -> Distributor:
    return Distributor.create(admin, support_url="https://nordic.example/partners", discount_percent="20")


@pytest.fixture
def assigned(admin: Api, distributor: Distributor) -> Partner:
    """A partner with a 10 % discount of its own, assigned to `distributor`."""
    return Partner.create(
        admin, name="Assigned Reseller", discount_percent="10", distributor_id=distributor.id
    )


def expected_price(discount: str, licenses: int) -> int:
    from decimal import Decimal

    priced = quote(
        load_catalog(), product_id="business", devices=5, years=1, licenses=licenses, currency="EUR",
        partner_discount=Decimal(discount),
    )  # fmt: skip
    return priced.price_per_license.amount


# ------------------------------------------------------------------------------------ refusals


def test_a_direct_order_names_the_distributor_and_how_to_reach_it(
    assigned: Partner, distributor: Distributor
) -> None:
    before = snapshot()
    for key in (None, "direct-1"):
        problem = assert_problem(assigned.order(idempotency_key=key), 403, "DIRECT_PURCHASE_DISABLED")
        assert "Nordic Distribution" in problem["detail"]
        assert "orders@nordic.example" in problem["detail"]
        assert "https://nordic.example/partners" in problem["detail"]
        assert problem["distributor_id"] == distributor.id
        assert problem["distributor"] == {
            "id": distributor.id,
            "name": "Nordic Distribution",
            "email": "orders@nordic.example",
            "support_url": "https://nordic.example/partners",
        }
    assert snapshot() == before


def test_the_refusal_follows_the_distributors_changes(
    admin: Api, assigned: Partner, distributor: Distributor
) -> None:
    admin.patch(f"/v1/admin/distributors/{distributor.id}", {"name": "Nordic AB", "support_url": None})
    problem = assert_problem(assigned.order(), 403, "DIRECT_PURCHASE_DISABLED")
    assert "Nordic AB" in problem["detail"] and "https://" not in problem["detail"]
    assert problem["distributor"]["support_url"] is None


@pytest.fixture
def bought_before(admin: Api, webhook: WebhookSender, distributor: Distributor) -> tuple[Partner, list[str]]:
    """A partner that bought 3 keys and activated one, then was assigned to `distributor`."""
    partner = Partner.create(admin, name="Long-time Reseller")
    order = partner.order(licenses=3).json()
    assert webhook.pay(order).json()["outcome"] == "fulfilled"
    keys = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    assert partner.api.post(f"/v1/licenses/{keys[0]}/assign", {"workspace_id": "ws-lu"}).status == 200
    assert admin.patch(f"/v1/admin/partners/{partner.id}", {"distributor_id": distributor.id}).status == 200
    return partner, keys


def test_every_purchase_path_is_refused_but_managing_keeps_working(
    bought_before: tuple[Partner, list[str]], distributor: Distributor
) -> None:
    partner, keys = bought_before
    active, coupon, spare = keys
    before = snapshot()
    assert_problem(partner.order(), 403, "DIRECT_PURCHASE_DISABLED")
    renewal = partner.api.post(f"/v1/licenses/{active}/renew", {"years": 1}, headers={"Idempotency-Key": "r"})
    problem = assert_problem(renewal, 403, "DIRECT_PURCHASE_DISABLED")
    assert problem["distributor"]["name"] == "Nordic Distribution"
    migrate = partner.api.post(f"/v1/licenses/{active}/renew", {"years": 1, "migrate_to": "enterprise"})
    assert_problem(migrate, 403, "DIRECT_PURCHASE_DISABLED")
    assert snapshot() == before

    assert partner.api.get("/v1/catalog").status == 200
    assert partner.api.post("/v1/quotes", ORDER).status == 200
    assert partner.api.get("/v1/orders").json()["items"][0]["placed_by"] is None
    assert len(partner.api.get("/v1/licenses").json()["items"]) == 3
    # L and U are in no key or order id (Crockford base32): only the workspace matches
    assert [
        item["key"] for item in partner.api.get("/v1/licenses", query={"q": "ws-l*"}).json()["items"]
    ] == [active]
    assert partner.api.get(f"/v1/licenses/{spare}").status == 200
    assert partner.api.patch(f"/v1/licenses/{spare}", {"note": "reserved"}).status == 200
    assert partner.api.get(f"/v1/licenses/{spare}/history").status == 200
    options = partner.api.get(f"/v1/licenses/{active}/renewal-options").json()
    assert options["direct_purchase"] is False
    lookup = partner.api.with_key(None).post("/v1/lookup", {"license_key": active, "workspace_id": "ws-lu"})
    assert lookup.json()["code"] == "VALID"
    renewed = partner.api.post(f"/v1/licenses/{active}/renew-with-coupon")
    assert renewed.status == 200, renewed.body
    assert renewed.json()["coupon"]["key"] == coupon  # the one without a note


# ------------------------------------------------------------------------------------ distributor orders


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_a_distributor_orders_for_its_partner_at_its_own_discount(
    assigned: Partner, distributor: Distributor, webhook: WebhookSender, recorded_events
) -> None:
    placed = distributor.order_for(assigned.id, licenses=25, customer_ref="CUST-7")
    assert placed.status == 201, placed.body
    order = placed.json()
    assert (order["status"], order["payment"]["status"]) == ("pending_payment", "awaiting_payment")
    assert order["placed_by"] == f"distributor:{distributor.id}"
    assert order["discounts"] == [{"kind": "distributor", "percent": 20}, {"kind": "volume", "percent": 4}]
    assert order["price_per_license"] == {"amount": expected_price("20", 25), "currency": "EUR"}
    assert order["price_per_license"]["amount"] == 13440  # 17500 x 0.80 x 0.96, the partner's 10 % replaced
    assert order["total"]["amount"] == 25 * 13440
    assert order["customer_ref"] == "CUST-7"
    assert [e.detail_type for e in recorded_events.events if e.detail_type == "OrderPlaced"] == [
        "OrderPlaced"
    ]

    assert webhook.pay(order).json()["outcome"] == "fulfilled"
    paid = distributor.api.get(f"/v1/distributor/orders/{order['id']}").json()
    assert (paid["status"], len(paid["license_keys"])) == ("fulfilled", 25)
    own = assigned.api.get(f"/v1/orders/{order['id']}").json()  # the partner's own history shows it
    assert own == paid
    assert assigned.api.get("/v1/orders").json()["items"][0]["placed_by"] == f"distributor:{distributor.id}"
    license = assigned.api.get(f"/v1/licenses/{paid['license_keys'][0]}")
    assert (license.status, license.json()["partner_id"]) == (200, assigned.id)  # the keys are the partner's


def test_without_a_discount_the_distributor_pays_list_price_less_the_volume_tier(
    admin: Api, webhook: WebhookSender
) -> None:
    distributor = Distributor.create(admin)  # discount_percent defaults to 0
    partner = Partner.create(admin, discount_percent="15", distributor_id=distributor.id)
    order = distributor.order_for(partner.id).json()
    assert (order["price_per_license"]["amount"], order["discounts"]) == (17500, [])


def test_an_idempotency_key_replays_the_first_order_once(
    admin: Api, assigned: Partner, distributor: Distributor
) -> None:
    first = distributor.order_for(assigned.id, idempotency_key="dist-1", licenses=2)
    again = distributor.order_for(assigned.id, idempotency_key="dist-1", licenses=2)
    assert first.status == again.status == 201
    assert again.json() == first.json()
    orders = distributor.api.get(f"/v1/distributor/partners/{assigned.id}/orders").json()["items"]
    assert [o["id"] for o in orders] == [first.json()["id"]]

    before = snapshot()
    reused = distributor.order_for(assigned.id, idempotency_key="dist-1", licenses=3)
    assert_problem(reused, 409, "IDEMPOTENCY_KEY_REUSED")
    assert snapshot() == before

    # the key is scoped to the distributor and the partner: another partner's order is a new one
    other = Partner.create(admin, name="Other Assigned", distributor_id=distributor.id)
    elsewhere = distributor.order_for(other.id, idempotency_key="dist-1", licenses=2)
    assert elsewhere.status == 201 and elsewhere.json()["id"] != first.json()["id"]
    # ... and a discount change after the first answer does not change the replay
    admin.patch(f"/v1/admin/distributors/{distributor.id}", {"discount_percent": 50})
    assert distributor.order_for(assigned.id, idempotency_key="dist-1", licenses=2).json() == first.json()


def test_a_distributor_sees_only_its_partners_and_the_orders_it_placed(
    admin: Api, assigned: Partner, distributor: Distributor, partner: Partner
) -> None:
    rival = Distributor.create(admin, name="Rival Distribution")
    rivals_partner = Partner.create(admin, name="Rival's Reseller", distributor_id=rival.id)
    mine = distributor.order_for(assigned.id).json()
    theirs = rival.order_for(rivals_partner.id).json()
    own = partner.order().json()  # a direct partner's own order

    before = snapshot()
    for partner_id in (rivals_partner.id, partner.id, "ptn_missing", "p" * 3000):
        assert_problem(distributor.order_for(partner_id), 404, "PARTNER_NOT_FOUND")
        path = f"/v1/distributor/partners/{partner_id}/orders"
        assert_problem(distributor.api.get(path), 404, "PARTNER_NOT_FOUND")
    for order_id in (theirs["id"], own["id"], "ord_missing", "o" * 3000):
        assert_problem(distributor.api.get(f"/v1/distributor/orders/{order_id}"), 404, "ORDER_NOT_FOUND")
    assert snapshot() == before
    assert distributor.api.get(f"/v1/distributor/orders/{mine['id']}").json()["id"] == mine["id"]


def test_only_the_orders_the_distributor_placed_are_listed(
    admin: Api, webhook: WebhookSender, distributor: Distributor
) -> None:
    partner = Partner.create(admin, name="Switched Reseller")
    direct = partner.order().json()  # bought directly, before the assignment
    admin.patch(f"/v1/admin/partners/{partner.id}", {"distributor_id": distributor.id})
    placed = [distributor.order_for(partner.id, licenses=n).json() for n in (1, 2, 3)]
    path = f"/v1/distributor/partners/{partner.id}/orders"
    listed = distributor.api.get(path).json()
    assert [o["id"] for o in listed["items"]] == [o["id"] for o in reversed(placed)]
    assert direct["id"] not in {o["id"] for o in listed["items"]}
    page = distributor.api.get(path, query={"limit": "2", "order": "asc"}).json()
    assert [o["id"] for o in page["items"]] == [placed[0]["id"], placed[1]["id"]]
    rest = distributor.api.get(
        path, query={"limit": "2", "order": "asc", "cursor": page["next_cursor"]}
    ).json()
    assert [o["id"] for o in rest["items"]] == [placed[2]["id"]]
    assert [o["id"] for o in distributor.api.get(path, query={"type": "bulk"}).json()["items"]] == [
        placed[2]["id"], placed[1]["id"]
    ]  # fmt: skip
    # the partner's own cursor is not the distributor's
    own_cursor = partner.api.get("/v1/orders", query={"limit": "1"}).json()["next_cursor"]
    assert_problem(
        distributor.api.get(path, query={"limit": "1", "cursor": own_cursor}), 400, "INVALID_CURSOR"
    )


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_a_cursor_whose_key_is_not_a_key_of_the_index_is_invalid(
    assigned: Partner, distributor: Distributor
) -> None:
    """moto resumed after any ExclusiveStartKey; DynamoDB refuses one without the index's whole key."""
    for n in (1, 2):
        distributor.order_for(assigned.id, licenses=n)
    path = f"/v1/distributor/partners/{assigned.id}/orders"
    cursor = distributor.api.get(path, query={"limit": "1"}).json()["next_cursor"]
    for bad in tampered(cursor, keep="GSI1PK"):
        assert_problem(distributor.api.get(path, query={"limit": "1", "cursor": bad}), 400, "INVALID_CURSOR")


def test_a_partner_moved_away_is_no_longer_the_distributors(
    admin: Api, assigned: Partner, distributor: Distributor
) -> None:
    order = distributor.order_for(assigned.id).json()
    admin.patch(f"/v1/admin/partners/{assigned.id}", {"distributor_id": None})
    before = snapshot()
    assert_problem(distributor.order_for(assigned.id), 404, "PARTNER_NOT_FOUND")
    assert_problem(distributor.order_for(assigned.id, idempotency_key="late"), 404, "PARTNER_NOT_FOUND")
    assert_problem(
        distributor.api.get(f"/v1/distributor/partners/{assigned.id}/orders"), 404, "PARTNER_NOT_FOUND"
    )
    assert_problem(distributor.api.get(f"/v1/distributor/orders/{order['id']}"), 404, "ORDER_NOT_FOUND")
    assert snapshot() == before
    assert distributor.api.get("/v1/distributor/partners").json()["items"] == []
    # the partner buys directly again, and still sees the order the distributor placed
    assert assigned.order().status == 201
    assert (
        assigned.api.get(f"/v1/orders/{order['id']}").json()["placed_by"] == f"distributor:{distributor.id}"
    )


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        ({"product": "business", "devices": 0, "years": 1}, {}, 400, "VALIDATION_ERROR"),
        ({"product": "business", "devices": 5}, {}, 400, "VALIDATION_ERROR"),
        ({**ORDER, "licenses": 5001}, {}, 400, "VALIDATION_ERROR"),
        ({**ORDER, "partner_id": "ptn_x"}, {}, 400, "VALIDATION_ERROR"),
        ({**ORDER, "product": "platinum"}, {}, 422, "UNKNOWN_PRODUCT"),
        ({**ORDER, "years": 9}, {}, 422, "INVALID_TERM"),
        ({"product": "business", "devices": 5, "plan": "monthly"}, {}, 422, "PLAN_NOT_AVAILABLE"),
        ({**ORDER, "plan": "yearly"}, {}, 400, "VALIDATION_ERROR"),
        ({**ORDER, "devices": 100000}, {}, 422, "INVALID_DEVICES"),
        (ORDER, {"Idempotency-Key": "x" * 256}, 400, "INVALID_IDEMPOTENCY_KEY"),
        ("{not json", {}, 400, "MALFORMED_JSON"),
    ],
)
def test_bad_distributor_orders_are_4xx_and_write_nothing(
    assigned: Partner, distributor: Distributor, body: Any, headers: dict, status: int, code: str
) -> None:
    before = snapshot()
    path = f"/v1/distributor/partners/{assigned.id}/orders"
    if isinstance(body, str):
        response = distributor.api.post(
            path, body=body, headers={"Content-Type": "application/json", **headers}
        )
    else:
        response = distributor.api.post(path, body, headers=headers)
    assert_problem(response, status, code)
    assert snapshot() == before


def test_a_monthly_partner_assigned_to_a_distributor_gets_no_monthly_licenses_through_it(
    admin: Api, distributor: Distributor
) -> None:
    msp = Partner.create(admin, name="MSP", billing="monthly", distributor_id=distributor.id)
    monthly = {"product": "business", "devices": 5, "plan": "monthly"}
    before = snapshot()
    assert_problem(msp.api.post("/v1/orders", monthly), 403, "DIRECT_PURCHASE_DISABLED")
    problem = assert_problem(
        distributor.order_for(msp.id, **{**monthly, "years": None}), 422, "PLAN_NOT_AVAILABLE"
    )
    assert "annual" in problem["detail"]
    assert snapshot() == before
    annual = distributor.order_for(msp.id)  # the annual plan is paid like any annual order
    assert (annual.status, annual.json()["status"]) == (201, "pending_payment")


def test_bad_distributor_list_queries_are_400(assigned: Partner, distributor: Distributor) -> None:
    path = f"/v1/distributor/partners/{assigned.id}/orders"
    for query, code in [
        ({"limit": "0"}, "VALIDATION_ERROR"),
        ({"order": "sideways"}, "VALIDATION_ERROR"),
        ({"type": "gift"}, "VALIDATION_ERROR"),
        ({"cursor": "nonsense"}, "INVALID_CURSOR"),
    ]:
        assert_problem(distributor.api.get(path, query=query), 400, code)


# ------------------------------------------------------------------------------------ call budgets


def distributor_invoke(
    gateway, distributor: Distributor, method: str, path: str, body: Any = None, **headers
):
    """Call the checkout function as API Gateway does once the authorizer allowed the distributor's key."""
    import json

    from devtools.gateway import LambdaContext, api_event

    route, params = next((r, p) for r in gateway.routes if (p := r.match(method, path)) is not None)
    event = api_event(route, path, params, headers, {}, json.dumps(body) if body else None, False, "req")
    event["requestContext"]["authorizer"] = {
        "principalId": distributor.key_id, "role": "distributor", "partner_id": "",
        "api_key_id": distributor.key_id, "distributor_id": distributor.id,
    }  # fmt: skip
    result = gateway.handler(route.module)(event, LambdaContext(route.module))
    return result["statusCode"], json.loads(result["body"])


@pytest.mark.parametrize("idempotency_key", [None, "budget-1"])
def test_a_distributor_order_is_three_calls(
    gateway, assigned: Partner, distributor: Distributor, ddb_calls, idempotency_key: str | None
) -> None:
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    path = f"/v1/distributor/partners/{assigned.id}/orders"
    ddb_calls.reset()
    status, _ = distributor_invoke(gateway, distributor, "POST", path, ORDER, **headers)
    assert status == 201
    assert ddb_calls.calls == ["GetItem", "GetItem", "TransactWriteItems"]  # distributor, partner, order


def test_reading_a_distributors_order_is_a_query_and_a_read(
    gateway, assigned: Partner, distributor: Distributor, ddb_calls
) -> None:
    order = distributor.order_for(assigned.id).json()
    ddb_calls.reset()
    status, _ = distributor_invoke(gateway, distributor, "GET", f"/v1/distributor/orders/{order['id']}")
    assert status == 200
    assert ddb_calls.calls == ["Query", "GetItem"]  # the order with its usage; its partner still assigned
    ddb_calls.reset()
    status, _ = distributor_invoke(gateway, distributor, "GET", "/v1/distributor/partners")
    assert (status, ddb_calls.calls) == (200, ["Query"])


def test_a_refused_direct_purchase_reads_the_distributor_once(gateway, assigned: Partner, ddb_calls) -> None:
    ddb_calls.reset()
    status, problem = invoke(gateway, assigned, "POST", "/v1/orders", ORDER)
    assert (status, problem["code"]) == (403, "DIRECT_PURCHASE_DISABLED")
    assert ddb_calls.calls == ["GetItem", "GetItem"]  # the partner, then its distributor; nothing written
    ddb_calls.reset()
    status, _ = invoke(gateway, assigned, "POST", "/v1/orders", ORDER, **{"Idempotency-Key": "refused"})
    assert status == 403
    assert ddb_calls.calls == ["GetItem", "GetItem", "GetItem"]  # ... and whether the key answered before


def test_a_distributor_cannot_buy_its_partners_offer(
    admin: Api, distributor: Distributor, assigned: Partner, frozen_now: Any
) -> None:
    from tests.support.offers import create_offer

    offer = create_offer(admin, assigned)
    before = snapshot()
    response = distributor.api.post(
        f"/v1/distributor/partners/{assigned.id}/orders", {"offer_id": offer["id"]}
    )
    assert_problem(response, 422, "OFFER_NOT_FOR_DISTRIBUTORS")
    assert snapshot() == before
