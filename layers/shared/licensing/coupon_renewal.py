"""Renew with coupon: one of the partner's own unused coupons of the same product and devices becomes
`redeemed` and the license gains the coupon's term, in one transaction with both history entries.

Without a chosen coupon, the soonest activation deadline wins among coupons without a note; that is one
Query of the sparse GSI3 reading one entry. When a concurrent request takes that coupon first, the
transaction fails on the coupon's condition and this one moves on to the next coupon, so requests only
fail with NO_MATCHING_COUPON once no coupon is left. An Idempotency-Key makes a retried request answer
as the first one did instead of spending another coupon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from licensing import views
from licensing.errors import (
    Conflict,
    CouponMismatch,
    CouponNotAvailable,
    CouponNotFound,
    DomainError,
    NoMatchingCoupon,
)
from licensing.events import DomainEvent, publish
from licensing.idempotent import IdempotentRequest
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
from licensing.schemas.renewals import CouponRenewalOut

LICENSE_ATTEMPTS = 3  # reads of a license that keeps changing between our read and our write
MAX_ATTEMPTS = 200  # a bound for the Lambda's sake; coupons running out ends the loop long before


def renew_with_coupon(
    partner_id: str, raw_key: str, raw_coupon_key: str | None, idempotency_key: str | None, now: datetime
) -> dict[str, Any]:
    """`{license, coupon}` after the renewal, or the first answer again for a replayed Idempotency-Key
    (a retried request never spends a second coupon)."""
    key = normalize_key(raw_key)
    chosen = normalize_key(raw_coupon_key) if raw_coupon_key is not None else None
    route = f"POST /v1/licenses/{key}/renew-with-coupon"
    once = IdempotentRequest.of(partner_id, idempotency_key, route, {"coupon_key": chosen})
    try:
        return _renew(partner_id, key, chosen, once, now)
    except DomainError:
        if replay := once.replay(now):
            return replay[1]
        raise


def _renew(
    partner_id: str, key: str, chosen: str | None, once: IdempotentRequest, now: datetime
) -> dict[str, Any]:
    def pick(license: LicenseItem) -> LicenseItem:
        return _chosen(partner_id, chosen, license, now) if chosen else _soonest(partner_id, license, now)

    license = _renewable(partner_id, key, now)
    coupon = pick(license)
    license_reads = 1
    for _ in range(MAX_ATTEMPTS):
        outcome = _redeem(license, coupon, once, now)
        if not isinstance(outcome, _Lost):
            return outcome
        if outcome.label == "license":  # renewed, migrated or edited meanwhile: read it and match again
            if license_reads == LICENSE_ATTEMPTS:
                break
            license_reads += 1
            license = _renewable(partner_id, key, now)
            coupon = pick(license)
        elif chosen:
            coupon = _chosen(partner_id, chosen, license, now)  # says why it can no longer be used
        else:
            coupon = _next(partner_id, license, lost=coupon, now=now)
    raise Conflict("The license or the coupons are changing too often; retry.")


def _renewable(partner_id: str, key: str, now: datetime) -> LicenseItem:
    license = license_for(partner_id, key, consistent=True)
    check_renewable(license, now)
    return license


@dataclass(frozen=True, slots=True)
class _Lost:
    label: str  # the item whose condition failed: "license" or "coupon"


def _redeem(
    license: LicenseItem, coupon: LicenseItem, once: IdempotentRequest, now: datetime
) -> dict[str, Any] | _Lost:
    """One transaction: the answer once it committed (or the first answer to this Idempotency-Key),
    else which item changed since it was read."""
    actor = f"partner:{license.partner_id}"
    tx = Transaction()
    expires_at, renewed = add_extension(
        tx, license, months=int(coupon.term_months), now=now, actor=actor, via={"coupon_key": coupon.key}
    )
    coupons.add_redemption(tx, coupon, license_key=license.key, now=now, actor=actor)
    if coupon.order_id:
        order_repo.add_usage(tx, coupon.order_id, used=1)  # the coupon's order: one more key consumed
    answer = _answer(
        _after(license, expires_at=expires_at, renewed_at=now),
        _after(coupon, redeemed_at=now, redeemed_for=license.key),
        now,
    )
    once.add_record(tx, status_code=200, response=answer, order_id=None, now=now)
    try:
        retry_on_conflict(tx.commit)
    except TransactionCancelled as cancelled:
        if once.lost_to_first(cancelled) and (replay := once.replay(now)):
            return replay[1]
        for label in ("license", "coupon"):
            if cancelled.failed(label):
                return _Lost(label)
        raise
    detail = {"coupon_key": coupon.key, "partner_id": coupon.partner_id, "redeemed_for": license.key}
    publish(renewed, DomainEvent("CouponRedeemed", event_id=f"coupon-redeemed:{coupon.key}", detail=detail))
    return answer


def _after(license: LicenseItem, **changes: Any) -> LicenseItem:
    """A copy of `license` as the transaction leaves it (the original stays as read, for a retry)."""
    copy = LicenseItem.from_raw_data(license.to_dynamodb_dict())
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.version = int(license.version or 0) + 1
    return copy


def _answer(license: LicenseItem, coupon: LicenseItem, now: datetime) -> dict[str, Any]:
    out = CouponRenewalOut(license=views.license_out(license, now), coupon=views.license_out(coupon, now))
    return out.model_dump(mode="json")


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
