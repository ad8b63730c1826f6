"""The domain events' `detail`, one pydantic model per `detail-type`: the one definition every event is
built from (`SomeEvent(...).as_event()`, validated where it is published), that docs/events.md is
generated from (`devtools/events_doc.py`) and that a test checks the published events against.

EventBridge delivers `{"event_id": ..., **detail}` as the event's `detail`; each model describes that
whole object, `event_id` included. The docstring of a model is its one-line description, `published_by`
names the functions that publish it, and `event_id_format` says what its stable id is made of.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.json_schema import SkipJsonSchema

from licensing.core.money import Money
from licensing.infra.bus import DomainEvent

_SYMBOL = "[0-9A-HJKMNP-TV-Z]"  # Crockford base32, as in licensing.core.ids.CROCKFORD

Timestamp = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"),
    Field(
        description="ISO 8601 UTC, to the second",
        examples=["2026-11-27T10:00:00Z"],
        json_schema_extra={"format": "date-time"},
    ),
]
LicenseKey = Annotated[
    str,
    StringConstraints(pattern=rf"^{_SYMBOL}{{5}}(-{_SYMBOL}{{5}}){{4}}$"),
    Field(description="License key, canonical form: 25 symbols in groups of five"),
]
PartnerId = Annotated[
    str, StringConstraints(pattern=rf"^ptn_{_SYMBOL}{{26}}$"), Field(description="Partner id")
]
OrderId = Annotated[str, StringConstraints(pattern=rf"^ord_{_SYMBOL}{{26}}$"), Field(description="Order id")]
WorkspaceId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128),
    Field(description="The customer's workspace the license is bound to"),
]
Product = Annotated[str, StringConstraints(min_length=1), Field(description="Edition, e.g. `business`")]
Devices = Annotated[int, Field(ge=1, description="Device limit")]
ThresholdDays = Annotated[int, Field(ge=1, description="The threshold reached, in days before the date")]
CustomerRef = Annotated[str, Field(description="The partner's own reference for the customer")]
KeyList = Annotated[list[LicenseKey], Field(description="License keys")]


class EventDetail(BaseModel):
    """Base of every event's detail: strict about types and unknown fields."""

    model_config = ConfigDict(extra="forbid", strict=True)

    published_by: ClassVar[tuple[str, ...]]  # the Lambda functions (functions/<name>) that publish it
    event_id_format: ClassVar[str]  # what the stable event_id is made of

    event_id: Annotated[
        str,
        StringConstraints(min_length=1),
        Field(description="Stable id of what the event is about: deduplicate on it"),
    ]

    def as_event(self) -> DomainEvent:
        """The envelope the bus sends: the class name as `detail-type`, the fields as `detail` (an optional
        field left unset stays absent, never null)."""
        detail = self.model_dump(mode="json", exclude_unset=True)
        return DomainEvent(type(self).__name__, event_id=detail.pop("event_id"), detail=detail)


class OrderPlaced(EventDetail):
    """An order (new, bulk or renewal) was placed; a monthly partner's order is already fulfilled."""

    published_by = ("checkout", "renewal")
    event_id_format = "order-placed:{order_id}"

    order_id: OrderId
    partner_id: PartnerId
    status: Literal["pending_payment", "fulfilled"]
    licenses: Annotated[int, Field(ge=1, description="Number of license keys the order buys")]
    total: Money


class OrderPaid(EventDetail):
    """The payment provider confirmed an order's payment (prepaid partners; monthly ones are billed)."""

    published_by = ("payment_webhook",)
    event_id_format = "order-paid:{order_id}"

    order_id: OrderId
    partner_id: PartnerId
    payment_id: Annotated[str | None, Field(description="The provider's payment id, when it sent one")]


class LicensesIssued(EventDetail):
    """Every key of a paid new or bulk order was written (after the last chunk of a large order)."""

    published_by = ("payment_webhook",)
    event_id_format = "licenses-issued:{order_id}"

    order_id: OrderId
    partner_id: PartnerId
    license_keys: KeyList


class PaymentFailed(EventDetail):
    """The provider reported a declined payment for an order awaiting payment; a later success still pays."""

    published_by = ("payment_webhook",)
    event_id_format = "payment_failed:{order_id}:{payment_event_id}"

    order_id: OrderId
    partner_id: PartnerId
    expected: Money
    received: Money


class PaymentMismatch(EventDetail):
    """A payment's amount or currency differed from the order's total: nothing was issued."""

    published_by = ("payment_webhook",)
    event_id_format = "payment_mismatch:{order_id}:{payment_event_id}"

    order_id: OrderId
    partner_id: PartnerId
    expected: Money
    received: Money


class OrderRefunded(EventDetail):
    """A paid order was refunded in full; its keys still unused were revoked (keys in use keep working)."""

    published_by = ("payment_webhook",)
    event_id_format = "order-refunded:{order_id}"

    order_id: OrderId
    partner_id: PartnerId
    revoked_license_keys: Annotated[list[LicenseKey], Field(description="The keys this refund revoked")]


class LicenseActivated(EventDetail):
    """A coupon's term started: first lookup by the client software, or a partner's assignment."""

    published_by = ("license_lookup", "licenses")
    event_id_format = "license-activated:{license_key}"

    license_key: LicenseKey
    partner_id: Annotated[PartnerId | None, Field(description="Null for a key no partner owns")]
    order_id: Annotated[OrderId | None, Field(description="Null for a key the vendor issued without order")]
    workspace_id: WorkspaceId
    actor: Annotated[
        str,
        StringConstraints(pattern=r"^(client|partner):.+$"),
        Field(description="`client:<workspace_id>` or `partner:<partner_id>`"),
    ]
    activated_at: Timestamp
    expires_at: Timestamp


class LicenseClaimed(EventDetail):
    """A partner added a key no partner owned yet to its account."""

    published_by = ("licenses",)
    event_id_format = "license-claimed:{license_key}"

    license_key: LicenseKey
    partner_id: PartnerId
    claimed_at: Timestamp


_RENEWAL_SOURCES = ("renewal_order_id", "coupon_key")


def _absent(schema: dict[str, Any]) -> None:
    """An optional field that is left out, never null: no `"default": null` in its schema."""
    schema.pop("default", None)


class LicenseRenewed(EventDetail):
    """A license's term was extended (its edition changed too, on a migration) by a renewal or a coupon."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": [name]} for name in _RENEWAL_SOURCES]}
    )
    published_by = ("payment_webhook", "renewal", "coupon_redemption")
    event_id_format = "license-renewed:{license_key}:{renewal_order_id or coupon_key}"

    license_key: LicenseKey
    partner_id: PartnerId
    workspace_id: WorkspaceId
    product: Annotated[Product, Field(description="The edition after the renewal")]
    previous_product: Annotated[Product, Field(description="The edition before it")]
    previous_expires_at: Timestamp
    expires_at: Timestamp
    renewal_order_id: Annotated[
        OrderId | SkipJsonSchema[None],
        Field(description="The renewal order that paid it (absent for a coupon)", json_schema_extra=_absent),
    ] = None
    coupon_key: Annotated[
        LicenseKey | SkipJsonSchema[None],
        Field(description="The coupon redeemed for it (absent for an order)", json_schema_extra=_absent),
    ] = None

    @model_validator(mode="before")
    @classmethod
    def _exactly_one_source(cls, data: Any) -> Any:
        if isinstance(data, dict):
            given = [name for name in _RENEWAL_SOURCES if data.get(name) is not None]
            if len(given) != 1 or any(name in data and data[name] is None for name in _RENEWAL_SOURCES):
                raise ValueError("exactly one of renewal_order_id and coupon_key is required")
        return data


class CouponRedeemed(EventDetail):
    """A partner's unused coupon was consumed to renew another license (see LicenseRenewed)."""

    published_by = ("coupon_redemption",)
    event_id_format = "coupon-redeemed:{coupon_key}"

    coupon_key: LicenseKey
    partner_id: PartnerId
    redeemed_for: Annotated[LicenseKey, Field(description="The license the coupon renewed")]


class RenewalReminderDue(EventDetail):
    """A license reached one of its partner's reminder thresholds before expiry (at most once each)."""

    published_by = ("sweeper",)
    event_id_format = "reminder:{license_key}:{threshold_days}:{expires_at}"

    partner_id: PartnerId
    license_key: LicenseKey
    threshold_days: ThresholdDays
    expires_at: Timestamp
    product: Product
    devices: Devices
    workspace_id: WorkspaceId | None
    customer_ref: CustomerRef | None


class DigestLicense(BaseModel):
    """One license of a partner's renewal digest."""

    model_config = ConfigDict(extra="forbid", strict=True)

    license_key: LicenseKey
    threshold_days: ThresholdDays
    expires_at: Timestamp
    product: Product
    devices: Devices
    customer_ref: CustomerRef | None
    workspace_id: WorkspaceId | None


class PartnerRenewalDigest(EventDetail):
    """One sweeper run's renewal reminders for a partner, gathered in one message."""

    published_by = ("sweeper",)
    event_id_format = "renewal-digest:{partner_id}:{hash of the reminders it gathers}"

    partner_id: PartnerId
    run_at: Timestamp
    license_keys: KeyList
    licenses: list[DigestLicense]


class EndCustomerExpiryNotice(EventDetail):
    """A license was still not renewed 3 days before expiry: the vendor tells the end customer (once)."""

    published_by = ("sweeper",)
    event_id_format = "end_customer_notice:{license_key}:0:{expires_at}"

    partner_id: PartnerId
    license_key: LicenseKey
    expires_at: Timestamp
    product: Product
    devices: Devices
    workspace_id: WorkspaceId | None
    customer_ref: CustomerRef | None
    customer_email: Annotated[str | None, Field(description="Where to send the notice, when known")]


class WarnedCoupon(BaseModel):
    """One coupon whose activation deadline is near."""

    model_config = ConfigDict(extra="forbid", strict=True)

    license_key: LicenseKey
    activation_deadline: Timestamp
    product: Product
    devices: Devices


class CouponDeadlineWarning(EventDetail):
    """A partner's unused coupons reached 30 or 7 days before their activation deadline: one per threshold."""

    published_by = ("sweeper",)
    event_id_format = "coupon-warning:{partner_id}:{threshold_days}:{hash of the warnings it gathers}"

    partner_id: PartnerId
    threshold_days: ThresholdDays
    license_keys: KeyList
    coupons: list[WarnedCoupon]


class LicenseExpired(EventDetail):
    """An activated license passed its expiry without renewal (recorded by the sweeper)."""

    published_by = ("sweeper",)
    event_id_format = "expired:{license_key}:0:{expires_at}"

    partner_id: PartnerId
    license_key: LicenseKey
    expires_at: Timestamp
    workspace_id: WorkspaceId | None


class CouponLapsed(EventDetail):
    """An unused coupon passed its activation deadline and can never be used (recorded by the sweeper)."""

    published_by = ("sweeper",)
    event_id_format = "lapsed:{license_key}:0:{activation_deadline}"

    partner_id: PartnerId
    license_key: LicenseKey
    activation_deadline: Timestamp


EVENTS: tuple[type[EventDetail], ...] = (
    OrderPlaced,
    OrderPaid,
    LicensesIssued,
    PaymentFailed,
    PaymentMismatch,
    OrderRefunded,
    LicenseActivated,
    LicenseClaimed,
    LicenseRenewed,
    CouponRedeemed,
    RenewalReminderDue,
    PartnerRenewalDigest,
    EndCustomerExpiryNotice,
    CouponDeadlineWarning,
    LicenseExpired,
    CouponLapsed,
)
"""Every event, in the order docs/events.md lists them; the class name is the `detail-type`."""

EVENT_DETAILS: dict[str, type[EventDetail]] = {model.__name__: model for model in EVENTS}
