"""What the client software's lookup answers, and the first use that starts a coupon's term."""

from __future__ import annotations

from datetime import datetime

from licensing.clock import iso
from licensing.errors import Conflict, LicenseNotFound
from licensing.events import DomainEvent, publish
from licensing.keys import normalize_key
from licensing.lifecycle import LicenseStatus, expiry, status_of
from licensing.repositories import licenses as license_repo
from licensing.repositories import orders as order_repo
from licensing.repositories.table import LicenseItem
from licensing.repositories.transactions import Transaction, TransactionCancelled, retry_on_conflict
from licensing.schemas.lookup import EntitlementOut, LookupOut

ATTEMPTS = 3
_CODES = {
    LicenseStatus.EXPIRED: "EXPIRED",
    LicenseStatus.LAPSED: "LAPSED",
    LicenseStatus.REVOKED: "REVOKED",
    LicenseStatus.REDEEMED: "REDEEMED",
}


def lookup(raw_key: str, workspace_id: str, now: datetime) -> LookupOut:
    """One read for a known key; a coupon's first lookup also activates it for `workspace_id`."""
    key = normalize_key(raw_key)  # a malformed key never reaches the database
    license = license_repo.get(key)
    for _ in range(ATTEMPTS):
        if license is None:
            raise LicenseNotFound("No license has this key.")
        status = status_of(license, now)
        if status is not LicenseStatus.UNUSED:
            return _answer(license, status, workspace_id, now)
        if _activate(license, workspace_id, now):
            return _answer(license, LicenseStatus.ACTIVE, workspace_id, now)
        license = license_repo.get(key, consistent=True)  # someone else changed it first: look again
    raise Conflict("The license is changing too often to activate; retry.")


def _activate(license: LicenseItem, workspace_id: str, now: datetime) -> bool:
    expires_at = expiry(now, int(license.term_months))
    tx = Transaction()
    license_repo.add_activation(
        tx, license, workspace_id=workspace_id, now=now, expires_at=expires_at, actor=f"client:{workspace_id}"
    )
    if license.order_id:
        order_repo.add_usage(tx, license.order_id, used=1)
    try:
        retry_on_conflict(tx.commit)
    except TransactionCancelled as cancelled:
        if cancelled.failed("license"):
            return False
        raise
    license.activated_at, license.expires_at, license.workspace_id = now, expires_at, workspace_id
    publish(
        DomainEvent(
            "LicenseActivated",
            event_id=f"license-activated:{license.key}",
            detail={
                "license_key": license.key,
                "partner_id": license.partner_id,
                "order_id": license.order_id,
                "workspace_id": workspace_id,
                "activated_at": iso(now),
                "expires_at": iso(expires_at),
            },
        )
    )
    return True


def entitlement_out(license: LicenseItem, now: datetime, *, show_workspace: bool) -> EntitlementOut:
    return EntitlementOut(
        key=license.key,
        product=license.product,
        devices=int(license.devices),
        term_months=int(license.term_months),
        status=status_of(license, now).value,
        activated_at=iso(license.activated_at) if license.activated_at else None,
        expires_at=iso(license.expires_at) if license.expires_at else None,
        workspace_id=license.workspace_id if show_workspace else None,
    )


def _answer(license: LicenseItem, status: LicenseStatus, workspace_id: str, now: datetime) -> LookupOut:
    same_workspace = license.workspace_id == workspace_id
    code = _CODES.get(status, "VALID" if same_workspace else "WORKSPACE_MISMATCH")
    return LookupOut(
        valid=code == "VALID",
        code=code,  # type: ignore[arg-type]
        license=entitlement_out(license, now, show_workspace=same_workspace),
    )
