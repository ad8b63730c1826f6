"""The payment provider's webhook bodies: the signed event it sends and our acknowledgement."""

from typing import Annotated, Literal

from pydantic import StringConstraints

from licensing.http.models import Identifier, Integer, Model


class PaymentData(Model):
    order_id: Identifier
    amount: Annotated[int, Integer(ge=0)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    payment_id: Identifier | None = None


class PaymentEventIn(Model):
    id: Identifier
    type: Literal["payment.succeeded", "payment.failed", "payment.refunded"]
    data: PaymentData


class WebhookOut(Model):
    received: bool
    event_id: str
    outcome: str
