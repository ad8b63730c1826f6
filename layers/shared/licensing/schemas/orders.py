"""Order bodies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, StringConstraints

from licensing.schemas.catalog import QuoteRequest
from licensing.schemas.common import DiscountOut, Money, Text


class OrderRequest(QuoteRequest):
    customer_ref: Annotated[Text, StringConstraints(max_length=200)] | None = None


class PaymentOut(BaseModel):
    status: Literal["awaiting_payment", "paid", "failed", "mismatch", "refunded", "billed_monthly"]
    amount: Money
    reference: str
    payment_id: str | None = None
    paid_at: str | None = None


class RenewalOut(BaseModel):
    license_key: str
    product: str  # the edition the license has once the renewal is paid
    previous_product: str | None  # a migration: the edition it leaves


class OrderOut(BaseModel):
    id: str
    type: Literal["new", "bulk", "renewal"]
    status: str
    product: str
    devices: int
    years: int
    licenses: int
    customer_ref: str | None
    price_per_license: Money
    total: Money
    discounts: list[DiscountOut]
    created_at: str
    payment: PaymentOut
    license_keys: list[str]
    licenses_used: int
    licenses_unused: int
    renewal: RenewalOut | None = None


class OrderPage(BaseModel):
    items: list[OrderOut]
    next_cursor: str | None
