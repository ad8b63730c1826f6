"""The sweeper: renewal reminders, end-customer notices, coupon deadline warnings, expiry and lapse.

A run takes "now" from its scheduled event, so it can be replayed for any moment. It reads only what is
due: the GSI4 buckets from its checkpoint up to now. Each license it visits is updated in one
transaction with the events it owes (written to the table's outbox, which the stream delivers) and its
digest lines; at the end the lines become digests (one per partner, coupon warnings per partner and
threshold). A run that stops half-way (a crash, or its time budget) leaves its digest lines and its
checkpoint where the work stopped, so the next run finishes: nothing twice, nothing skipped. A lock keeps
two runs from working at once. A run at a moment before the checkpoint (a replay of the past) visits
nothing and says so: that window was swept already.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from licensing.core.clock import iso, parse_iso
from licensing.infra.observability import logger
from licensing.licenses import repository as license_repo
from licensing.licenses.index import DUE_SHARDS
from licensing.licenses.keys import masked
from licensing.partners import repository as partner_repo
from licensing.partners.reminders import reminder_days
from licensing.store.table import LicenseItem, SweepNoticeItem
from licensing.store.transactions import Transaction
from licensing.sweeper import notices, repository, rules

FIRST_LOOKBACK_DAYS = 100  # a first run (no checkpoint) looks this far back: past any first look
LOCK_SECONDS = 15 * 60  # a Lambda never runs longer; a crashed run's lock frees itself after this
ATTEMPTS = 3


@dataclass
class Summary:
    now: str
    complete: bool = True
    skipped: str | None = None  # why nothing was done (another run holds the lock, or "now" is in the past)
    visited: int = 0
    published: Counter[str] = field(default_factory=Counter)  # events written to the outbox, by detail-type
    lines: list[SweepNoticeItem] = field(default_factory=list)  # this run's digest lines

    def as_json(self) -> dict[str, Any]:
        return {
            "now": self.now,
            "complete": self.complete,
            "skipped": self.skipped,
            "visited": self.visited,
            "published": dict(sorted(self.published.items())),
        }


def run(
    now: datetime, *, out_of_time: Callable[[], bool] = lambda: False, run_id: str | None = None
) -> Summary:
    """One sweep at `now`; stops cleanly after a checkpoint when `out_of_time()` says so."""
    summary = Summary(iso(now))
    run_id = run_id or f"sweep-{time.time_ns()}"
    state = repository.acquire(run_id, wall_now=time.time(), lease_seconds=LOCK_SECONDS, now=now)
    if state is None:
        summary.complete, summary.skipped = False, "another sweeper run is in progress"
        return summary
    swept_until: str | None = None
    try:
        if state.swept_until and now.date().isoformat() < state.swept_until:
            summary.skipped = (
                f"{iso(now)} is before the sweeper's checkpoint ({state.swept_until}): that window was "
                "swept already, so nothing was visited"
            )
            return summary
        summary.lines += repository.waiting_lines()  # what a run that stopped half-way left
        swept_until = _sweep(_days(state.swept_until, now), now, out_of_time, summary)
        summary.published += notices.announce(summary.lines, now)
    finally:
        repository.release(run_id, swept_until=swept_until)
    summary.complete = summary.complete and swept_until == now.date().isoformat()
    summary.lines.clear()
    logger.info("Sweep finished", extra=summary.as_json())
    return summary


def _days(checkpoint: str | None, now: datetime) -> list[str]:
    """The day buckets from the checkpoint (the lock's update returned it) to today."""
    start = checkpoint or (now.date() - timedelta(days=FIRST_LOOKBACK_DAYS)).isoformat()
    first, last = date.fromisoformat(start), now.date()
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def _sweep(days: list[str], now: datetime, out_of_time: Callable[[], bool], summary: Summary) -> str:
    """Visit every due license, bucket by bucket; returns the day to start from next time: today, or the
    first bucket still holding a license this run could not finish (it stays due there)."""
    thresholds = _Thresholds()
    unfinished: str | None = None
    for day in days:
        for shard in range(DUE_SHARDS):
            for license in repository.due(day, shard, now):
                if out_of_time():
                    summary.complete = False
                    return unfinished or day  # this bucket is not finished: the next run starts here
                if not _visit(license, thresholds, now, summary):
                    summary.complete = False
                    unfinished = unfinished or day
                summary.visited += 1
    return unfinished or now.date().isoformat()


class _Thresholds:
    """Each partner's reminder thresholds, read once per run."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[int, ...]] = {}

    def of(self, partner_id: str) -> tuple[int, ...]:
        if partner_id not in self._known:
            self._known[partner_id] = reminder_days(partner_repo.get(partner_id).reminder_days)
        return self._known[partner_id]


def _visit(license: LicenseItem, thresholds: _Thresholds, now: datetime, summary: Summary) -> bool:
    """Record what is owed now in one transaction with its notices; a license that changed since it was
    read (a renewal, an edit) is read again, and left alone if it is no longer due. False when it kept
    changing: it stays due, and the checkpoint stays at its bucket for the next run."""
    for _ in range(ATTEMPTS):
        if not license.sweep_term or license.due_at is None or license.due_at > now or not license.partner_id:
            return True
        kind, _, when = license.sweep_term.partition(":")
        term, activated = parse_iso(when), kind == "license"
        owed = rules.visit(
            activated=activated,
            term=term,
            done=list(license.sweep_done or []),
            reminder_days=thresholds.of(license.partner_id) if activated else (),
            now=now,
        )
        tx = Transaction()
        repository.add_visit(tx, license, done=owed.done, next_due=owed.next_due, now=now)
        lines = [notices.add(tx, license, item, term, now) for item in owed.send]
        if not tx.commit(license_repo.LICENSE):
            summary.lines += [line for line in lines if line is not None]
            summary.published.update(
                notices.EVENTS[item.kind].__name__ for item in owed.send if item.kind in notices.EVENTS
            )
            return True
        fresh = license_repo.get(license.key, consistent=True)
        if fresh is None:
            return True
        license = fresh
    logger.warning(
        "License kept changing during the sweep; the next run retries", extra={"key": masked(license.key)}
    )
    return False
