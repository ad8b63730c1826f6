"""Renewal rules shared by paid renewals, migrations and renew-with-coupon (pure, no AWS): what can be
renewed, from when the new term runs, and which coupon may renew a license.

A renewal extends the term from the current expiry while the license is still valid, and from the
moment it is paid (or the coupon redeemed) once it has expired: no paid time is lost and no expired gap
is charged.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from licensing.core.clock import add_months
from licensing.licenses.errors import LicenseLapsed, LicenseRedeemed, LicenseRevoked
from licensing.licenses.lifecycle import LicenseStatus, status_of
from licensing.licenses.monthly import MONTHLY
from licensing.renewals.errors import CouponMismatch, CouponNotAvailable, NotActivated, NotRenewable

if TYPE_CHECKING:
    from licensing.store.table import LicenseItem


def check_renewable(license: LicenseItem, now: datetime) -> None:
    """Only an activated annual license (active or expired) can be renewed."""
    if license.plan == MONTHLY:
        raise NotRenewable(
            "A monthly license runs month to month until cancelled and is billed for use: it has no term "
            "to renew. Change its devices with PATCH, or cancel it."
        )
    status = status_of(license, now)
    if status is LicenseStatus.UNUSED:
        raise NotActivated("This key is an unused coupon: assign or activate it first, or use it to renew.")
    if status is LicenseStatus.LAPSED:
        raise LicenseLapsed("The coupon was never activated and has lapsed; it cannot be renewed.")
    if status is LicenseStatus.REVOKED:
        raise LicenseRevoked("The license was revoked and cannot be renewed.")
    if status is LicenseStatus.REDEEMED:
        raise LicenseRedeemed("The coupon was used to renew another license; renew that license instead.")


def renewed_expiry(license: LicenseItem, months: int, now: datetime) -> datetime:
    """The expiry after adding `months`: from the current expiry if still valid, else from now."""
    current = license.expires_at
    start = current if current is not None and current > now else now
    return add_months(start, months)


def check_coupon_for(coupon: LicenseItem, license: LicenseItem, now: datetime) -> None:
    """A coupon the partner named must still be unused and of the license's product and devices (a note
    does not stop it: naming a coupon is how a reserved one is used)."""
    status = status_of(coupon, now)
    if status is not LicenseStatus.UNUSED:
        raise CouponNotAvailable(f"The coupon is {status.value}, not unused.", coupon_status=status.value)
    if coupon.plan == MONTHLY:
        raise CouponMismatch("The coupon is a monthly license, billed for use: it cannot renew a license.")
    if (coupon.product, int(coupon.devices)) != (license.product, int(license.devices)):
        raise CouponMismatch(
            f"The coupon is for {coupon.product} on {int(coupon.devices)} devices; the license is "
            f"{license.product} on {int(license.devices)} devices."
        )
