"""The payment provider's webhook bodies: the signed event it sends and our acknowledgement."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from licensing.http.models import Identifier


class PaymentData(BaseModel):
    order_id: Identifier
    amount: Annotated[int, Field(strict=True, ge=0)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    payment_id: Identifier | None = None


class PaymentEventIn(BaseModel):
    id: Identifier
    type: Literal["payment.succeeded", "payment.failed", "payment.refunded"]
    data: PaymentData


class WebhookOut(BaseModel):
    received: bool
    event_id: str
    outcome: str
