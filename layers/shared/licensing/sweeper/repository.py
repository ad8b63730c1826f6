"""The sweeper's storage: the due index (GSI4), each visit's conditional update, the digest lines waiting
for their digest (`PK=SWEEPER#DIGEST`, `SK=<event id>`) and the checkpoint with its run lock
(`PK=SWEEPER`, `SK=STATE`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from licensing.core.clock import iso
from licensing.licenses.index import due_keys, due_partition
from licensing.licenses.repository import LICENSE, after_change, from_row
from licensing.store.table import LicenseItem, SweepNoticeItem, SweepStateItem
from licensing.store.transactions import Transaction
from licensing.store.transient import condition_failed

STATE_PK, STATE_SK = "SWEEPER", "STATE"
DIGEST_PK = "SWEEPER#DIGEST"
PAGE = 100
AFTER_EVERY_KEY = "~"


def due(day: str, shard: int, now: datetime) -> Iterator[LicenseItem]:
    """Every license of one bucket due at or before `now`, page by page, as its index entry shows it."""
    results = LicenseItem.due_index.query(
        due_partition(day, shard),
        LicenseItem.GSI4SK <= f"{iso(now)}#{AFTER_EVERY_KEY}",  # noqa: SIM300 - an attribute
        page_size=PAGE,
    )
    for entry in results:
        if isinstance(entry, LicenseItem):
            license = from_row(entry)
            license.sweep_term, license.sweep_done, license.due_at = (
                entry.sweep_term,
                entry.sweep_done,
                entry.due_at,
            )
            yield license


def add_visit(
    tx: Transaction, license: LicenseItem, *, done: list[str], next_due: datetime | None, now: datetime
) -> None:
    """Record what a visit did and when to come back, if the license is still as the sweeper read it
    (label LICENSE): the same term, and still due when it was. The due time moves with every visit, so a
    second run that read the license before the first one's visit (a lock whose lease ran out) fails
    here and reads it again, instead of writing the same notice's digest line after the first run's
    digest took it (which left the line for the next run to announce a second time)."""
    actions: list[Action] = [LicenseItem.sweep_done.set(done), *after_change(license, now)]
    if next_due is None:
        actions += [LicenseItem.due_at.remove(), LicenseItem.GSI4PK.remove(), LicenseItem.GSI4SK.remove()]
    else:
        pk, sk = due_keys(license.key, next_due)
        actions += [LicenseItem.due_at.set(next_due), LicenseItem.GSI4PK.set(pk), LicenseItem.GSI4SK.set(sk)]
    still_due = (LicenseItem.sweep_term == license.sweep_term) & (LicenseItem.due_at == license.due_at)
    tx.update(license, actions, condition=still_due, label=LICENSE)


def new_line(
    notice_id: str, *, kind: str, partner_id: str, days: int, detail: dict[str, Any], created_at: datetime
) -> SweepNoticeItem:
    return SweepNoticeItem(
        DIGEST_PK,
        notice_id,
        kind=kind,
        partner_id=partner_id,
        days=days,
        detail=detail,
        created_at=created_at,
    )


def add_line(tx: Transaction, line: SweepNoticeItem) -> None:
    tx.put(line, label=f"line:{line.SK}")


def add_line_deletions(tx: Transaction, lines: list[SweepNoticeItem]) -> None:
    """Delete lines as their digest is written; label = the line's id, failing when another run did."""
    for line in lines:
        tx.delete(line, condition=SweepNoticeItem.SK.exists(), label=line.SK)


def waiting_lines() -> list[SweepNoticeItem]:
    """Lines a run that stopped early left without their digest (usually none: one small Query)."""
    return list(SweepNoticeItem.query(DIGEST_PK, consistent_read=True))


def acquire(run_id: str, *, wall_now: float, lease_seconds: int, now: datetime) -> SweepStateItem | None:
    """Take the run lock (free, held by this run already, or left by a run whose lease ran out); None when
    another run holds it.
    The state returned carries the checkpoint (the update returns the whole item)."""
    state = SweepStateItem(STATE_PK, STATE_SK)
    try:
        state.update(
            actions=[
                SweepStateItem.entity.set(SweepStateItem),  # an update may create the item
                SweepStateItem.lock_owner.set(run_id),
                SweepStateItem.lock_until.set(wall_now + lease_seconds),
                SweepStateItem.updated_at.set(now),
            ],
            # its own run id too: botocore resending the update after its answer was lost
            condition=SweepStateItem.lock_owner.does_not_exist()
            | (SweepStateItem.lock_until < wall_now)
            | (SweepStateItem.lock_owner == run_id),
        )
    except UpdateError as error:
        if condition_failed(error):
            return None
        raise
    return state


def release(run_id: str, *, swept_until: str | None) -> None:
    """Give the lock back, moving the checkpoint when the run finished a stretch of buckets."""
    actions: list[Any] = [SweepStateItem.lock_owner.remove(), SweepStateItem.lock_until.remove()]
    if swept_until:
        actions.append(SweepStateItem.swept_until.set(swept_until))
    try:
        SweepStateItem(STATE_PK, STATE_SK).update(
            actions=actions, condition=SweepStateItem.lock_owner == run_id
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise  # else the lease ran out and another run took over: it owns the checkpoint now
