"""The sample events in events/ (usable with `sam local invoke -e`) drive the real handlers, and the
local gateway builds events of exactly their shape."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from devtools.gateway import LambdaContext, LocalGateway
from licensing.payments.signatures import sign
from tests.support.clients import Partner
from tests.support.environment import WEBHOOK_SECRET
from tests.support.paths import REPO_ROOT

EVENTS = REPO_ROOT / "events"


def sample(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


def run(gateway: LocalGateway, module: str, event: dict[str, Any]) -> tuple[int, Any]:
    result = gateway.handler(f"functions.{module}.app")(event, LambdaContext(module))
    return result["statusCode"], json.loads(result["body"]) if result.get("body") else None


def as_partner(event: dict[str, Any], partner: Partner) -> dict[str, Any]:
    event["requestContext"]["authorizer"].update(partner_id=partner.id, principalId=partner.key_id)
    return event


def test_health_sample(gateway: LocalGateway, api) -> None:
    assert run(gateway, "health", sample("health.json")) == (200, {"status": "ok"})


def test_catalog_sample(gateway: LocalGateway, partner: Partner) -> None:
    status, body = run(gateway, "checkout", as_partner(sample("get_catalog.json"), partner))
    assert status == 200
    assert {p["id"] for p in body["products"]} == {"home", "business", "enterprise"}


def test_me_sample(gateway: LocalGateway, partner: Partner) -> None:
    event = as_partner(sample("get_me.json"), partner)
    event["requestContext"]["authorizer"]["api_key_id"] = partner.key_id
    status, body = run(gateway, "people", event)
    assert status == 200
    assert body["partner"]["id"] == partner.id
    assert (body["role"], body["caller"]["type"], body["caller"]["key_id"]) == (
        "read_only",
        "api_key",
        partner.key_id,
    )


def test_order_webhook_and_lookup_samples(gateway: LocalGateway, partner: Partner) -> None:
    status, order = run(gateway, "checkout", as_partner(sample("create_order.json"), partner))
    assert (status, order["status"], order["customer_ref"]) == (201, "pending_payment", "CUST-42")

    event = sample("payment_webhook.json")
    payload = json.loads(event["body"])
    payload["data"].update(order_id=order["id"], amount=order["total"]["amount"])
    event["body"] = json.dumps(payload)
    event["headers"]["Payment-Signature"] = sign(WEBHOOK_SECRET, int(time.time()), event["body"])
    assert run(gateway, "payment_webhook", event) == (
        200,
        {"received": True, "event_id": "evt_sample", "outcome": "fulfilled"},
    )

    key = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"][0]
    event = sample("lookup.json")
    status, answer = run(gateway, "license_lookup", event)  # a well-formed key that nobody was issued
    assert (status, answer["code"]) == (404, "LICENSE_NOT_FOUND")
    event["body"] = json.dumps({**json.loads(event["body"]), "license_key": key})
    status, answer = run(gateway, "license_lookup", event)
    assert (status, answer["code"], answer["license"]["workspace_id"]) == (200, "VALID", "ws-sample")


def test_distributor_order_sample(gateway: LocalGateway, admin) -> None:
    from tests.support.distributors import Distributor

    distributor = Distributor.create(admin, discount_percent="20")
    partner = Partner.create(admin, distributor_id=distributor.id)
    event = sample("distributor_order.json")
    event["path"] = event["path"].replace("ptn_SAMPLE", partner.id)
    event["requestContext"]["path"] = event["requestContext"]["path"].replace("ptn_SAMPLE", partner.id)
    event["pathParameters"]["partner_id"] = partner.id
    event["requestContext"]["authorizer"].update(
        distributor_id=distributor.id, principalId=distributor.key_id
    )
    status, order = run(gateway, "checkout", event)
    assert (status, order["status"], order["customer_ref"]) == (201, "pending_payment", "CUST-42")
    assert order["placed_by"] == f"distributor:{distributor.id}"


def for_license(event: dict[str, Any], key: str) -> dict[str, Any]:
    sample_key = event["pathParameters"]["key"]
    event["path"] = event["path"].replace(sample_key, key)
    event["requestContext"]["path"] = event["requestContext"]["path"].replace(sample_key, key)
    event["pathParameters"]["key"] = key
    return event


def test_renewal_samples(gateway: LocalGateway, partner: Partner, webhook) -> None:
    order = partner.order(licenses=2).json()  # business, 5 devices: one to renew, one coupon
    webhook.pay(order)
    active, coupon = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    partner.api.with_key(None).post("/v1/lookup", {"license_key": active, "workspace_id": "ws-sample"})

    event = for_license(as_partner(sample("renew_with_coupon.json"), partner), active)
    status, renewed = run(gateway, "coupon_redemption", event)
    assert (status, renewed["coupon"]["key"], renewed["coupon"]["status"]) == (200, coupon, "redeemed")

    event = for_license(as_partner(sample("renew_license.json"), partner), active)
    status, renewal = run(gateway, "renewal", event)
    assert (status, renewal["type"], renewal["product"]) == (201, "renewal", "enterprise")
    assert renewal["renewal"] == {
        "license_key": active, "product": "enterprise", "previous_product": "business"
    }  # fmt: skip


def test_monthly_order_and_cancel_samples(
    gateway: LocalGateway, monthly_partner: Partner, frozen_now
) -> None:
    status, order = run(gateway, "checkout", as_partner(sample("create_monthly_order.json"), monthly_partner))
    assert (status, order["plan"], order["status"], len(order["license_keys"])) == (
        201,
        "monthly",
        "fulfilled",
        2,
    )
    key = order["license_keys"][0]
    monthly_partner.api.post(f"/v1/licenses/{key}/assign", {"workspace_id": "ws-sample"})
    event = for_license(as_partner(sample("cancel_license.json"), monthly_partner), key)
    status, license = run(gateway, "licenses", event)
    assert (status, license["cancelled_at"], license["ends_at"]) == (
        200,
        "2026-11-27T10:00:00Z",
        "2026-11-28T00:00:00Z",
    )


def test_scheduled_sweep_sample(gateway: LocalGateway, partner: Partner, webhook, frozen_now) -> None:
    order = partner.order().json()
    webhook.pay(order, timestamp=int(frozen_now().timestamp()))  # a coupon: its deadline is 2027-11-27
    event = sample("scheduled_sweep.json")  # 30 days before that deadline
    frozen_now(datetime(2027, 10, 28, 11, tzinfo=UTC))
    summary = gateway.handler("functions.sweeper.app")(event, LambdaContext("sweeper", 900_000))
    assert (summary["now"], summary["complete"]) == ("2027-10-28T11:00:00Z", True)
    assert summary["published"] == {"CouponDeadlineWarning": 1}


def test_notifier_sample(gateway: LocalGateway, partner: Partner, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NOTIFIER_OUTBOX_DIR", str(tmp_path))
    event = sample("coupon_deadline_warning.json")
    event["detail"]["partner_id"] = partner.id
    answer = gateway.handler("functions.notifier.app")(event, LambdaContext("notifier"))
    assert answer == {"event_id": event["detail"]["event_id"], "outcome": "sent"}
    (mail,) = [json.loads(path.read_text()) for path in tmp_path.glob("*.json")]
    assert mail["to"] == "ops@acme.example" and "2M5QD-JN1RG-46V8W-1BH4X-9TKCE" in mail["text"]


def test_unsigned_webhook_sample_is_refused(gateway: LocalGateway, api) -> None:
    status, problem = run(gateway, "payment_webhook", sample("payment_webhook.json"))
    assert (status, problem["code"]) == (401, "INVALID_SIGNATURE")


def test_authorizer_sample(gateway: LocalGateway, partner: Partner) -> None:
    event = sample("authorizer_request.json")
    event["headers"]["Authorization"] = f"Bearer {partner.api_key}"
    policy = gateway.handler("functions.authorizer.app")(event, LambdaContext("authorizer"))
    assert policy["principalId"] == partner.key_id
    effects = {s["Effect"]: s["Resource"] for s in policy["policyDocument"]["Statement"]}
    assert effects["Allow"] == ["arn:aws:execute-api:eu-west-1:123456789012:1234567890/prod/*/v1/*"]
    assert effects["Deny"] == [
        "arn:aws:execute-api:eu-west-1:123456789012:1234567890/prod/*/v1/admin/*",
        "arn:aws:execute-api:eu-west-1:123456789012:1234567890/prod/*/v1/distributor/*",
    ]
    event["headers"]["Authorization"] = "Bearer plk_unknown.secret"
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        gateway.handler("functions.authorizer.app")(event, LambdaContext("authorizer"))


@pytest.mark.parametrize(
    "name",
    [
        "lookup.json", "create_order.json", "payment_webhook.json", "health.json", "renew_license.json",
        "renew_with_coupon.json", "create_monthly_order.json", "cancel_license.json",
        "distributor_order.json", "get_me.json",
    ],
)  # fmt: skip
def test_gateway_builds_events_of_the_sample_shape(gateway: LocalGateway, name: str) -> None:
    from devtools.gateway import api_event

    expected = sample(name)
    route, params = next(
        (r, p) for r in gateway.routes if (p := r.match(expected["httpMethod"], expected["path"])) is not None
    )
    built = api_event(route, expected["path"], params, {"A": "b"}, {}, None, False, "id")
    assert set(built) == set(expected)
    context_keys = set(expected["requestContext"]) - {"authorizer"}
    assert set(built["requestContext"]) == context_keys
