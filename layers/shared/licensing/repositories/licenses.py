"""Licenses: `PK=LICENSE#<key>`, `SK=LICENSE` (a lookup is one GetItem); their history in the same
partition under `SK=HISTORY#<at>#<id>`; a partner's licenses on GSI2 (keys and a compact `row`).

Every write that changes a listed field also sets `row`, in the same update, so the index never
disagrees with the item."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.update import Action

from licensing.clock import iso
from licensing.ids import ulid
from licensing.repositories.table import HistoryItem, LicenseItem, set_or_remove
from licensing.repositories.transactions import Transaction, chunks

SK = "LICENSE"
BATCH_GET_LIMIT = 100
# What GSI2 projects of a license besides its keys, in this order (dates as Unix seconds): everything a
# list, a search or a grouping shows, in about a hundred bytes.
ROW_FIELDS = (
    "product", "devices", "term_months", "partner_id", "order_id", "purchased_at",
    "activation_deadline", "activated_at", "expires_at", "workspace_id", "customer_ref", "note",
    "revoked_at", "redeemed_at", "version",
)  # fmt: skip
_DATES = {"purchased_at", "activation_deadline", "activated_at", "expires_at", "revoked_at", "redeemed_at"}


def pk(key: str) -> str:
    return f"LICENSE#{key}"


def partner_partition(partner_id: str) -> str:
    return f"PARTNER#{partner_id}#LICENSES"


def row_of(values: dict[str, Any]) -> str:
    """The compact row of a license's listed fields (see ROW_FIELDS)."""
    cells = [
        int(values[name].timestamp()) if name in _DATES and values.get(name) else values.get(name)
        for name in ROW_FIELDS
    ]
    return json.dumps(cells, separators=(",", ":"), ensure_ascii=False)


def from_row(item: LicenseItem) -> LicenseItem:
    """A license as its GSI2 entry describes it (for reading only: it is never saved)."""
    cells = dict(zip(ROW_FIELDS, json.loads(item.row or "[]"), strict=True))
    values: dict[str, Any] = {
        name: datetime.fromtimestamp(value, UTC) if name in _DATES and value is not None else value
        for name, value in cells.items()
    }
    return LicenseItem(item.PK, item.SK, key=item.PK.removeprefix("LICENSE#"), **values)


def _row_after(license: LicenseItem, **changes: Any) -> Action:
    """SET row to what the license will be once `changes` (and the version increment) are applied."""
    values = {name: getattr(license, name) for name in ROW_FIELDS}
    values.update(changes, version=int(license.version or 0) + 1)
    return LicenseItem.row.set(row_of(values))


def partner_licenses(
    partner_id: str, *, page_size: int, start: dict[str, Any] | None = None
) -> Iterator[LicenseItem]:
    """All the partner's licenses from GSI2, oldest purchase first, fetched page by page as iterated."""
    results = LicenseItem.partner_licenses.query(
        partner_partition(partner_id), last_evaluated_key=start, page_size=page_size
    )
    for item in results:
        if isinstance(item, LicenseItem):
            yield from_row(item)


def partner_licenses_page(
    partner_id: str, *, newest_first: bool, size: int, start: dict[str, Any] | None
) -> tuple[list[LicenseItem], dict[str, Any] | None]:
    """One Query of GSI2: up to `size` licenses by purchase, and where the next page starts."""
    results = LicenseItem.partner_licenses.query(
        partner_partition(partner_id),
        scan_index_forward=not newest_first,
        last_evaluated_key=start,
        limit=size,
        page_size=size,
    )
    items = [from_row(item) for item in results if isinstance(item, LicenseItem)]
    return items, results.last_evaluated_key


def index_key(license: LicenseItem) -> dict[str, Any]:
    """The GSI2 position of a license, to resume a page right after it."""
    return {
        "PK": {"S": pk(license.key)},
        "SK": {"S": SK},
        "GSI2PK": {"S": partner_partition(str(license.partner_id))},
        "GSI2SK": {"S": f"{iso(license.purchased_at)}#{license.key}"},
    }


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
    license = LicenseItem(
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
    )
    return listed_under(license, partner_id) if partner_id else license


def listed_under(license: LicenseItem, partner_id: str) -> LicenseItem:
    """Give a new license its GSI2 keys and row (an existing one changes them through add_claim)."""
    license.GSI2PK, license.GSI2SK = (
        partner_partition(partner_id),
        f"{iso(license.purchased_at)}#{license.key}",
    )
    license.row = row_of({name: getattr(license, name) for name in ROW_FIELDS} | {"version": 1})
    return license


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
            _row_after(license, activated_at=now, expires_at=expires_at, workspace_id=workspace_id),
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
        [LicenseItem.revoked_at.set(now), _row_after(license, revoked_at=now)],
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
    actions = [*set_or_remove(LicenseItem, changes), _row_after(license, **changes)]
    tx.update(license, actions, condition=LicenseItem.PK.exists(), label="license")
    diff = {name: {"from": getattr(license, name), "to": value} for name, value in changes.items()}
    tx.put(history_entry(license.key, at=now, actor=actor, action="edited", changes=diff), label="history")


def add_claim(tx: Transaction, license: LicenseItem, *, partner_id: str, now: datetime) -> None:
    """Give an unowned key to a partner (it then appears in the partner's lists)."""
    tx.update(
        license,
        [
            LicenseItem.partner_id.set(partner_id),
            LicenseItem.GSI2PK.set(partner_partition(partner_id)),
            LicenseItem.GSI2SK.set(f"{iso(license.purchased_at)}#{license.key}"),
            _row_after(license, partner_id=partner_id),
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
