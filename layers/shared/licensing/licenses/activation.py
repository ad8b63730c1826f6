"""Activation: a coupon's term starts at its first use by the client software or when a partner assigns
it to a workspace; one key, one workspace. The license, its history entry and its order's usage counter
change in one transaction, conditional on the coupon being still unused and open, so when two
workspaces race for one key exactly one wins."""

from __future__ import annotations

from datetime import datetime

from licensing.core.actors import Actor
from licensing.core.clock import iso
from licensing.licenses import repository as license_repo
from licensing.licenses.lifecycle import expiry
from licensing.licenses.monthly import MONTHLY, opened
from licensing.store.table import LicenseItem
from licensing.store.transactions import Transaction

ATTEMPTS = 3  # reads of a license that keeps changing between our read and our write


def activate(license: LicenseItem, workspace_id: str, now: datetime, *, actor: Actor) -> bool:
    """Start an unused coupon's term for `workspace_id`; False if someone changed the license first."""
    # The event's model (pydantic) loads here, off the lookup's cold path: a first use is rare.
    from licensing.contracts.licenses import LicenseActivated
    from licensing.orders import repository as order_repo

    monthly = license.plan == MONTHLY  # no expiry: billed for use from now, month to month
    expires_at = None if monthly else expiry(now, int(license.term_months))
    usage = opened(None, now, int(license.devices)) if monthly else None
    tx = Transaction()
    license_repo.add_activation(
        tx, license, workspace_id=workspace_id, now=now, expires_at=expires_at, usage=usage, actor=actor
    )
    if license.order_id:
        order_repo.add_usage(tx, license.order_id, used=1)
    activated = LicenseActivated(
        event_id=f"license-activated:{license.key}",
        license_key=license.key,
        partner_id=license.partner_id,
        order_id=license.order_id,
        workspace_id=workspace_id,
        # the published event keeps its string: the client's workspace, or the partner that assigned it
        actor=f"client:{workspace_id}" if actor.type == "system" else f"partner:{license.partner_id}",
        activated_at=iso(now),
    )
    if expires_at is not None:  # set only when known, so a monthly license's event leaves it out
        activated.expires_at = iso(expires_at)
    if monthly:
        activated.plan = "monthly"
    if tx.emit(activated).commit(license_repo.LICENSE):
        return False
    license.activated_at, license.expires_at, license.workspace_id = now, expires_at, workspace_id
    license.usage = usage
    return True
