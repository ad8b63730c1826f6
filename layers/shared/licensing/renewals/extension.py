"""Extending a license's term inside a transaction, for whatever paid for it: a renewal order's payment
or a redeemed coupon."""

from __future__ import annotations

from datetime import datetime

from licensing.contracts.licenses import LicenseRenewed
from licensing.core.actors import Actor
from licensing.core.clock import iso
from licensing.licenses import repository as license_repo
from licensing.renewals.rules import renewed_expiry
from licensing.store.table import LicenseItem
from licensing.store.transactions import Transaction


def add_extension(
    tx: Transaction,
    license: LicenseItem,
    *,
    months: int,
    now: datetime,
    actor: Actor,
    via: dict[str, str],
    product: str | None = None,
) -> tuple[datetime, LicenseRenewed]:
    """Add the renewal of `license` (conditional on the license as read, label LICENSE) to `tx`; `via` is
    `{"renewal_order_id": ...}` or `{"coupon_key": ...}`. Returns the new expiry and the event to publish
    once the transaction committed."""
    if license.expires_at is None:
        raise ValueError(f"license {license.key[-5:]} was never activated: there is no term to extend")
    expires_at = renewed_expiry(license, months, now)
    license_repo.add_renewal(
        tx, license, expires_at=expires_at, now=now, actor=actor, via=via, product=product
    )
    paid_by = ":".join(via.values())  # the renewal order or the coupon: each renews once
    renewed = LicenseRenewed(
        event_id=f"license-renewed:{license.key}:{paid_by}",
        license_key=license.key,
        partner_id=license.partner_id,
        workspace_id=license.workspace_id,
        product=product or license.product,
        previous_product=license.product,
        previous_expires_at=iso(license.expires_at),
        expires_at=iso(expires_at),
        **via,
    )
    return expires_at, renewed
