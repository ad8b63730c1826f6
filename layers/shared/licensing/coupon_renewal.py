"""Renew with coupon: one of the partner's own unused coupons of the same product and devices becomes
`redeemed` and the license gains the coupon's term, in one transaction with both history entries.

Without a chosen coupon, the soonest activation deadline wins among coupons without a note; that is one
Query of the sparse GSI3 reading one entry. When a concurrent request takes that coupon first, the
transaction fails on the coupon's condition and this one moves on to the next coupon, so requests only
fail with NO_MATCHING_COUPON once no coupon is left.
"""

from __future__ import annotations

from datetime import datetime

from licensing.errors import (
    Conflict,
    CouponMismatch,
    CouponNotAvailable,
    CouponNotFound,
    NoMatchingCoupon,
)
from licensing.events import DomainEvent, publish
from licensing.keys import normalize_key
from licensing.license_management import license_for
from licensing.lifecycle import LicenseStatus, status_of
from licensing.renewal import add_extension, check_renewable
from licensing.repositories import coupons
from licensing.repositories import licenses as license_repo
from licensing.repositories import orders as order_repo
from licensing.repositories.license_index import coupon_partition
from licensing.repositories.table import LicenseItem
from licensing.repositories.transactions import Transaction, TransactionCancelled, retry_on_conflict

LICENSE_ATTEMPTS = 3  # reads of a license that keeps changing between our read and our write
MAX_ATTEMPTS = 200  # a bound for the Lambda's sake; coupons running out ends the loop long before


def renew_with_coupon(
    partner_id: str, raw_key: str, raw_coupon_key: str | None, now: datetime
) -> tuple[LicenseItem, LicenseItem]:
    """The renewed license and the redeemed coupon."""
    chosen = normalize_key(raw_coupon_key) if raw_coupon_key is not None else None
    license = license_for(partner_id, raw_key, consistent=True)
    check_renewable(license, now)
    coupon = _chosen(partner_id, chosen, license, now) if chosen else _soonest(partner_id, license, now)
    license_changes = 0
    for _ in range(MAX_ATTEMPTS):
        failed = _redeem(license, coupon, now)
        if failed is None:
            return license, coupon
        if failed == "license":  # renewed or edited meanwhile: read it again
            license_changes += 1
            if license_changes == LICENSE_ATTEMPTS:
                break
            license = license_for(partner_id, raw_key, consistent=True)
            check_renewable(license, now)
        elif chosen:
            coupon = _chosen(partner_id, chosen, license, now)  # says why it can no longer be used
            continue
        else:
            coupon = _next(partner_id, license, lost=coupon, now=now)
    raise Conflict("The license or the coupons are changing too often; retry.")


def _redeem(license: LicenseItem, coupon: LicenseItem, now: datetime) -> str | None:
    """One transaction; None when it committed, else the label of the item whose condition failed."""
    actor = f"partner:{license.partner_id}"
    tx = Transaction()
    expires_at, renewed = add_extension(
        tx, license, months=int(coupon.term_months), now=now, actor=actor, via={"coupon_key": coupon.key}
    )
    coupons.add_redemption(tx, coupon, license_key=license.key, now=now, actor=actor)
    if coupon.order_id:
        order_repo.add_usage(tx, coupon.order_id, used=1)  # the coupon's order: one more key consumed
    try:
        retry_on_conflict(tx.commit)
    except TransactionCancelled as cancelled:
        for label in ("license", "coupon"):
            if cancelled.failed(label):
                return label
        raise
    license.expires_at, license.renewed_at = expires_at, now
    coupon.redeemed_at, coupon.redeemed_for = now, license.key
    detail = {"coupon_key": coupon.key, "partner_id": coupon.partner_id, "redeemed_for": license.key}
    publish(renewed, DomainEvent("CouponRedeemed", event_id=f"coupon-redeemed:{coupon.key}", detail=detail))
    return None


def _chosen(partner_id: str, coupon_key: str, license: LicenseItem, now: datetime) -> LicenseItem:
    """The coupon the partner named: its own, unused and matching (a note does not stop it)."""
    coupon = license_repo.get(coupon_key, consistent=True)
    if coupon is None or coupon.partner_id != partner_id:
        raise CouponNotFound("No coupon with this key in your account.")
    status = status_of(coupon, now)
    if status is not LicenseStatus.UNUSED:
        raise CouponNotAvailable(f"The coupon is {status.value}, not unused.", coupon_status=status.value)
    if (coupon.product, int(coupon.devices)) != (license.product, int(license.devices)):
        raise CouponMismatch(
            f"The coupon is for {coupon.product} on {int(coupon.devices)} devices; the license is "
            f"{license.product} on {int(license.devices)} devices."
        )
    return coupon


def _soonest(partner_id: str, license: LicenseItem, now: datetime) -> LicenseItem:
    coupon = coupons.soonest(partner_id, license.product, int(license.devices), now=now)
    if coupon is None:
        raise _none_left(license)
    return coupon


def _next(partner_id: str, license: LicenseItem, *, lost: LicenseItem, now: datetime) -> LicenseItem:
    """After losing `lost`: the same coupon again if only the index was behind the item (it is still
    pickable, at a newer version), else the next one after it."""
    current = license_repo.get(lost.key, consistent=True)
    pickable = coupon_partition(partner_id, license.product, int(license.devices))
    if (
        current is not None
        and current.version != lost.version
        and pickable == current.GSI3PK
        and status_of(current, now) is LicenseStatus.UNUSED
    ):
        return current
    coupon = coupons.soonest(partner_id, license.product, int(license.devices), now=now, after=lost)
    if coupon is None:
        raise _none_left(license)
    return coupon


def _none_left(license: LicenseItem) -> NoMatchingCoupon:
    return NoMatchingCoupon(
        f"No unused {license.product} coupon for {int(license.devices)} devices without a note is left in "
        "your account; name one with coupon_key to use a coupon that carries a note."
    )
