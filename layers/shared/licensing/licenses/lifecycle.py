"""License status, always derived from the stored dates, so it is right before any sweeper runs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol

from licensing.core.clock import add_months

ACTIVATION_WINDOW_MONTHS = 12


class LicenseStatus(StrEnum):
    UNUSED = "unused"
    ACTIVE = "active"
    EXPIRED = "expired"
    LAPSED = "lapsed"
    REDEEMED = "redeemed"
    REVOKED = "revoked"
    SUSPENDED = "suspended"  # a monthly license, stopped until reinstated
    CANCELLED = "cancelled"  # a monthly license, from the end of the day it was cancelled


class LicenseDates(Protocol):
    @property
    def activation_deadline(self) -> datetime: ...
    @property
    def activated_at(self) -> datetime | None: ...
    @property
    def expires_at(self) -> datetime | None: ...
    @property
    def revoked_at(self) -> datetime | None: ...
    @property
    def redeemed_at(self) -> datetime | None: ...
    @property
    def suspended_at(self) -> datetime | None: ...
    @property
    def ends_at(self) -> datetime | None: ...


def status_of(license: LicenseDates, now: datetime) -> LicenseStatus:
    if license.revoked_at is not None:
        return LicenseStatus.REVOKED
    if license.redeemed_at is not None:
        return LicenseStatus.REDEEMED
    if license.activated_at is None:
        return LicenseStatus.LAPSED if now >= license.activation_deadline else LicenseStatus.UNUSED
    if license.ends_at is not None and now >= license.ends_at:
        return LicenseStatus.CANCELLED
    if license.suspended_at is not None:
        return LicenseStatus.SUSPENDED
    expired = license.expires_at is not None and now >= license.expires_at
    return LicenseStatus.EXPIRED if expired else LicenseStatus.ACTIVE


def activation_deadline(purchased_at: datetime) -> datetime:
    return add_months(purchased_at, ACTIVATION_WINDOW_MONTHS)


def expiry(activated_at: datetime, term_months: int) -> datetime:
    return add_months(activated_at, term_months)
