"""Catalog, quotes and checkout through the real authorizer and handlers."""

from __future__ import annotations

from typing import Any

import pytest

from licensing.infra.bus import RecordingPublisher
from tests.support.clients import Api, Partner
from tests.support.distributors import create_distributor
from tests.support.problems import assert_problem
from tests.support.table import snapshot


def order_count(api: Api) -> int:
    from licensing.store.table import OrderItem

    return sum(1 for item in OrderItem.scan() if item.SK == "ORDER")


def test_catalog_shows_list_and_partner_prices(partner: Partner) -> None:
    catalog = partner.api.get("/v1/catalog").json()
    assert catalog["currency"] == "EUR"
    assert catalog["partner_discount_percent"] == 10
    products = {p["id"]: p for p in catalog["products"]}
    assert set(products) == {"home", "business", "enterprise"}
    business = products["business"]
    assert business["list_price_per_device_year"] == {"amount": 3500, "currency": "EUR"}
    assert business["price_per_device_year"] == {"amount": 3150, "currency": "EUR"}
    assert business["upgrades_to"] == ["enterprise"]
    assert business["terms_years"] == [1, 2, 3]
    assert [t["min_licenses"] for t in catalog["volume_tiers"]] == [10, 25, 50, 100, 250, 500, 1000]


def test_quote_applies_partner_and_volume_discounts(partner: Partner) -> None:
    quote = partner.api.post("/v1/quotes", {"product": "business", "devices": 5, "years": 2, "licenses": 25})
    assert quote.status == 200, quote.body
    body = quote.json()
    assert body["list_price_per_license"] == {"amount": 35000, "currency": "EUR"}
    assert body["price_per_license"] == {"amount": 30240, "currency": "EUR"}  # 35000 x 0.90 x 0.96
    assert body["total"] == {"amount": 30240 * 25, "currency": "EUR"}
    assert body["discounts"] == [{"kind": "partner", "percent": 10}, {"kind": "volume", "percent": 4}]


def test_quote_writes_nothing(partner: Partner) -> None:
    partner.api.post("/v1/quotes", {"product": "home", "devices": 1, "years": 1})
    assert order_count(partner.api) == 0


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_prepaid_order_awaits_payment(partner: Partner, recorded_events: RecordingPublisher) -> None:
    response = partner.order(devices=5, years=1, customer_ref="CUST-42")
    assert response.status == 201, response.body
    order = response.json()
    assert order["id"].startswith("ord_")
    assert order["type"] == "new"
    assert order["status"] == "pending_payment"
    assert order["payment"]["status"] == "awaiting_payment"
    assert order["payment"]["amount"] == {"amount": 15750, "currency": "EUR"}
    assert order["payment"]["reference"] == order["id"]
    assert order["license_keys"] == []
    assert order["customer_ref"] == "CUST-42"
    assert [e.detail_type for e in recorded_events.events] == ["OrderPlaced"]

    fetched = partner.api.get(f"/v1/orders/{order['id']}")
    assert fetched.status == 200
    assert fetched.json() == order


def test_bulk_order_is_typed_bulk(partner: Partner) -> None:
    order = partner.order(licenses=3).json()
    assert order["type"] == "bulk"
    assert order["licenses"] == 3


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_a_monthly_plan_issues_keys_at_once_with_nothing_to_pay(monthly_partner: Partner) -> None:
    response = monthly_partner.monthly_order(licenses=3)
    assert response.status == 201, response.body
    order = response.json()
    assert (order["plan"], order["status"], order["years"]) == ("monthly", "fulfilled", None)
    assert order["payment"]["status"] == "billed_monthly"
    assert order["total"] == {"amount": 0, "currency": "EUR"}  # billed each month for use
    assert order["price_per_license"] == {"amount": 329 * 5, "currency": "EUR"}  # a full month
    assert len(order["license_keys"]) == 3
    assert order["licenses_unused"] == 3
    stored = monthly_partner.api.get(f"/v1/orders/{order['id']}").json()
    assert stored["license_keys"] == order["license_keys"]
    license = monthly_partner.api.get(f"/v1/licenses/{order['license_keys'][0]}").json()
    assert (license["plan"], license["status"], license["term_months"]) == ("monthly", "unused", 1)


def test_a_monthly_partners_annual_order_awaits_payment(monthly_partner: Partner) -> None:
    order = monthly_partner.order(licenses=2).json()
    assert (order["plan"], order["status"], order["payment"]["status"]) == (
        "annual",
        "pending_payment",
        "awaiting_payment",
    )
    assert order["license_keys"] == []
    assert order["total"] == {"amount": 3500 * 5 * 2, "currency": "EUR"}


def test_a_monthly_quote_prices_a_full_month_less_the_partner_discount(admin: Api) -> None:
    msp = Partner.create(admin, billing="monthly", discount_percent="10")
    body = {"plan": "monthly", "product": "business", "devices": 10, "licenses": 30}
    quote = msp.api.post("/v1/quotes", body).json()
    assert (quote["plan"], quote["years"]) == ("monthly", None)
    assert quote["list_price_per_license"] == {"amount": 3290, "currency": "EUR"}
    assert quote["price_per_license"] == {"amount": 2961, "currency": "EUR"}  # no volume tier
    assert [d["kind"] for d in quote["discounts"]] == ["partner"]


def test_a_monthly_bulk_of_250_is_issued_completely(monthly_partner: Partner) -> None:
    from licensing.licenses import repository as licenses

    order = monthly_partner.monthly_order(product="home", devices=1, licenses=250).json()
    assert order["status"] == "fulfilled"
    assert len(set(order["license_keys"])) == 250
    assert all(licenses.get(key) is not None for key in order["license_keys"])
    assert monthly_partner.api.get(f"/v1/orders/{order['id']}").json()["status"] == "fulfilled"


def test_a_monthly_plan_needs_monthly_billing(partner: Partner, admin: Api) -> None:
    for response in (
        partner.monthly_order(),
        partner.api.post("/v1/quotes", {"plan": "monthly", "product": "home", "devices": 1}),
    ):
        assert_problem(response, 403, "MONTHLY_BILLING_NOT_ENABLED")
    assert order_count(admin) == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"plan": "monthly", "product": "business", "devices": 5, "years": 1}, 422, "YEARS_NOT_ALLOWED"),
        ({"plan": "annual", "product": "business", "devices": 5}, 400, "VALIDATION_ERROR"),
        ({"product": "business", "devices": 5}, 400, "VALIDATION_ERROR"),
        ({"plan": "weekly", "product": "business", "devices": 5}, 400, "VALIDATION_ERROR"),
        ({"plan": "monthly", "product": "business", "devices": 501}, 422, "INVALID_DEVICES"),
        ({"plan": "monthly", "product": "nope", "devices": 5}, 422, "UNKNOWN_PRODUCT"),
        ({"plan": None, "product": "business", "devices": 5, "years": 1}, 400, "VALIDATION_ERROR"),
    ],
)
def test_a_plan_and_its_term_must_agree(
    monthly_partner: Partner, admin: Api, body: dict, status: int, code: str
) -> None:
    before = snapshot()
    for path in ("/v1/orders", "/v1/quotes"):
        assert_problem(monthly_partner.api.post(path, body), status, code)
    assert snapshot() == before


def test_partner_with_distributor_cannot_buy_directly(admin: Api) -> None:
    distributor_id = create_distributor(admin)["id"]
    partner = Partner.create(admin, distributor_id=distributor_id)
    problem = assert_problem(partner.order(), 403, "DIRECT_PURCHASE_DISABLED")
    assert problem["distributor_id"] == distributor_id
    assert order_count(admin) == 0


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_idempotency_key_replays_the_first_answer(
    partner: Partner, recorded_events: RecordingPublisher
) -> None:
    first = partner.order(idempotency_key="order-1", licenses=2)
    again = partner.order(idempotency_key="order-1", licenses=2)
    assert first.status == again.status == 201
    assert again.json() == first.json()
    assert order_count(partner.api) == 1
    assert [e.detail_type for e in recorded_events.events] == ["OrderPlaced"]


def test_idempotency_key_with_another_body_is_refused(partner: Partner) -> None:
    partner.order(idempotency_key="order-1", licenses=2)
    assert_problem(partner.order(idempotency_key="order-1", licenses=3), 409, "IDEMPOTENCY_KEY_REUSED")
    assert order_count(partner.api) == 1


def test_idempotency_keys_are_per_partner(partner: Partner, admin: Api) -> None:
    other = Partner.create(admin, name="Other")
    assert partner.order(idempotency_key="same").status == 201
    assert other.order(idempotency_key="same", licenses=2).status == 201
    assert order_count(admin) == 2


def test_another_partners_order_is_not_found(partner: Partner, admin: Api) -> None:
    order = partner.order().json()
    other = Partner.create(admin, name="Other")
    assert_problem(other.api.get(f"/v1/orders/{order['id']}"), 404, "ORDER_NOT_FOUND")
    assert_problem(partner.api.get("/v1/orders/ord_missing"), 404, "ORDER_NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"product": "business", "devices": "5", "years": 1}, 400, "VALIDATION_ERROR"),
        ({"product": "business", "devices": 5.5, "years": 1}, 400, "VALIDATION_ERROR"),
        ({"product": "business", "devices": 5, "years": True}, 400, "VALIDATION_ERROR"),
        ({"product": "business", "years": 1}, 400, "VALIDATION_ERROR"),
        ({"product": "business", "devices": 5, "years": 1, "colour": "red"}, 400, "VALIDATION_ERROR"),
        ({"product": "business", "devices": 5, "years": 1, "licenses": 0}, 400, "VALIDATION_ERROR"),
        ({"product": "business", "devices": 5, "years": 1, "licenses": 5001}, 400, "VALIDATION_ERROR"),
        ({"product": "business", "devices": 0, "years": 1}, 400, "VALIDATION_ERROR"),
        (
            {"product": "business", "devices": 5, "years": 1, "customer_ref": "a\x00b"},
            400,
            "VALIDATION_ERROR",
        ),
        (
            {"product": "business", "devices": 5, "years": 1, "customer_ref": "x" * 201},
            400,
            "VALIDATION_ERROR",
        ),
        (["business"], 400, "VALIDATION_ERROR"),
        ({"product": "platinum", "devices": 5, "years": 1}, 422, "UNKNOWN_PRODUCT"),
        ({"product": "home", "devices": 11, "years": 1}, 422, "INVALID_DEVICES"),
        ({"product": "enterprise", "devices": 2, "years": 1}, 422, "INVALID_DEVICES"),
        ({"product": "business", "devices": 5, "years": 4}, 422, "INVALID_TERM"),
    ],
)
def test_bad_orders_are_refused_and_write_nothing(
    partner: Partner, body: Any, status: int, code: str
) -> None:
    assert_problem(partner.api.post("/v1/orders", body), status, code)
    assert_problem(partner.api.post("/v1/quotes", body), status, code)
    assert order_count(partner.api) == 0


def test_validation_problem_names_the_field(partner: Partner) -> None:
    problem = assert_problem(
        partner.api.post("/v1/orders", {"product": "business", "devices": "many", "years": 1}),
        400,
        "VALIDATION_ERROR",
    )
    assert any(error["field"] == "body.devices" for error in problem["errors"])


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{", "MALFORMED_JSON"),
        ("not json", "MALFORMED_JSON"),
        ('{"product": "business",}', "MALFORMED_JSON"),
        ("", "VALIDATION_ERROR"),
    ],
)
def test_malformed_json_is_a_400(partner: Partner, raw: str, code: str) -> None:
    response = partner.api.post("/v1/orders", body=raw, headers={"Content-Type": "application/json"})
    assert_problem(response, 400, code)
    assert order_count(partner.api) == 0


def test_invalid_idempotency_key_is_a_400(partner: Partner) -> None:
    assert_problem(partner.order(idempotency_key="x" * 256), 400, "INVALID_IDEMPOTENCY_KEY")
    assert order_count(partner.api) == 0


def test_replay_answers_as_first_even_after_the_partner_changed(partner: Partner, admin: Api) -> None:
    first = partner.order(idempotency_key="before-change")
    distributor_id = create_distributor(admin)["id"]
    admin.patch(
        f"/v1/admin/partners/{partner.id}", {"distributor_id": distributor_id, "discount_percent": 30}
    )
    again = partner.order(idempotency_key="before-change")
    assert (again.status, again.json()) == (201, first.json())
    assert_problem(partner.order(idempotency_key="after-change"), 403, "DIRECT_PURCHASE_DISABLED")


def test_expired_idempotency_record_no_longer_holds_the_key(partner: Partner, frozen_now) -> None:
    from datetime import timedelta

    first = partner.order(idempotency_key="day-old").json()
    frozen_now(frozen_now() + timedelta(hours=25))  # past the 24 h retention, before TTL deletion
    second = partner.order(idempotency_key="day-old").json()
    assert second["id"] != first["id"]
    assert order_count(partner.api) == 2


def test_a_record_without_a_result_holds_its_key_and_answers_409(partner: Partner) -> None:
    """A record kept by the version before results were (the HTTP answer instead) still holds its key for
    the day: a retry is refused with a clear problem, never answered with another order or a 500."""
    from licensing.store.table import IdempotencyItem

    partner.order(idempotency_key="kept-by-the-old-version")
    (record,) = [item for item in IdempotencyItem.scan() if item.PK.endswith("#kept-by-the-old-version")]
    record.update(actions=[IdempotencyItem.result.remove()])

    assert_problem(partner.order(idempotency_key="kept-by-the-old-version"), 409, "CONFLICT")
    assert order_count(partner.api) == 1


def test_an_idempotency_record_from_before_plans_and_offers_still_matches(partner: Partner) -> None:
    """A retry sent across the deploy that added `plan` and `offer_id` (both at their defaults) replays
    the first order instead of answering IDEMPOTENCY_KEY_REUSED: the fingerprint leaves them out."""
    from licensing.orders.api import OrderRequest
    from licensing.orders.checkout import fingerprint

    body = {"product": "business", "devices": 5, "years": 1, "licenses": 1, "customer_ref": None}
    assert fingerprint(OrderRequest.model_validate(body)) == body  # what the old code recorded
    monthly = OrderRequest.model_validate({**body, "plan": "monthly", "years": None})
    assert fingerprint(monthly)["plan"] == "monthly"
    first = partner.order("across-deploy")
    again = partner.order("across-deploy", plan="annual")
    assert (again.status, again.json()["id"]) == (201, first.json()["id"])
