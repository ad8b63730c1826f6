"""Play the payment provider: a payment event for an order, signed as the provider signs its webhooks
(`Payment-Signature: t=<unix seconds>,v1=<HMAC>`, see licensing.payments.signatures). The one place that
builds such a request, for the tests, the dev server's `/dev/pay` and the benchmarks alike; POST the body
with the headers to `/v1/webhooks/payments`."""

from __future__ import annotations

import json
import time
import uuid

from licensing.payments.signatures import sign


def signed_payment_event(
    *,
    order_id: str,
    amount: int,
    currency: str,
    secret: str,
    type: str = "payment.succeeded",
    event_id: str | None = None,
    payment_id: str | None = None,
    timestamp: int | None = None,
) -> tuple[str, dict[str, str]]:
    """The raw JSON body of a payment event `{id, type, data: {order_id, amount, currency, payment_id}}`
    and the headers to send it with, signed with `secret` at `timestamp` (unix seconds, default now).
    A new event id and payment id are made up unless given."""
    payload = {
        "id": event_id if event_id is not None else f"evt_{uuid.uuid4().hex}",
        "type": type,
        "data": {
            "order_id": order_id,
            "amount": amount,
            "currency": currency,
            "payment_id": payment_id if payment_id is not None else f"pay_{uuid.uuid4().hex[:12]}",
        },
    }
    raw = json.dumps(payload)
    signature = sign(secret, timestamp if timestamp is not None else int(time.time()), raw)
    return raw, {"Content-Type": "application/json", "Payment-Signature": signature}
