"""Request and response bodies of the HTTP API (pydantic, strict about types and unknown fields)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

Count = Annotated[int, Field(strict=True)]


def _no_control_characters(value: str) -> str:
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value):
        raise ValueError("control characters are not allowed")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_no_control_characters)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Money(BaseModel):
    amount: int
    currency: str


class QuoteRequest(Request):
    product: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    devices: Annotated[Count, Field(ge=1)]
    years: Annotated[Count, Field(ge=1)]
    licenses: Annotated[Count, Field(ge=1, le=5000)] = 1


class OrderRequest(QuoteRequest):
    customer_ref: Annotated[Text, StringConstraints(max_length=200)] | None = None


class DiscountOut(BaseModel):
    kind: Literal["partner", "volume", "offer"]
    percent: float


class QuoteOut(BaseModel):
    catalog_version: str
    product: str
    devices: int
    years: int
    licenses: int
    currency: str
    list_price_per_license: Money
    price_per_license: Money
    total: Money
    discounts: list[DiscountOut]


class PaymentOut(BaseModel):
    status: Literal["awaiting_payment", "paid", "failed", "mismatch", "refunded", "billed_monthly"]
    amount: Money
    reference: str
    payment_id: str | None = None
    paid_at: str | None = None


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


class ProductOut(BaseModel):
    id: str
    name: str
    devices: dict[str, int]
    terms_years: list[int]
    upgrades_to: list[str]
    list_price_per_device_year: Money
    price_per_device_year: Money
    monthly_price_per_device: Money


class VolumeTierOut(BaseModel):
    min_licenses: int
    percent: float


class CatalogOut(BaseModel):
    version: str
    currency: str
    partner_discount_percent: float
    products: list[ProductOut]
    volume_tiers: list[VolumeTierOut]


class LookupRequest(Request):
    license_key: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    workspace_id: Identifier


class EntitlementOut(BaseModel):
    """What the client software may see: no partner, note or customer data."""

    key: str
    product: str
    devices: int
    term_months: int
    status: str
    activated_at: str | None
    expires_at: str | None
    workspace_id: str | None


class LookupOut(BaseModel):
    valid: bool
    code: Literal["VALID", "EXPIRED", "LAPSED", "REVOKED", "REDEEMED", "WORKSPACE_MISMATCH"]
    license: EntitlementOut


Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Name = Annotated[Text, StringConstraints(min_length=1, max_length=200)]


class PartnerCreate(Request):
    name: Name
    email: Email
    currency: Literal["EUR", "USD"]
    discount_percent: Percent = Decimal(0)
    billing: Literal["prepaid", "monthly"] = "prepaid"
    distributor_id: Identifier | None = None


class PartnerUpdate(Request):
    """Only the fields present change; `distributor_id: null` removes the distributor."""

    name: Name | None = None
    email: Email | None = None
    discount_percent: Percent | None = None
    billing: Literal["prepaid", "monthly"] | None = None
    distributor_id: Identifier | None = None


class PartnerOut(BaseModel):
    id: str
    name: str
    email: str
    currency: str
    discount_percent: float
    billing: str
    distributor_id: str | None
    created_at: str
    updated_at: str
    version: int


class ApiKeyCreate(Request):
    name: Annotated[Text, StringConstraints(max_length=100)] | None = None


class ApiKeyCreated(BaseModel):
    key_id: str
    partner_id: str
    name: str | None
    api_key: str = Field(description="Shown once; only a hash is stored.")
    created_at: str


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
