"""The sweeper's events: renewal reminders and the partner's digest of them, the end customer's expiry
notice, coupon deadline warnings, expiry and lapse."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from licensing.contracts.base import (
    CustomerRef,
    Devices,
    EventDetail,
    KeyList,
    LicenseKey,
    PartnerId,
    Product,
    ThresholdDays,
    Timestamp,
    WorkspaceId,
)


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

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

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

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

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
