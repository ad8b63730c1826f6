"""Coupons renew-with-coupon may pick (GSI3, see `license_index`) and their redemption."""

from __future__ import annotations

from datetime import datetime

from licensing.clock import iso
from licensing.repositories.license_index import after_change, coupon_partition, from_row
from licensing.repositories.licenses import history_entry, open_coupon
from licensing.repositories.table import LicenseItem
from licensing.repositories.transactions import Transaction

AFTER_EVERY_KEY = "~"  # sorts after every key character, so a position never matches a coupon's own


def soonest(
    partner_id: str, product: str, devices: int, *, now: datetime, after: LicenseItem | None = None
) -> LicenseItem | None:
    """The partner's pickable coupon with the soonest activation deadline still ahead of `now` (and after
    `after`, one that was just lost to a concurrent request): one Query reading one index entry."""
    floor = f"{iso(now)}#{AFTER_EVERY_KEY}"
    if after is not None:
        floor = max(floor, f"{iso(after.activation_deadline)}#{after.key}")
    results = LicenseItem.partner_coupons.query(
        coupon_partition(partner_id, product, devices),
        LicenseItem.GSI3SK > floor,  # noqa: SIM300 - an attribute, not a constant
        limit=1,
        page_size=1,
    )
    found = next((item for item in results if isinstance(item, LicenseItem)), None)
    if found is None:
        return None
    coupon = from_row(found)
    coupon.sweep_term = found.sweep_term  # a redemption ends the sweeper's term: it must know it
    return coupon


def add_redemption(
    tx: Transaction, coupon: LicenseItem, *, license_key: str, now: datetime, actor: str
) -> None:
    """Redeem an unused coupon of the partner for `license_key` if it is still as read and still open."""
    tx.update(
        coupon,
        [
            LicenseItem.redeemed_at.set(now),
            LicenseItem.redeemed_for.set(license_key),
            *after_change(coupon, redeemed_at=now, redeemed_for=license_key),
        ],
        condition=LicenseItem.partner_id.exists() & open_coupon(now),
        label="coupon",
    )
    changes = {
        "status": {"from": "unused", "to": "redeemed"},
        "redeemed_for": {"from": None, "to": license_key},
    }
    entry = history_entry(coupon.key, at=now, actor=actor, action="redeemed", changes=changes)
    tx.put(entry, label="coupon-history")
