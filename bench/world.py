"""The benchmarks' world: the table from template.yaml in moto, a prepaid and a monthly partner, and
the requests they make.

Requests reach the real handlers as API Gateway would send them after the authorizer allowed them
(the event from `devtools.gateway.api_event`, the authorizer's context filled in), like the `invoke`
of tests/support/invoke.py. Partners and API keys are created through the admin API.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from typing import Any

import boto3

from devtools.fake_payments import signed_payment_event
from devtools.gateway import LambdaContext, LocalGateway, api_event
from devtools.table import create_table
from licensing.infra import bus
from licensing.store.table import reset_connections

ORDER = {"product": "business", "devices": 5, "years": 1}


class BenchError(RuntimeError):
    """An operation did not answer as the scenario expects, so its figures would mean nothing."""


@dataclass(frozen=True, slots=True)
class Partner:
    id: str
    api_key: str
    key_id: str

    def authorizer_context(self) -> dict[str, str]:
        return {
            "principalId": self.key_id,
            "role": "partner",
            "partner_id": self.id,
            "api_key_id": self.key_id,
            "partner_role": "owner",  # the bench's key is an owner key
        }


@dataclass(frozen=True, slots=True)
class Request:
    """An API Gateway event and the handler module it goes to."""

    event: dict[str, Any]
    module: str

    @property
    def function(self) -> str:
        return self.module.split(".")[1]


class World:
    """Build and use only inside an active `moto.mock_aws()`."""

    def __init__(self) -> None:
        create_table(boto3.client("dynamodb"), os.environ["TABLE_NAME"])
        reset_connections()
        bus.set_publisher(bus.RecordingPublisher())
        self.gateway = LocalGateway()
        self.prepaid = self._create_partner(name="Prepaid Reseller", discount_percent="10")
        self.monthly = self._create_partner(name="Monthly MSP", billing="monthly")

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        partner: Partner | None = None,
        headers: dict[str, str] | None = None,
        raw: str | None = None,
    ) -> Request:
        found = ((r, p) for r in self.gateway.routes if (p := r.match(method, path)) is not None)
        route, params = next(found, (None, None))
        if route is None or params is None:
            raise BenchError(f"template.yaml has no route for {method} {path}")
        text = raw if raw is not None else (json.dumps(body) if body is not None else None)
        event = api_event(route, path, params, headers or {}, {}, text, False, str(uuid.uuid4()))
        if partner is not None:
            event["requestContext"]["authorizer"] = partner.authorizer_context()
        return Request(event, route.module)

    def send(self, request: Request) -> tuple[int, Any]:
        result = self.gateway.handler(request.module)(request.event, LambdaContext(request.function))
        return int(result["statusCode"]), json.loads(result["body"]) if result.get("body") else None

    def call(self, method: str, path: str, body: Any = None, *, expect: int = 200, **kwargs: Any) -> Any:
        """Send the request and return the answer's body, which must come with status `expect`."""
        status, answer = self.send(self.request(method, path, body, **kwargs))
        if status != expect:
            raise BenchError(f"{method} {path} answered {status}, not {expect}: {answer}")
        return answer

    def authorize(self, partner: Partner, token: str | None = None) -> dict[str, Any]:
        """Run the REQUEST authorizer for a partner's key (or a person's `token`), as API Gateway does
        before a partner route."""
        if self.gateway.authorizer_module is None:
            raise BenchError("template.yaml declares no authorizer")
        event = {
            "type": "REQUEST",
            "methodArn": "arn:aws:execute-api:eu-west-1:123456789012:local/local/GET/v1/catalog",
            "headers": {"Authorization": f"Bearer {token or partner.api_key}"},
            "path": "/v1/catalog",
            "httpMethod": "GET",
            "requestContext": {},
        }
        policy = self.gateway.handler(self.gateway.authorizer_module)(event, LambdaContext("authorizer"))
        if policy.get("context", {}).get("partner_id") != partner.id:
            raise BenchError(f"the authorizer did not recognise the partner's key or person: {policy}")
        return policy

    def order(
        self, partner: Partner, licenses: int = 1, idempotency_key: str | None = None, *, plan: str = "annual"
    ) -> Any:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        body = {**ORDER, "licenses": licenses}
        if plan == "monthly":  # no term: the keys run month to month
            body = {**{k: v for k, v in body.items() if k != "years"}, "plan": "monthly"}
        return self.call("POST", "/v1/orders", body, expect=201, partner=partner, headers=headers)

    def payment_event(self, order: dict[str, Any], kind: str = "payment.succeeded") -> str:
        """Deliver a signed payment-provider event for the order's total; returns the outcome."""
        total = order["total"]
        raw, headers = signed_payment_event(
            order_id=order["id"], amount=total["amount"], currency=total["currency"], type=kind,
            secret=os.environ["PAYMENT_WEBHOOK_SECRET"],
        )  # fmt: skip
        return str(self.call("POST", "/v1/webhooks/payments", raw=raw, headers=headers)["outcome"])

    def renew(self, partner: Partner, key: str, years: int = 1, idempotency_key: str | None = None) -> Any:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        path = f"/v1/licenses/{key}/renew"
        return self.call("POST", path, {"years": years}, expect=201, partner=partner, headers=headers)

    def license_keys(self, partner: Partner, order_id: str) -> list[str]:
        return list(self.call("GET", f"/v1/orders/{order_id}", partner=partner)["license_keys"])

    def lookup_request(self, key: str, workspace_id: str) -> Request:
        return self.request("POST", "/v1/lookup", {"license_key": key, "workspace_id": workspace_id})

    def lookup(self, key: str, workspace_id: str) -> Any:
        return self.call("POST", "/v1/lookup", {"license_key": key, "workspace_id": workspace_id})

    def _create_partner(self, **fields: Any) -> Partner:
        body = {"email": "ops@partner.example", "currency": "EUR", **fields}
        partner_id = self._admin("/v1/admin/partners", body)["id"]
        key = self._admin(f"/v1/admin/partners/{partner_id}/api-keys", {"name": "bench", "role": "owner"})
        return Partner(partner_id, key["api_key"], key["key_id"])

    def _admin(self, path: str, body: dict[str, Any]) -> Any:
        """An admin call through the local gateway, authorizer included (set-up, never measured)."""
        admin_key = os.environ["LICENSING_ADMIN_KEY"]
        response = self.gateway.request(
            "POST", path, headers={"Authorization": f"Bearer {admin_key}"}, json_body=body
        )
        if response.status != 201:
            raise BenchError(f"POST {path} answered {response.status}: {response.body}")
        return response.json()
