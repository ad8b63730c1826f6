"""The sweeper: renewal reminders, end-customer notices, coupon deadline warnings, expiry and lapse.

A run takes "now" from its scheduled event, so it can be replayed for any moment. It reads only what is
due: the GSI4 buckets from its checkpoint up to now. Each license it visits is updated in one
transaction with the notices it owes, which go to an outbox; the notices are then published (a digest
per partner, coupon warnings grouped per partner) and deleted. A run that stops half-way (a crash, or its
time budget) leaves its notices in the outbox and its checkpoint where the work stopped, so the next run
sends what is left: nothing twice, nothing skipped. A lock keeps two runs from working at once.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from licensing import sweep_rules
from licensing.clock import iso, parse_iso
from licensing.events import DomainEvent, deliver
from licensing.observability import logger
from licensing.reminders import reminder_days
from licensing.repositories import licenses as license_repo
from licensing.repositories import partners as partner_repo
from licensing.repositories import sweeps
from licensing.repositories.license_index import DUE_SHARDS
from licensing.repositories.table import LicenseItem, SweepNoticeItem
from licensing.repositories.transactions import Transaction, TransactionCancelled, retry_on_conflict
from licensing.sweep_rules import EXPIRED, LAPSED, NOTICE, REMINDER, WARNING, Owed

FIRST_LOOKBACK_DAYS = 100  # a first run (no checkpoint) looks this far back: past any first look
LOCK_SECONDS = 15 * 60  # a Lambda never runs longer; a crashed run's lock frees itself after this
ATTEMPTS = 3
GROUP_LIMIT = 200  # licenses per digest or coupon warning event
EVENT_TYPES = {
    REMINDER: "RenewalReminderDue",
    NOTICE: "EndCustomerExpiryNotice",
    EXPIRED: "LicenseExpired",
    LAPSED: "CouponLapsed",
}


@dataclass
class Summary:
    now: str
    complete: bool = True
    skipped: str | None = None  # why nothing was done (another run holds the lock)
    visited: int = 0
    published: Counter[str] = field(default_factory=Counter)  # events by detail-type

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
    state = sweeps.acquire(run_id, wall_now=time.time(), lease_seconds=LOCK_SECONDS, now=now)
    if state is None:
        summary.complete, summary.skipped = False, "another sweeper run is in progress"
        return summary
    swept_until: str | None = None
    try:
        _publish_outbox(now, summary)  # what a run that stopped half-way left
        swept_until = _sweep(_days(state.swept_until, now), now, out_of_time, summary)
        _publish_outbox(now, summary)
    finally:
        sweeps.release(run_id, swept_until=swept_until)
    summary.complete = summary.complete and swept_until == now.date().isoformat()
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
            for license in sweeps.due(day, shard, now):
                if out_of_time():
                    summary.complete = False
                    return unfinished or day  # this bucket is not finished: the next run starts here
                if not _visit(license, thresholds, now):
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
            self._known[partner_id] = reminder_days(partner_repo.get(partner_id))
        return self._known[partner_id]


def _visit(license: LicenseItem, thresholds: _Thresholds, now: datetime) -> bool:
    """Record what is owed now in one transaction with its notices; a license that changed since it was
    read (a renewal, an edit) is read again, and left alone if it is no longer due. False when it kept
    changing: it stays due, and the checkpoint stays at its bucket for the next run."""
    for _ in range(ATTEMPTS):
        if not license.sweep_term or license.due_at is None or license.due_at > now or not license.partner_id:
            return True
        kind, _, when = license.sweep_term.partition(":")
        term, activated = parse_iso(when), kind == "license"
        owed = sweep_rules.visit(
            activated=activated,
            term=term,
            done=list(license.sweep_done or []),
            reminder_days=thresholds.of(license.partner_id) if activated else (),
            now=now,
        )
        tx = Transaction()
        sweeps.add_visit(tx, license, done=owed.done, next_due=owed.next_due)
        for item in owed.send:
            sweeps.add_notice(tx, _notice(license, item, term, now))
        try:
            retry_on_conflict(tx.commit)
            return True
        except TransactionCancelled as cancelled:
            if not cancelled.failed("license"):
                raise
        fresh = license_repo.get(license.key, consistent=True)
        if fresh is None:
            return True
        license = fresh
    logger.warning("License kept changing during the sweep; the next run retries", extra={"key": license.key})
    return False


def _notice(license: LicenseItem, owed: Owed, term: datetime, now: datetime) -> SweepNoticeItem:
    """The notice, with a stable id from what it is about: license, kind, threshold and term."""
    detail: dict[str, Any] = {"partner_id": license.partner_id, "license_key": license.key}
    if owed.kind in (WARNING, LAPSED):
        detail["activation_deadline"] = iso(term)
    else:
        detail["expires_at"] = iso(term)
    if owed.kind in (REMINDER, NOTICE, WARNING):
        detail.update(product=license.product, devices=int(license.devices))
    if owed.kind in (REMINDER, NOTICE, EXPIRED):
        detail["workspace_id"] = license.workspace_id
    if owed.kind in (REMINDER, NOTICE):
        detail["customer_ref"] = license.customer_ref
    if owed.kind == REMINDER:
        detail["threshold_days"] = owed.days
    if owed.kind == NOTICE:
        detail["customer_email"] = _email_in(license.customer_ref)
    return SweepNoticeItem(
        sweeps.OUTBOX_PK, f"{owed.kind}:{license.key}:{owed.days}:{iso(term)}", kind=owed.kind,
        partner_id=str(license.partner_id), days=owed.days, detail=detail, created_at=now,
    )  # fmt: skip


def _email_in(customer_ref: str | None) -> str | None:
    """The end customer's address, when the partner recorded one as the customer reference."""
    if customer_ref and "@" in customer_ref and " " not in customer_ref.strip():
        return customer_ref.strip()
    return None


def _publish_outbox(now: datetime, summary: Summary) -> None:
    """Publish every notice waiting in the outbox, then delete them; a failure keeps them there."""
    notices = sweeps.outbox()
    if not notices:
        return
    events = [_event(notice) for notice in notices if notice.kind in EVENT_TYPES]
    reminders: dict[str, list[SweepNoticeItem]] = defaultdict(list)
    warnings: dict[tuple[str, int], list[SweepNoticeItem]] = defaultdict(list)
    for notice in notices:
        if notice.kind == REMINDER:
            reminders[notice.partner_id].append(notice)
        elif notice.kind == WARNING:
            warnings[(notice.partner_id, int(notice.days))].append(notice)
    for partner_id, group in sorted(reminders.items()):
        events += [_digest(partner_id, part, now) for part in _parts(group, "expires_at")]
    for (partner_id, days), group in sorted(warnings.items()):
        events += [_warning(partner_id, days, part) for part in _parts(group, "activation_deadline")]
    deliver(events)
    sweeps.clear(notices)
    summary.published.update(event.detail_type for event in events)


def _event(notice: SweepNoticeItem) -> DomainEvent:
    return DomainEvent(EVENT_TYPES[notice.kind], event_id=notice.SK, detail=dict(notice.detail))


def _parts(notices: list[SweepNoticeItem], by: str) -> list[list[SweepNoticeItem]]:
    """A group in parts of GROUP_LIMIT, by date then key, so every event stays well inside EventBridge's
    256 KB (a license entry is about 300 bytes)."""
    ordered = sorted(notices, key=lambda n: (n.detail[by], n.detail["license_key"]))
    return [ordered[i : i + GROUP_LIMIT] for i in range(0, len(ordered), GROUP_LIMIT)]


def _group_id(prefix: str, notices: list[SweepNoticeItem]) -> str:
    """A stable id for a group: the same notices always make the same id, so a re-sent group dedupes."""
    digest = hashlib.sha256("|".join(sorted(n.SK for n in notices)).encode()).hexdigest()[:20]
    return f"{prefix}:{digest}"


def _digest(partner_id: str, notices: list[SweepNoticeItem], now: datetime) -> DomainEvent:
    licenses = sorted(
        (
            {name: n.detail[name] for name in ("license_key", "threshold_days", "expires_at", "product",
                                              "devices", "customer_ref", "workspace_id")}
            for n in notices
        ),
        key=lambda entry: (entry["expires_at"], entry["license_key"]),
    )  # fmt: skip
    detail = {
        "partner_id": partner_id,
        "run_at": iso(now),
        "license_keys": [entry["license_key"] for entry in licenses],
        "licenses": licenses,
    }
    return DomainEvent("PartnerRenewalDigest", event_id=_group_id(f"renewal-digest:{partner_id}", notices),
                       detail=detail)  # fmt: skip


def _warning(partner_id: str, days: int, notices: list[SweepNoticeItem]) -> DomainEvent:
    coupons = sorted(
        ({name: n.detail[name] for name in ("license_key", "activation_deadline", "product", "devices")}
         for n in notices),
        key=lambda entry: (entry["activation_deadline"], entry["license_key"]),
    )  # fmt: skip
    detail = {
        "partner_id": partner_id,
        "threshold_days": days,
        "license_keys": [entry["license_key"] for entry in coupons],
        "coupons": coupons,
    }
    event_id = _group_id(f"coupon-warning:{partner_id}:{days}", notices)
    return DomainEvent("CouponDeadlineWarning", event_id=event_id, detail=detail)
