"""Licenses: `PK=LICENSE#<key>`, `SK=LICENSE` (a lookup is one GetItem); their history in the same
partition under `SK=HISTORY#<at>#<id>`; a partner's licenses on GSI1."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from licensing.clock import iso
from licensing.ids import ulid
from licensing.repositories.table import HistoryItem, LicenseItem, set_or_remove
from licensing.repositories.transactions import Transaction, chunks

SK = "LICENSE"
BATCH_GET_LIMIT = 100


def pk(key: str) -> str:
    return f"LICENSE#{key}"


def get(key: str, *, consistent: bool = False) -> LicenseItem | None:
    try:
        return LicenseItem.get(pk(key), SK, consistent_read=consistent)
    except DoesNotExist:
        return None


def get_many(keys: list[str]) -> list[LicenseItem]:
    """BatchGetItem in pages of 100 (PynamoDB retries unprocessed keys)."""
    found: list[LicenseItem] = []
    for page in chunks(keys, BATCH_GET_LIMIT):
        found.extend(LicenseItem.batch_get([(pk(key), SK) for key in page], consistent_read=True))
    return found


def new_license(
    key: str,
    *,
    product: str,
    devices: int,
    term_months: int,
    partner_id: str,
    order_id: str,
    purchased_at: datetime,
    activation_deadline: datetime,
    customer_ref: str | None,
) -> LicenseItem:
    return LicenseItem(
        pk(key),
        SK,
        key=key,
        product=product,
        devices=devices,
        term_months=term_months,
        partner_id=partner_id,
        order_id=order_id,
        purchased_at=purchased_at,
        activation_deadline=activation_deadline,
        customer_ref=customer_ref,
        GSI1PK=f"PARTNER#{partner_id}#LICENSES",
        GSI1SK=f"{iso(purchased_at)}#{key}",
    )


def history_entry(key: str, *, at: datetime, actor: str, action: str, changes: dict[str, Any]) -> HistoryItem:
    return HistoryItem(
        pk(key), f"HISTORY#{iso(at)}#{ulid()}", at=at, actor=actor, action=action, changes=changes
    )


def add_issue(tx: Transaction, license: LicenseItem) -> None:
    """Create a license; a key that already exists fails this item (label = the key)."""
    tx.put(license, condition=LicenseItem.PK.does_not_exist(), label=license.key)


def add_activation(
    tx: Transaction,
    license: LicenseItem,
    *,
    workspace_id: str,
    now: datetime,
    expires_at: datetime,
    actor: str,
) -> None:
    """Activate an unused, unexpired coupon for a workspace, with its history entry, only if nobody
    activated, revoked or redeemed it meanwhile."""
    tx.update(
        license,
        [
            LicenseItem.activated_at.set(now),
            LicenseItem.expires_at.set(expires_at),
            LicenseItem.workspace_id.set(workspace_id),
        ],
        condition=(
            LicenseItem.activated_at.does_not_exist()
            & LicenseItem.revoked_at.does_not_exist()
            & LicenseItem.redeemed_at.does_not_exist()
            & (LicenseItem.activation_deadline > now)
        ),
        label="license",
    )
    tx.put(
        history_entry(
            license.key,
            at=now,
            actor=actor,
            action="activated",
            changes={
                "status": {"from": "unused", "to": "active"},
                "workspace_id": {"from": None, "to": workspace_id},
                "expires_at": {"from": None, "to": iso(expires_at)},
            },
        ),
        label="history",
    )


def add_revocation(tx: Transaction, license: LicenseItem, *, now: datetime, actor: str, reason: str) -> None:
    """Revoke a key that is still unused (an activated key keeps working)."""
    tx.update(
        license,
        [LicenseItem.revoked_at.set(now)],
        condition=(
            LicenseItem.activated_at.does_not_exist()
            & LicenseItem.revoked_at.does_not_exist()
            & LicenseItem.redeemed_at.does_not_exist()
        ),
        label=license.key,
        versioned=False,
    )
    tx.put(
        history_entry(
            license.key,
            at=now,
            actor=actor,
            action="revoked",
            changes={"status": {"from": "unused", "to": "revoked"}, "reason": {"from": None, "to": reason}},
        ),
        label=f"history:{license.key}",
    )


def add_edit(
    tx: Transaction, license: LicenseItem, changes: dict[str, Any], *, now: datetime, actor: str
) -> None:
    """Set (or, for None, remove) partner-editable fields if the version is still the one read."""
    tx.update(
        license, set_or_remove(LicenseItem, changes), condition=LicenseItem.PK.exists(), label="license"
    )
    diff = {name: {"from": getattr(license, name), "to": value} for name, value in changes.items()}
    tx.put(history_entry(license.key, at=now, actor=actor, action="edited", changes=diff), label="history")


def add_claim(tx: Transaction, license: LicenseItem, *, partner_id: str, now: datetime) -> None:
    """Give an unowned key to a partner (it then appears in the partner's lists)."""
    tx.update(
        license,
        [
            LicenseItem.partner_id.set(partner_id),
            LicenseItem.GSI1PK.set(f"PARTNER#{partner_id}#LICENSES"),
            LicenseItem.GSI1SK.set(f"{iso(license.purchased_at)}#{license.key}"),
        ],
        condition=LicenseItem.partner_id.does_not_exist(),
        label="license",
    )
    claimed = history_entry(
        license.key,
        at=now,
        actor=f"partner:{partner_id}",
        action="claimed",
        changes={"partner_id": {"from": None, "to": partner_id}},
    )
    tx.put(claimed, label="history")


def history_page(
    key: str, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[HistoryItem], dict[str, Any] | None]:
    """One page of a license's history, newest first, and the key to resume from (None at the end)."""
    results = HistoryItem.query(
        pk(key),
        HistoryItem.SK.startswith("HISTORY#"),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start,
        page_size=limit,
    )
    items = list(results)
    return items, results.last_evaluated_key


def unused(licenses: Iterable[LicenseItem]) -> list[LicenseItem]:
    return [
        lic
        for lic in licenses
        if lic.activated_at is None and lic.revoked_at is None and lic.redeemed_at is None
    ]
