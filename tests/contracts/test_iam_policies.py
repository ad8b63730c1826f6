"""Least privilege, checked against behaviour: in a representative flow every function uses exactly the
DynamoDB actions template.yaml grants it, on the resources it touches: nothing missing, nothing spare."""

from __future__ import annotations

import contextvars
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import botocore.client
import pytest
from botocore.exceptions import ClientError

from devtools.gateway import LambdaContext, LocalGateway, load_template
from licensing.licenses.keys import generate_key
from tests.support.billing import scheduled
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.distributors import Distributor
from tests.support.notifier import SENDER, coupon_warning, eventbridge_event
from tests.support.offers import approval_body, offer_body, request_body

current_module: contextvars.ContextVar[str] = contextvars.ContextVar("current_module", default="test-setup")
TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def granted() -> dict[str, dict[str, set[str]]]:
    """module -> {"table": actions on the table ARN, "index": actions on its indexes}."""
    template = load_template()
    grants: dict[str, dict[str, set[str]]] = {}
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        module = "functions." + resource["Properties"]["CodeUri"].strip("/").split("/")[-1] + ".app"
        scopes: dict[str, set[str]] = {"table": set(), "index": set()}
        for policy in resource["Properties"].get("Policies", []):
            for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
                actions = (
                    statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                )
                resources = (
                    statement["Resource"]
                    if isinstance(statement["Resource"], list)
                    else [statement["Resource"]]
                )
                dynamodb = {a.split(":", 1)[1] for a in actions if a.startswith("dynamodb:")}
                for target in resources:
                    scopes["index" if "/index/" in str(target) else "table"] |= dynamodb
        grants[module] = scopes
    return grants


def iam_actions(operation: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    if operation == "TransactWriteItems":
        return [("table", TRANSACT_ACTIONS[next(iter(item))]) for item in params["TransactItems"]]
    if operation == "TransactGetItems":
        return [("table", "GetItem")]
    return [("index" if params.get("IndexName") else "table", operation)]


def exercise_distributors(admin: Api, webhook: WebhookSender) -> None:
    """The distributor routes: admin, assignment, the refused direct purchase and the distributor's orders."""
    distributor = Distributor.create(admin, discount_percent="15")
    admin.get("/v1/admin/distributors", query={"limit": "1"})
    admin.get(f"/v1/admin/distributors/{distributor.id}")
    admin.patch(f"/v1/admin/distributors/{distributor.id}", {"support_url": "https://d.example/help"})
    assigned = Partner.create(admin, name="Assigned", distributor_id=distributor.id)
    assigned.order(idempotency_key="refused")  # 403, naming the distributor
    distributor.api.get("/v1/distributor/partners")
    order = distributor.order_for(assigned.id, idempotency_key="dist-iam").json()
    distributor.order_for(assigned.id, idempotency_key="dist-iam")  # replay
    webhook.pay(order)
    distributor.api.get(f"/v1/distributor/partners/{assigned.id}/orders")
    distributor.api.get(f"/v1/distributor/orders/{order['id']}")
    admin.delete(f"/v1/admin/api-keys/{distributor.key_id}")


@pytest.fixture
def usage(
    gateway: LocalGateway, ddb_calls, monkeypatch: pytest.MonkeyPatch
) -> dict[str, set[tuple[str, str]]]:
    """Attribute every DynamoDB call to the function module that made it."""
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    original_handler = LocalGateway.handler

    def attributed(self: LocalGateway, module: str) -> Any:
        handler = original_handler(self, module)

        def run(event: Any, context: Any) -> Any:
            token = current_module.set(module)
            start = len(ddb_calls.calls)
            try:
                return handler(event, context)
            finally:
                for operation, params in zip(ddb_calls.calls[start:], ddb_calls.params[start:], strict=True):
                    seen[module].update(iam_actions(operation, params))
                current_module.reset(token)

        return run

    monkeypatch.setattr(LocalGateway, "handler", attributed)
    return seen


def exercise_people(admin: Api, partner: Partner) -> None:
    """A partner's people and API keys: the admin's first owner, an owner's invitations, changes, removal."""
    password = {"temporary_password": "Sup3r-Secret-Pw!"}
    admin.post(
        f"/v1/admin/partners/{partner.id}/users", {"email": "first@iam.example", "role": "owner", **password}
    )
    admin.post(
        f"/v1/admin/partners/{partner.id}/users", {"email": "first@iam.example", "role": "owner"}
    )  # 409
    admin.get(f"/v1/admin/partners/{partner.id}/users")
    person = partner.api.post("/v1/users", {"email": "p@iam.example", "role": "purchaser", **password}).json()
    partner.api.post(
        "/v1/users", {"email": "q@iam.example", "role": "billing"}, headers={"Idempotency-Key": "iam-u"}
    )
    partner.api.post(
        "/v1/users", {"email": "q@iam.example", "role": "billing"}, headers={"Idempotency-Key": "iam-u"}
    )
    partner.api.get("/v1/users")
    partner.api.patch(f"/v1/users/{person['id']}", {"role": "owner"})
    partner.api.delete(f"/v1/users/{person['id']}")
    partner.api.get("/v1/me")
    key = partner.api.post("/v1/api-keys", {"name": "iam", "role": "read_only"}).json()
    partner.api.get("/v1/api-keys")
    partner.api.delete(f"/v1/api-keys/{key['key_id']}")


def granted_cognito() -> dict[str, set[str]]:
    """module -> the cognito-idp actions template.yaml grants it (on the user pool)."""
    grants: dict[str, set[str]] = {}
    for resource in load_template()["Resources"].values():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        module = "functions." + resource["Properties"]["CodeUri"].strip("/").split("/")[-1] + ".app"
        for policy in resource["Properties"].get("Policies", []):
            for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
                actions = (
                    statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                )
                cognito = {a.split(":", 1)[1] for a in actions if a.startswith("cognito-idp:")}
                if cognito:
                    assert statement["Resource"] == "UserPool.Arn", module  # the pool, nothing wider
                    grants.setdefault(module, set()).update(cognito)
    return grants


@pytest.fixture
def cognito_usage(usage, monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """Every cognito-idp call a function makes, by the function module that made it."""
    seen: dict[str, set[str]] = defaultdict(set)
    original = botocore.client.BaseClient._make_api_call

    def recording(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        if self.meta.service_model.service_name == "cognito-idp":
            seen[current_module.get()].add(operation_name)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    return seen


def test_every_action_used_is_granted(
    usage,
    cognito_usage,
    user_pool,
    partner: Partner,
    monthly_partner: Partner,
    webhook: WebhookSender,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = partner.api.with_key("admin-test-key")
    admin.patch(f"/v1/admin/partners/{partner.id}", {"discount_percent": 5})
    admin.get(f"/v1/admin/partners/{partner.id}")
    partner.api.get("/v1/catalog")
    partner.api.post("/v1/quotes", {"product": "home", "devices": 1, "years": 1})
    order = partner.order(idempotency_key="iam", licenses=150).json()
    partner.order(idempotency_key="iam", licenses=150)  # replay
    monthly_partner.monthly_order(licenses=120, idempotency_key="iam-monthly")
    monthly_partner.monthly_order(licenses=120, idempotency_key="iam-monthly")  # replay of a monthly order
    webhook.pay(order)
    keys = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    client = partner.api.with_key(None)
    client.post("/v1/lookup", {"license_key": keys[0], "workspace_id": "ws"})
    client.post("/v1/lookup", {"license_key": keys[0], "workspace_id": "ws"})
    partner.api.get(f"/v1/licenses/{keys[1]}")
    partner.api.patch(f"/v1/licenses/{keys[1]}", {"note": "reserved"})
    partner.api.post(f"/v1/licenses/{keys[2]}/assign", {"workspace_id": "ws-2"})
    partner.api.get(f"/v1/licenses/{keys[1]}/history")
    partner.api.post("/v1/licenses/claim", {"key": keys[1]})
    partner.api.get("/v1/orders", query={"status": "fulfilled", "q": "ord"})
    partner.api.get("/v1/licenses", query={"q": "ws"})
    partner.api.get(f"/v1/licenses/{keys[0]}/renewal-options")
    partner.api.post(f"/v1/licenses/{keys[0]}/renew-with-coupon")
    partner.api.post(f"/v1/licenses/{keys[0]}/renew-with-coupon", {"coupon_key": keys[3]})
    once = {"Idempotency-Key": "renewal"}
    renewal = partner.api.post(f"/v1/licenses/{keys[0]}/renew", {"years": 1}, headers=once)
    partner.api.post(f"/v1/licenses/{keys[0]}/renew", {"years": 1}, headers=once)  # replay
    webhook.pay(renewal.json())
    monthly_keys = monthly_partner.api.get("/v1/licenses", query={"limit": "1"}).json()["items"]
    client.post("/v1/lookup", {"license_key": monthly_keys[0]["key"], "workspace_id": "ws-m"})
    monthly_key = monthly_keys[0]["key"]
    monthly_partner.api.post(f"/v1/licenses/{monthly_key}/renew", {"years": 2})  # refused: NOT_RENEWABLE
    monthly_partner.api.patch(f"/v1/licenses/{monthly_key}", {"devices": 3})
    for change in ("suspend", "reinstate", "cancel"):
        monthly_partner.api.post(f"/v1/licenses/{monthly_key}/{change}")
    webhook.pay(order, type="payment.refunded")
    webhook.pay(partner.order().json(), type="payment.failed")
    partner.api.get("/v1/settings")
    partner.api.patch("/v1/settings", {"reminder_days": [60, 30, 7]})
    eleven_months_on = (datetime.now(UTC) + timedelta(days=335)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sweep = LocalGateway.handler(partner.api.gateway, "functions.sweeper.app")
    assert sweep({"time": eleven_months_on}, LambdaContext("sweeper", 900_000))["published"]
    monkeypatch.setenv("NOTIFIER_FROM_ADDRESS", SENDER)  # not verified yet: SES refuses, the claim goes
    notice = eventbridge_event("CouponDeadlineWarning", coupon_warning(partner, generate_key()))
    notify = LocalGateway.handler(partner.api.gateway, "functions.notifier.app")
    with pytest.raises(ClientError):
        notify(notice, LambdaContext("notifier"))
    boto3.client("sesv2").create_email_identity(EmailIdentity=SENDER)
    assert notify(notice, LambdaContext("notifier"))["outcome"] == "sent"
    # offers and discount requests: the admin's lists read GSI1 and GSI2, an approval is a transaction
    in_a_month = {"expires_at": (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    offer = admin.post("/v1/admin/offers", offer_body(partner, **in_a_month)).json()
    admin.get("/v1/admin/offers", query={"partner_id": partner.id})
    admin.get(f"/v1/admin/offers/{offer['id']}")
    partner.api.get("/v1/offers")
    partner.api.post("/v1/quotes", {"offer_id": offer["id"]})
    partner.api.post("/v1/orders", {"offer_id": offer["id"]}, headers={"Idempotency-Key": "iam-offer"})
    admin.delete(
        f"/v1/admin/offers/{admin.post('/v1/admin/offers', offer_body(partner, **in_a_month)).json()['id']}"
    )
    asked = [partner.api.post("/v1/discount-requests", request_body()).json() for _ in range(2)]
    admin.get("/v1/admin/discount-requests")
    admin.post(f"/v1/admin/discount-requests/{asked[0]['id']}/approve", approval_body(**in_a_month))
    admin.post(f"/v1/admin/discount-requests/{asked[1]['id']}/reject", {"reason": "No."})
    partner.api.get("/v1/discount-requests")
    # monthly billing: live usage, its CSV and the run of this month (the monthly key's usage today)
    monthly_partner.api.get("/v1/billing/usage")
    monthly_partner.api.get("/v1/billing/usage.csv")
    next_month = (datetime.now(UTC).replace(day=1) + timedelta(days=32)).replace(day=1, hour=2)
    billing = LocalGateway.handler(partner.api.gateway, "functions.billing_run.app")
    assert billing(scheduled(next_month), LambdaContext("billing_run", 900_000))["statements"] == 1
    exercise_distributors(admin, webhook)
    exercise_people(admin, partner)
    admin.delete(f"/v1/admin/api-keys/{partner.key_id}")
    assert {m: sorted(a) for m, a in cognito_usage.items() if m != "test-setup"} == {
        m: sorted(a) for m, a in granted_cognito().items()
    }, "cognito-idp: every action used granted, none spare"

    grants = granted()
    with_dynamodb = {module for module, scopes in grants.items() if scopes["table"] or scopes["index"]}
    assert with_dynamodb <= set(usage), "every function with DynamoDB grants takes part in the flow"
    missing = {
        module: sorted(f"{scope}:{action}" for scope, action in used if action not in grants[module][scope])
        for module, used in usage.items()
    }
    assert {module: actions for module, actions in missing.items() if actions} == {}
    unused = {
        module: sorted(
            f"{scope}:{action}"
            for scope in ("table", "index")
            for action in grants[module][scope]
            if (scope, action) not in usage[module]
        )
        for module in usage
    }
    assert {module: actions for module, actions in unused.items() if actions} == {}, "grants nothing uses"
