"""Renew with coupon: one of the partner's own unused coupons of the same product and devices becomes
`redeemed` and the license gains the coupon's term, in one transaction with both history entries.

Without a chosen coupon, the soonest activation deadline wins among coupons without a note; that is one
Query of the sparse GSI3 reading one entry. When a concurrent request takes that coupon first, the
transaction fails on the coupon's condition and this one moves on to the next coupon, so requests only
fail with NO_MATCHING_COUPON once no coupon is left. An Idempotency-Key makes a retried request answer
as the first one did instead of spending another coupon.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from licensing.contracts.licenses import CouponRedeemed
from licensing.core.actors import Actor
from licensing.core.errors import Conflict
from licensing.core.ownership import owned_by
from licensing.licenses import repository as license_repo
from licensing.licenses.index import coupon_partition
from licensing.licenses.keys import normalize_key
from licensing.licenses.lifecycle import LicenseStatus, status_of
from licensing.licenses.management import license_for
from licensing.licenses.repository import COUPON, LICENSE
from licensing.orders import repository as order_repo
from licensing.renewals.errors import CouponNotFound, NoMatchingCoupon
from licensing.renewals.extension import add_extension
from licensing.renewals.rules import check_coupon_for, check_renewable
from licensing.store.idempotency import RECORD, IdempotentRequest
from licensing.store.table import LicenseItem, restore, snapshot
from licensing.store.transactions import Transaction

LICENSE_ATTEMPTS = 3  # reads of a license that keeps changing between our read and our write
MAX_ATTEMPTS = 200  # a bound for the Lambda's sake; coupons running out ends the loop long before


class CouponRenewal(NamedTuple):
    license: LicenseItem  # as renewed
    coupon: LicenseItem  # as redeemed


def renew_with_coupon(
    partner_id: str,
    raw_key: str,
    raw_coupon_key: str | None,
    idempotency_key: str | None,
    now: datetime,
    *,
    actor: Actor,
) -> CouponRenewal:
    """The license and the coupon after the renewal, or as they were after the first request with this
    Idempotency-Key (a retried request never spends a second coupon)."""
    key = normalize_key(raw_key)
    chosen = normalize_key(raw_coupon_key) if raw_coupon_key is not None else None
    route = f"POST /v1/licenses/{key}/renew-with-coupon"
    once = IdempotentRequest.of(partner_id, idempotency_key, route, {"coupon_key": chosen})
    return once.run(lambda: _renew(partner_id, key, chosen, once, now, actor), _replayed, now)


def _renew(
    partner_id: str, key: str, chosen: str | None, once: IdempotentRequest, now: datetime, actor: Actor
) -> CouponRenewal:
    def pick(license: LicenseItem) -> LicenseItem:
        return _chosen(partner_id, chosen, license, now) if chosen else _soonest(partner_id, license, now)

    license = _renewable(partner_id, key, now)
    coupon = pick(license)
    license_reads = 1
    for _ in range(MAX_ATTEMPTS):
        outcome = _redeem(license, coupon, once, now, actor)
        if isinstance(outcome, CouponRenewal):
            return outcome
        if outcome == LICENSE:  # renewed, migrated or edited meanwhile: read it and match again
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


def _redeem(
    license: LicenseItem, coupon: LicenseItem, once: IdempotentRequest, now: datetime, actor: Actor
) -> CouponRenewal | str:
    """One transaction: the renewal once it committed, else the label of the item that changed since it
    was read (LICENSE or COUPON)."""
    tx = Transaction()
    expires_at, renewed = add_extension(
        tx, license, months=int(coupon.term_months), now=now, actor=actor, via={"coupon_key": coupon.key}
    )
    license_repo.add_redemption(tx, coupon, license_key=license.key, now=now, actor=actor)
    if coupon.order_id:
        order_repo.add_usage(tx, coupon.order_id, used=1)  # the coupon's order: one more key consumed
    result = CouponRenewal(
        _after(license, expires_at=expires_at, renewed_at=now),
        _after(coupon, redeemed_at=now, redeemed_for=license.key),
    )
    once.add_record(tx, result=_snapshot(result), order_id=None, now=now)
    redeemed = CouponRedeemed(
        event_id=f"coupon-redeemed:{coupon.key}",
        coupon_key=coupon.key,
        partner_id=str(coupon.partner_id),
        redeemed_for=license.key,
    )
    failed = tx.emit(renewed, redeemed).commit(RECORD, LICENSE, COUPON)
    once.check(failed)
    if failed:
        return LICENSE if LICENSE in failed else COUPON
    return result


def _after(license: LicenseItem, **changes: Any) -> LicenseItem:
    """A copy of `license` as the transaction leaves it (the original stays as read, for a retry)."""
    copy = restore(LicenseItem, snapshot(license))
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.version = int(license.version or 0) + 1
    return copy


def _snapshot(renewal: CouponRenewal) -> dict[str, Any]:
    return {"license": snapshot(renewal.license), "coupon": snapshot(renewal.coupon)}


def _replayed(first: dict[str, Any]) -> CouponRenewal:
    return CouponRenewal(restore(LicenseItem, first["license"]), restore(LicenseItem, first["coupon"]))


def _chosen(partner_id: str, coupon_key: str, license: LicenseItem, now: datetime) -> LicenseItem:
    """The coupon the partner named: its own, unused and matching (a note does not stop it)."""
    coupon = license_repo.get(coupon_key, consistent=True)
    coupon = owned_by(partner_id, coupon, CouponNotFound("No coupon with this key in your account."))
    check_coupon_for(coupon, license, now)
    return coupon


def _soonest(partner_id: str, license: LicenseItem, now: datetime) -> LicenseItem:
    coupon = license_repo.soonest_coupon(partner_id, license.product, int(license.devices), now=now)
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
    coupon = license_repo.soonest_coupon(
        partner_id, license.product, int(license.devices), now=now, after=lost
    )
    if coupon is None:
        raise _none_left(license)
    return coupon


def _none_left(license: LicenseItem) -> NoMatchingCoupon:
    return NoMatchingCoupon(
        f"No unused {license.product} coupon for {int(license.devices)} devices without a note is left in "
        "your account; name one with coupon_key to use a coupon that carries a note."
    )
