"""Test clients that speak HTTP to the local API Gateway, as a partner, an admin or the payment provider."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devtools.fake_payments import signed_payment_event
from devtools.gateway import HttpResponse, LocalGateway
from tests.support.contract import check_answer


class Api:
    def __init__(self, gateway: LocalGateway, key: str | None = None) -> None:
        self.gateway = gateway
        self.key = key

    def with_key(self, key: str | None) -> Api:
        return Api(self.gateway, key)

    def request(
        self,
        method: str,
        path: str,
        json_body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        body: str | None = None,
    ) -> HttpResponse:
        all_headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        all_headers.update(headers or {})
        response = self.gateway.request(
            method,
            path,
            headers=all_headers,
            query={k: [v] for k, v in (query or {}).items()},
            body=body,
            json_body=json_body,
        )
        check_answer(method, path, response)
        return response

    def get(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json_body: Any = None, **kwargs: Any) -> HttpResponse:
        return self.request("POST", path, json_body, **kwargs)

    def patch(self, path: str, json_body: Any = None, **kwargs: Any) -> HttpResponse:
        return self.request("PATCH", path, json_body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("DELETE", path, **kwargs)


@dataclass
class Partner:
    id: str
    api_key: str
    key_id: str
    api: Api

    @classmethod
    def create(cls, admin: Api, **fields: Any) -> Partner:
        body = {"name": "Acme Reseller", "email": "ops@acme.example", "currency": "EUR", **fields}
        created = admin.post("/v1/admin/partners", body)
        assert created.status == 201, created.body
        partner_id = created.json()["id"]
        key = admin.post(f"/v1/admin/partners/{partner_id}/api-keys", {"name": "tests", "role": "owner"})
        assert key.status == 201, key.body
        return cls(
            partner_id, key.json()["api_key"], key.json()["key_id"], admin.with_key(key.json()["api_key"])
        )

    def order(self, idempotency_key: str | None = None, **fields: Any) -> HttpResponse:
        body = {"product": "business", "devices": 5, "years": 1, **fields}
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self.api.post("/v1/orders", body, headers=headers)

    def monthly_order(self, idempotency_key: str | None = None, **fields: Any) -> HttpResponse:
        """An order on the monthly plan (the partner needs monthly billing): keys at once, no term."""
        body = {"plan": "monthly", "product": "business", "devices": 5, **fields}
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self.api.post("/v1/orders", body, headers=headers)


class WebhookSender:
    def __init__(self, api: Api, secret: str) -> None:
        self.api = api.with_key(None)
        self.secret = secret

    def send(
        self,
        order_id: str,
        amount: int,
        currency: str = "EUR",
        *,
        type: str = "payment.succeeded",
        event_id: str | None = None,
        timestamp: int | None = None,
        secret: str | None = None,
        signature: str | None = None,
    ) -> HttpResponse:
        raw, headers = signed_payment_event(
            order_id=order_id,
            amount=amount,
            currency=currency,
            type=type,
            secret=secret or self.secret,
            event_id=event_id or None,
            payment_id="pay_123",
            timestamp=timestamp or None,
        )
        if signature:
            headers["Payment-Signature"] = signature
        return self.api.post("/v1/webhooks/payments", body=raw, headers=headers)

    def pay(self, order: dict[str, Any], **kwargs: Any) -> HttpResponse:
        total = order["total"]
        return self.send(order["id"], total["amount"], total["currency"], **kwargs)
