"""Offer and discount request bodies, and how an offer and a discount request look through the API.

Bounds that only say "this is not a sensible value" are checked here (400); whether the terms are
acceptable (a product, a price, an expiry) is for the rules (422)."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints

from licensing.core.clock import MOMENT_PATTERN, iso, parse_moment
from licensing.core.money import Money
from licensing.http.models import HTTPS_URL_PATTERN, Hundredths, Identifier, Integer, Model, Request, Text
from licensing.offers import rules
from licensing.store.table import DiscountRequestItem, OfferItem

Reason = Literal["education", "nonprofit", "charity", "student", "teacher", "custom"]
Kind = Literal["education", "nonprofit", "charity", "student", "teacher"]


def _a_moment(text: str) -> str:
    parse_moment(text)  # ValueError: 400 VALIDATION_ERROR on the field
    return text


Timestamp = Annotated[
    str,
    AfterValidator(_a_moment),
    Field(
        description="ISO 8601 UTC, to the second",
        examples=["2026-12-31T23:59:59Z"],
        json_schema_extra={"pattern": MOMENT_PATTERN},
    ),
]
# Beyond these bounds a percentage is no sensible value (400); outside 0..100 it is no acceptable offer (422).
OFFER_PERCENT_PATTERN = r"^-?[0-9]{1,5}(?:\.[0-9]{1,2})?$"
OfferPercent = Annotated[
    Decimal,
    Hundredths(Decimal("-99999.99"), Decimal("99999.99"), OFFER_PERCENT_PATTERN),
    Field(description="replaces the partner and volume discounts"),
]
Note = Annotated[str, Text(500)]


class OfferTerms(Request):
    product: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    devices: Annotated[
        int, Integer(ge=1, le=rules.MAX_DEVICES), Field(description="may lie outside the catalog's")
    ]
    years: Annotated[int, Integer(ge=1, le=rules.MAX_YEARS), Field(description="any term of 1 to 10 years")]
    licenses: Annotated[int, Integer(ge=1, le=rules.MAX_LICENSES)]
    discount_percent: OfferPercent | None = None
    price_per_license: Annotated[Money | None, Field(description="in the partner's currency")] = None
    expires_at: Timestamp
    note: Note | None = None


class OfferCreate(OfferTerms):
    partner_id: Identifier
    reason: Reason


class DiscountApproval(OfferTerms):
    """The offer an approval creates; its reason is the request's kind."""


class DiscountRejection(Request):
    reason: Annotated[str, Text(500, required=True)]


class DiscountRequestCreate(Request):
    customer_name: Annotated[str, Text(200, required=True)]
    kind: Kind
    evidence_url: Annotated[str, StringConstraints(max_length=2000, pattern=HTTPS_URL_PATTERN)] | None = None
    details: Annotated[str, Text(2000, required=True)]


class OfferOut(Model):
    id: str
    status: rules.OfferStatus
    purchase_url: str
    partner_id: str
    product: str
    devices: int
    years: int
    licenses: int
    reason: Reason
    currency: str
    discount_percent: float | None
    price_per_license: Money | None
    expires_at: str
    note: str | None
    discount_request_id: str | None
    created_at: str
    order_id: str | None
    used_at: str | None
    withdrawn_at: str | None


class OfferPage(Model):
    items: list[OfferOut]
    next_cursor: str | None


class OfferLink(Model):
    id: str
    status: rules.OfferStatus
    purchase_url: str


class DiscountRequestOut(Model):
    id: str
    partner_id: str
    customer_name: str
    kind: Kind
    evidence_url: str | None
    details: str
    status: Literal["pending", "approved", "rejected"]
    rejection_reason: str | None
    offer_id: str | None
    offer: OfferLink | None = Field(description="approved: the offer, when the list shows it")
    created_at: str
    decided_at: str | None


class DiscountRequestPage(Model):
    items: list[DiscountRequestOut]
    next_cursor: str | None


class DiscountApproved(Model):
    request: DiscountRequestOut
    offer: OfferOut


def offer_status(offer: OfferItem, now: datetime) -> rules.OfferStatus:
    return rules.status(
        order_id=offer.order_id, withdrawn_at=offer.withdrawn_at, expires_at=offer.expires_at, now=now
    )


def offer_out(offer: OfferItem, now: datetime) -> OfferOut:
    price = offer.price_per_license
    return OfferOut(
        id=offer.id,
        status=offer_status(offer, now),
        purchase_url=rules.purchase_url(offer.id),
        partner_id=offer.partner_id,
        product=offer.product,
        devices=int(offer.devices),
        years=int(offer.years),
        licenses=int(offer.licenses),
        reason=offer.reason,  # type: ignore[arg-type]
        currency=offer.currency,
        discount_percent=None if offer.discount_percent is None else float(offer.discount_percent),
        price_per_license=None if price is None else Money(int(price), offer.currency),
        expires_at=iso(offer.expires_at),
        note=offer.note,
        discount_request_id=offer.discount_request_id,
        created_at=iso(offer.created_at),
        order_id=offer.order_id,
        used_at=iso(offer.used_at) if offer.used_at else None,
        withdrawn_at=iso(offer.withdrawn_at) if offer.withdrawn_at else None,
    )


def offer_link(offer: OfferItem, now: datetime) -> OfferLink:
    return OfferLink(id=offer.id, status=offer_status(offer, now), purchase_url=rules.purchase_url(offer.id))


def request_out(request: DiscountRequestItem, offer: OfferLink | None = None) -> DiscountRequestOut:
    return DiscountRequestOut(
        id=request.id,
        partner_id=request.partner_id,
        customer_name=request.customer_name,
        kind=request.kind,  # type: ignore[arg-type]
        evidence_url=request.evidence_url,
        details=request.details,
        status=request.status,  # type: ignore[arg-type]
        rejection_reason=request.rejection_reason,
        offer_id=request.offer_id,
        offer=offer,
        created_at=iso(request.created_at),
        decided_at=iso(request.decided_at) if request.decided_at else None,
    )


def row_out(row: dict[str, Any]) -> DiscountRequestOut:
    """A request as the admin's list stores it (`licensing.offers.repository.request_row`)."""
    return DiscountRequestOut.model_validate({**row, "offer": None})
