"""Licenses: `PK=LICENSE#<key>`, `SK=LICENSE` (a lookup is one GetItem); their history in the same
partition under `SK=HISTORY#<at>#<id>`; a partner's licenses on GSI2 (keys and a compact `row`), the
coupons renew-with-coupon may pick on GSI3, and when the sweeper next looks at a license on GSI4.

Every write also sets what the license derives for those indexes (`licensing.licenses.index`), computed
from the license as it will be after the change, in the same update, so no index ever disagrees with the
item. The `add_*` functions add a write to a transaction under one of the labels below.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from licensing.core.actors import Actor
from licensing.core.clock import iso
from licensing.core.ids import ulid
from licensing.licenses import index
from licensing.licenses.monthly import billing_keys
from licensing.partners import repository as partner_repo
from licensing.store.table import BaseItem, HistoryItem, LicenseItem, PartnerItem, set_or_remove
from licensing.store.transactions import Transaction, chunks

SK = "LICENSE"
BATCH_GET_LIMIT = 100
AFTER_EVERY_KEY = "~"  # sorts after every key character, so a position never matches a coupon's own
# labels of the items these functions add to a transaction (an issued or revoked license: its key)
LICENSE = "license"  # the license, whose condition is that it is still as read
HISTORY = "history"
COUPON = "coupon"  # a coupon being redeemed
COUPON_HISTORY = "coupon-history"


def pk(key: str) -> str:
    return f"LICENSE#{key}"


def partner_partition(partner_id: str) -> str:
    return f"PARTNER#{partner_id}#LICENSES"


# ---------------------------------------------------------------- reads


def get(key: str, *, consistent: bool = False) -> LicenseItem | None:
    try:
        return LicenseItem.get(pk(key), SK, consistent_read=consistent)
    except DoesNotExist:
        return None


def get_with_partner(
    key: str, partner_id: str, *, consistent: bool = False
) -> tuple[LicenseItem | None, PartnerItem | None]:
    """A license and a partner (its prices) with one BatchGetItem."""
    wanted = [(pk(key), SK), (partner_repo.pk(partner_id), partner_repo.SK)]
    found = list(BaseItem.batch_get(wanted, consistent_read=consistent))
    license = next((item for item in found if isinstance(item, LicenseItem)), None)
    partner = next((item for item in found if isinstance(item, PartnerItem)), None)
    return license, partner


def get_many(keys: list[str]) -> list[LicenseItem]:
    """BatchGetItem in pages of 100 (PynamoDB retries unprocessed keys)."""
    found: list[LicenseItem] = []
    for page in chunks(keys, BATCH_GET_LIMIT):
        found.extend(LicenseItem.batch_get([(pk(key), SK) for key in page], consistent_read=True))
    return found


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
        "GSI2SK": {"S": _listed_at(license)},
    }


def soonest_coupon(
    partner_id: str, product: str, devices: int, *, now: datetime, after: LicenseItem | None = None
) -> LicenseItem | None:
    """The partner's pickable coupon with the soonest activation deadline still ahead of `now` (and after
    `after`, one that was just lost to a concurrent request): one Query of GSI3 reading one entry."""
    floor = f"{iso(now)}#{AFTER_EVERY_KEY}"
    if after is not None:
        floor = max(floor, f"{iso(after.activation_deadline)}#{after.key}")
    results = LicenseItem.partner_coupons.query(
        index.coupon_partition(partner_id, product, devices),
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


# ---------------------------------------------------------------- the derived index attributes


def from_row(item: LicenseItem) -> LicenseItem:
    """A license as its index entry describes it. A write based on it must be conditional on its version
    and must first copy any other attribute the write derives from (`sweep_term`)."""
    fields = index.fields_of(item.row)
    return LicenseItem(item.PK, item.SK, key=item.PK.removeprefix("LICENSE#"), **fields)


def initial(license: LicenseItem, now: datetime) -> LicenseItem:
    """Set the derived attributes of a license about to be created."""
    values = _values(license) | {"version": 1}
    license.row = index.row_of(values)
    license.GSI3PK, license.GSI3SK = index.coupon_keys(values) or (None, None)
    license.GSI5PK, license.GSI5SK = billing_keys(values) or (None, None)
    for name, value in (index.schedule(values, now) or {}).items():
        setattr(license, name, value)
    return license


def after_change(license: LicenseItem, now: datetime, **changes: Any) -> list[Action]:
    """SET (or REMOVE) the derived attributes to what they will be once `changes` (and the version
    increment) are applied to `license`, which must be the item as last read."""
    values = _values(license) | changes | {"version": int(license.version or 0) + 1}
    keys = index.coupon_keys(values)
    coupon: list[Action] = (
        [LicenseItem.GSI3PK.set(keys[0]), LicenseItem.GSI3SK.set(keys[1])]
        if keys
        else [LicenseItem.GSI3PK.remove(), LicenseItem.GSI3SK.remove()]
    )
    billed = billing_keys(values)
    billing: list[Action] = (
        [LicenseItem.GSI5PK.set(billed[0]), LicenseItem.GSI5SK.set(billed[1])]
        if billed
        else [LicenseItem.GSI5PK.remove(), LicenseItem.GSI5SK.remove()]
    )
    schedule = set_or_remove(LicenseItem, index.schedule(values, now) or {})
    return [LicenseItem.row.set(index.row_of(values)), *coupon, *billing, *schedule]


def _values(license: LicenseItem) -> dict[str, Any]:
    return {name: getattr(license, name) for name in {*index.ROW_FIELDS, *index.COUPON_FIELDS, "sweep_term"}}


# ---------------------------------------------------------------- writes


def new_license(
    key: str,
    *,
    product: str,
    devices: int,
    term_months: int,
    partner_id: str | None,
    order_id: str | None,
    purchased_at: datetime,
    activation_deadline: datetime,
    customer_ref: str | None,
    now: datetime,
    plan: str | None = None,
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
        plan=plan,
    )
    return listed_under(license, partner_id, now) if partner_id else initial(license, now)


def listed_under(license: LicenseItem, partner_id: str, now: datetime) -> LicenseItem:
    """Give a new license (built here, or by tooling that set more fields) its GSI2 keys and the derived
    index attributes; an existing license changes owner through add_claim."""
    license.GSI2PK, license.GSI2SK = partner_partition(partner_id), _listed_at(license)
    return initial(license, now)


def _listed_at(license: LicenseItem) -> str:
    return f"{iso(license.purchased_at)}#{license.key}"


def history_entry(
    key: str, *, at: datetime, actor: Actor, action: str, changes: dict[str, Any]
) -> HistoryItem:
    return HistoryItem(
        pk(key), f"HISTORY#{iso(at)}#{ulid()}", at=at, actor=actor, action=action, changes=changes
    )


def add_issues(tx: Transaction, licenses: Iterable[LicenseItem]) -> None:
    """Create licenses; a key that already exists fails its item (label = the key)."""
    for license in licenses:
        tx.put(license, condition=LicenseItem.PK.does_not_exist(), label=license.key)


def open_coupon(now: datetime) -> Condition:
    """The condition that the license is still an unused coupon whose activation window is open."""
    condition: Condition = (
        LicenseItem.activated_at.does_not_exist()
        & LicenseItem.revoked_at.does_not_exist()
        & LicenseItem.redeemed_at.does_not_exist()
        & (LicenseItem.activation_deadline > now)
    )
    return condition


def add_activation(
    tx: Transaction,
    license: LicenseItem,
    *,
    workspace_id: str,
    now: datetime,
    expires_at: datetime | None,
    actor: Actor,
    usage: list[Any] | None = None,
) -> None:
    """Activate an unused, unexpired coupon for a workspace, with its history entry, only if nobody
    activated, revoked or redeemed it meanwhile (a monthly license: no expiry, its first usage period)."""
    changes = {"activated_at": now, "expires_at": expires_at, "workspace_id": workspace_id, "usage": usage}
    tx.update(
        license,
        [*set_or_remove(LicenseItem, changes), *after_change(license, now, **changes)],
        condition=open_coupon(now),
        label=LICENSE,
    )
    diff = {
        "status": {"from": "unused", "to": "active"},
        "workspace_id": {"from": None, "to": workspace_id},
        "expires_at": {"from": None, "to": iso(expires_at) if expires_at else None},
    }
    tx.put(history_entry(license.key, at=now, actor=actor, action="activated", changes=diff), label=HISTORY)


def add_revocation(
    tx: Transaction, license: LicenseItem, *, now: datetime, actor: Actor, reason: str
) -> None:
    """Revoke a key that is still unused (an activated key keeps working); label = the key."""
    tx.update(
        license,
        [LicenseItem.revoked_at.set(now), *after_change(license, now, revoked_at=now)],
        condition=(
            LicenseItem.activated_at.does_not_exist()
            & LicenseItem.revoked_at.does_not_exist()
            & LicenseItem.redeemed_at.does_not_exist()
        ),
        label=license.key,
        versioned=False,
    )
    diff = {"status": {"from": "unused", "to": "revoked"}, "reason": {"from": None, "to": reason}}
    entry = history_entry(license.key, at=now, actor=actor, action="revoked", changes=diff)
    tx.put(entry, label=f"{HISTORY}:{license.key}")


def add_edit(
    tx: Transaction,
    license: LicenseItem,
    changes: dict[str, Any],
    *,
    now: datetime,
    actor: Actor,
    action: str = "edited",
) -> None:
    """Set (or, for None, remove) fields if the version is still the one read, with a history entry
    naming `action` and each field's change (a monthly license's usage periods are not repeated there)."""
    actions = [*set_or_remove(LicenseItem, changes), *after_change(license, now, **changes)]
    tx.update(license, actions, condition=LicenseItem.PK.exists(), label=LICENSE)
    diff = {
        name: {"from": _shown(getattr(license, name)), "to": _shown(value)}
        for name, value in changes.items()
        if name != "usage"
    }
    tx.put(history_entry(license.key, at=now, actor=actor, action=action, changes=diff), label=HISTORY)


def _shown(value: Any) -> Any:
    return iso(value) if isinstance(value, datetime) else value


def add_renewal(
    tx: Transaction,
    license: LicenseItem,
    *,
    expires_at: datetime,
    now: datetime,
    actor: Actor,
    via: dict[str, str],
    product: str | None = None,
) -> None:
    """Move an activated license's expiry (and, for a migration, its edition) if it is still as read;
    `via` names what paid for it (`renewal_order_id` or `coupon_key`) in the history entry."""
    changes: dict[str, Any] = {"expires_at": expires_at, "renewed_at": now}
    if product and product != license.product:
        changes["product"] = product
    tx.update(
        license,
        [*set_or_remove(LicenseItem, changes), *after_change(license, now, **changes)],
        condition=LicenseItem.activated_at.exists() & LicenseItem.revoked_at.does_not_exist(),
        label=LICENSE,
    )
    diff: dict[str, Any] = {
        "expires_at": {"from": iso(license.expires_at) if license.expires_at else None, "to": iso(expires_at)}
    }
    if "product" in changes:
        diff["product"] = {"from": license.product, "to": product}
    diff.update({name: {"from": None, "to": value} for name, value in via.items()})
    entry = history_entry(license.key, at=now, actor=actor, action="renewed", changes=diff)
    tx.put(entry, label=HISTORY)


def add_redemption(
    tx: Transaction, coupon: LicenseItem, *, license_key: str, now: datetime, actor: Actor
) -> None:
    """Redeem an unused coupon of the partner for `license_key` if it is still as read and still open."""
    changes = {"redeemed_at": now, "redeemed_for": license_key}
    tx.update(
        coupon,
        [*set_or_remove(LicenseItem, changes), *after_change(coupon, now, **changes)],
        condition=LicenseItem.partner_id.exists() & open_coupon(now),
        label=COUPON,
    )
    diff = {"status": {"from": "unused", "to": "redeemed"}, "redeemed_for": {"from": None, "to": license_key}}
    entry = history_entry(coupon.key, at=now, actor=actor, action="redeemed", changes=diff)
    tx.put(entry, label=COUPON_HISTORY)


def add_claim(tx: Transaction, license: LicenseItem, *, partner_id: str, now: datetime, actor: Actor) -> None:
    """Give an unowned key to a partner (it then appears in the partner's lists)."""
    tx.update(
        license,
        [
            LicenseItem.partner_id.set(partner_id),
            LicenseItem.GSI2PK.set(partner_partition(partner_id)),
            LicenseItem.GSI2SK.set(_listed_at(license)),
            *after_change(license, now, partner_id=partner_id),
        ],
        condition=LicenseItem.partner_id.does_not_exist(),
        label=LICENSE,
    )
    diff = {"partner_id": {"from": None, "to": partner_id}}
    entry = history_entry(license.key, at=now, actor=actor, action="claimed", changes=diff)
    tx.put(entry, label=HISTORY)
