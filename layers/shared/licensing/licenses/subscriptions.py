"""A monthly license's life after activation, by its partner: suspend it, reinstate it, cancel it, and
change its device count. Each change is one transaction on the license (conditional on the version
read) with its history entry, and moves its usage periods (`licensing.licenses.monthly`), which is what
the monthly statement bills."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from licensing.catalog.catalog import load_catalog
from licensing.core.actors import Actor
from licensing.core.errors import VersionConflict
from licensing.licenses import repository as license_repo
from licensing.licenses.errors import (
    AlreadyCancelled,
    AlreadySuspended,
    LicenseNotActive,
    NotMonthly,
    NotSuspended,
)
from licensing.licenses.lifecycle import LicenseStatus, status_of
from licensing.licenses.management import license_for
from licensing.licenses.monthly import MONTHLY, closed, end_of_day, opened, resized
from licensing.store.table import LicenseItem
from licensing.store.transactions import Transaction

ATTEMPTS = 3  # reads of a license that keeps changing between our read and our write
Change = Callable[[LicenseItem, datetime], dict[str, Any]]


def suspend(partner_id: str, raw_key: str, now: datetime, *, actor: Actor) -> LicenseItem:
    """Stop an active monthly license: lookups answer SUSPENDED; it is billed for this day only."""
    return _change(partner_id, raw_key, now, "suspended", _suspension, actor)


def reinstate(partner_id: str, raw_key: str, now: datetime, *, actor: Actor) -> LicenseItem:
    """Restart a suspended monthly license: it is valid and billed again from now."""
    return _change(partner_id, raw_key, now, "reinstated", _reinstatement, actor)


def cancel(partner_id: str, raw_key: str, now: datetime, *, actor: Actor) -> LicenseItem:
    """End a monthly license at the end of this UTC day (it stays valid, and billed, until then)."""
    return _change(partner_id, raw_key, now, "cancelled", _cancellation, actor)


def device_change(license: LicenseItem, devices: int, now: datetime) -> dict[str, Any]:
    """The changes that give a monthly license `devices` from now (a PATCH's `devices`)."""
    if license.plan != MONTHLY:
        raise NotMonthly("Only a monthly license's devices can change; an annual key keeps what was bought.")
    _still_running(license, now)
    load_catalog().product(license.product).check_devices(devices)
    if not license.usage:  # not activated yet: nothing is billed, so no period moves
        return {"devices": devices}
    return {"devices": devices, "usage": resized(license.usage, now, devices)}


def _suspension(license: LicenseItem, now: datetime) -> dict[str, Any]:
    _still_running(license, now)
    if status_of(license, now) is LicenseStatus.SUSPENDED:
        raise AlreadySuspended("The license is already suspended; reinstate it to use it again.")
    _active(license, now)
    return {"suspended_at": now, "usage": closed(license.usage, now)}


def _reinstatement(license: LicenseItem, now: datetime) -> dict[str, Any]:
    _still_running(license, now)
    if status_of(license, now) is not LicenseStatus.SUSPENDED:
        raise NotSuspended("The license is not suspended.")
    return {"suspended_at": None, "usage": opened(license.usage, now, int(license.devices))}


def _cancellation(license: LicenseItem, now: datetime) -> dict[str, Any]:
    _still_running(license, now)
    if status_of(license, now) is not LicenseStatus.SUSPENDED:
        _active(license, now)
    ends_at = end_of_day(now)
    return {"cancelled_at": now, "ends_at": ends_at, "usage": closed(license.usage, ends_at)}


def _still_running(license: LicenseItem, now: datetime) -> None:
    if license.cancelled_at is not None:
        raise AlreadyCancelled("The license was cancelled; order a new monthly license instead.")
    status = status_of(license, now)
    if status in (LicenseStatus.LAPSED, LicenseStatus.REVOKED, LicenseStatus.REDEEMED):
        raise LicenseNotActive(f"The license is {status.value}.", license_status=status.value)


def _active(license: LicenseItem, now: datetime) -> None:
    status = status_of(license, now)
    if status is not LicenseStatus.ACTIVE:
        raise LicenseNotActive(
            f"The license is {status.value}, not active (assign or activate it first).",
            license_status=status.value,
        )


def _change(
    partner_id: str, raw_key: str, now: datetime, action: str, change: Change, actor: Actor
) -> LicenseItem:
    for _ in range(ATTEMPTS):
        license = license_for(partner_id, raw_key, consistent=True)
        if license.plan != MONTHLY:
            raise NotMonthly(
                f"Only a monthly license can be {action}; an annual license runs until its expiry."
            )
        changes = change(license, now)
        tx = Transaction()
        license_repo.add_edit(tx, license, changes, now=now, actor=actor, action=action)
        if not tx.commit(license_repo.LICENSE):
            for name, value in changes.items():
                setattr(license, name, value)
            return license
    raise VersionConflict("The license is changing too often; retry.")
