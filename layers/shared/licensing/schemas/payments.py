"""Payment provider webhook bodies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from licensing.schemas.common import Identifier


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
