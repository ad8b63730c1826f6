"""A partner's own licenses one at a time: read, edit the note and customer reference, assign to a
workspace, claim an unowned key, and the change history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from licensing.core import cursors
from licensing.core.actors import Actor, system
from licensing.core.clock import iso
from licensing.core.errors import ValidationFailed, VersionConflict
from licensing.core.ownership import owned_by
from licensing.licenses import activation
from licensing.licenses import repository as license_repo
from licensing.licenses.errors import (
    AlreadyAssigned,
    LicenseLapsed,
    LicenseNotFound,
    LicenseRedeemed,
    LicenseRevoked,
    OwnedByAnotherPartner,
)
from licensing.licenses.keys import normalize_key
from licensing.licenses.lifecycle import LicenseStatus, status_of
from licensing.store.table import HistoryItem, LicenseItem
from licensing.store.transactions import Transaction

_REFUSED = {
    LicenseStatus.LAPSED: (LicenseLapsed, "The coupon was not activated within twelve months."),
    LicenseStatus.REVOKED: (LicenseRevoked, "The license was revoked and cannot be assigned."),
    LicenseStatus.REDEEMED: (LicenseRedeemed, "The coupon was used to renew another license."),
}


class HistoryEntry(NamedTuple):
    at: datetime
    actor: Actor  # a person, an API key, the admin, or the system (`client:<workspace>`, `order:<id>`...)
    action: str
    changes: dict[str, dict[str, Any]]  # field -> {"from": ..., "to": ...}


class History(NamedTuple):
    """One page of a license's history, newest first."""

    entries: list[HistoryEntry]
    next_cursor: str | None


def license_for(partner_id: str, raw_key: str, *, consistent: bool = False) -> LicenseItem:
    """The partner's own license; another partner's is as unknown as a missing one."""
    license = license_repo.get(normalize_key(raw_key), consistent=consistent)
    return owned_by(partner_id, license, LicenseNotFound("No license with this key in your account."))


def edit(
    partner_id: str,
    raw_key: str,
    fields: dict[str, Any],
    if_match: int | None,
    now: datetime,
    *,
    actor: Actor,
) -> LicenseItem:
    """Change the note, the customer reference and (a monthly license) the devices (`fields`: the ones
    sent, None clearing one); with `if_match`, only if the version is still that one."""
    license = license_for(partner_id, raw_key, consistent=True)
    if if_match is not None and if_match != license.version:
        raise VersionConflict(f"The license is at version {license.version}, not {if_match}.")
    changes = {name: value for name, value in fields.items() if getattr(license, name) != value}
    if "devices" in fields and fields["devices"] is None:
        raise ValidationFailed(
            "body.devices: cannot be null", errors=[{"field": "body.devices", "message": "cannot be null"}]
        )
    if "devices" in changes:
        from licensing.licenses.subscriptions import (
            device_change,
        )  # monthly licenses only: off the cold start

        changes |= device_change(license, changes["devices"], now)
    if not changes:
        return license
    tx = Transaction()
    license_repo.add_edit(tx, license, changes, now=now, actor=actor)
    if tx.commit(license_repo.LICENSE):
        raise VersionConflict("The license changed meanwhile; read it again and retry.")
    for name, value in changes.items():
        setattr(license, name, value)
    return license


def assign(partner_id: str, raw_key: str, workspace_id: str, now: datetime, *, actor: Actor) -> LicenseItem:
    """Activate a coupon for a customer's workspace (its term starts now); repeating it changes nothing."""
    for _ in range(activation.ATTEMPTS):
        license = license_for(partner_id, raw_key, consistent=True)
        status = status_of(license, now)
        if status in _REFUSED:
            error, detail = _REFUSED[status]
            raise error(detail)
        if status is not LicenseStatus.UNUSED:
            if license.workspace_id != workspace_id:
                raise AlreadyAssigned("The license is already bound to another workspace.")
            return license
        if activation.activate(license, workspace_id, now, actor=actor):
            return license
    raise VersionConflict("The license is changing too often; retry.")


def claim(partner_id: str, raw_key: str, now: datetime, *, actor: Actor) -> LicenseItem:
    """Add a key no partner owns yet to this partner's account; a key already here changes nothing."""
    license = license_repo.get(normalize_key(raw_key), consistent=True)
    if license is None:
        raise LicenseNotFound("No license has this key.")
    if license.partner_id == partner_id:
        return license
    if license.partner_id is not None:
        raise OwnedByAnotherPartner("This key belongs to another partner; ask the vendor to transfer it.")
    from licensing.contracts.licenses import LicenseClaimed  # a claim is rare: off the function's cold start

    tx = Transaction()
    license_repo.add_claim(tx, license, partner_id=partner_id, now=now, actor=actor)
    claimed = LicenseClaimed(
        event_id=f"license-claimed:{license.key}",
        license_key=license.key,
        partner_id=partner_id,
        claimed_at=iso(now),
    )
    if tx.emit(claimed).commit(license_repo.LICENSE):  # claimed by someone a moment earlier: say by whom
        return claim(partner_id, raw_key, now, actor=actor)
    license.partner_id = partner_id
    return license


def history(partner_id: str, raw_key: str, *, limit: int, cursor: str | None) -> History:
    """Every change, newest first; the last page ends with the license's issue, which its item records."""
    license = license_for(partner_id, raw_key)
    fingerprint = cursors.fingerprint(list="history", partner=partner_id, key=license.key, limit=limit)
    start = cursors.decode(cursor, fingerprint, partition={"PK": license_repo.pk(license.key)})
    items, last_key = license_repo.history_page(license.key, limit=limit, start=start)
    entries = [_entry(item) for item in items]
    if last_key is None:
        entries.append(_issued(license))
    return History(entries, cursors.encode(last_key, fingerprint))


def _entry(item: HistoryItem) -> HistoryEntry:
    return HistoryEntry(at=item.at, actor=item.actor, action=item.action, changes=dict(item.changes))


def _issued(license: LicenseItem) -> HistoryEntry:
    changes: dict[str, dict[str, Any]] = {"status": {"from": None, "to": "unused"}}
    if license.order_id:
        changes["order_id"] = {"from": None, "to": license.order_id}
    actor = system(f"order:{license.order_id}" if license.order_id else "vendor")
    return HistoryEntry(at=license.purchased_at, actor=actor, action="issued", changes=changes)
