"""The monthly billing run: on the 1st, one statement per monthly partner with usage, for the previous
UTC month of "now" (the scheduled event's `time`, so a run can be replayed or simulated).

It reads the monthly partners from GSI5, and for each one its monthly licenses that may have been
billable in the month (GSI5 again: the reads grow with the monthly licenses, not the table). A partner
with usage gets one `monthly_statement` order, written in one transaction with a claim on the partner's
month that must not exist yet: a rerun, a resumed run or a concurrent run writes nothing new. The
checkpoint (the last partner done, in GSI5 order) moves every few partners and when the run stops
before Lambda's time runs out (`complete: false`), so the next invocation continues where it stopped;
a crash only repeats the reads since the last checkpoint. A statement's event is written to the outbox
in the statement's own transaction, so a statement is never issued unannounced, nor announced twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from licensing.billing import repository
from licensing.billing.repository import CLAIM, ORDER, MonthlyPartner
from licensing.billing.statements import statement_id, statement_order
from licensing.billing.usage import Month, Statement, statement
from licensing.catalog.catalog import load_catalog
from licensing.contracts.billing import MonthlyStatementIssued
from licensing.core.clock import iso
from licensing.core.money import Money
from licensing.infra.observability import logger
from licensing.store.transactions import Transaction

CHECKPOINT_EVERY = 10  # partners between two checkpoint writes


@dataclass
class Summary:
    now: str
    month: str
    complete: bool = True
    partners: int = 0  # monthly partners visited by this run
    statements: int = 0  # written by this run
    already_issued: int = 0  # found claimed (an earlier or a concurrent run wrote them)
    without_usage: int = 0
    totals: Counter[str] = field(default_factory=Counter)  # of the statements written, per currency

    def as_json(self) -> dict[str, Any]:
        return {
            "now": self.now,
            "month": self.month,
            "complete": self.complete,
            "partners": self.partners,
            "statements": self.statements,
            "already_issued": self.already_issued,
            "without_usage": self.without_usage,
            "totals": [
                {"amount": amount, "currency": currency} for currency, amount in sorted(self.totals.items())
            ],
        }


def run(now: datetime, *, out_of_time: Callable[[], bool] = lambda: False) -> Summary:
    """Bill the month before `now`'s; stops cleanly after a checkpoint when `out_of_time()` says so."""
    month = Month.of(now).previous()
    summary = Summary(iso(now), month.label)
    state = repository.checkpoint(month.label)
    if state is not None and state.completed_at is not None:
        logger.info("Billing run: the month is already billed", extra=summary.as_json())
        return summary
    last = state.last_partner if state is not None else None
    unsaved = 0
    for partner in repository.monthly_partners(after=last):
        if out_of_time():
            summary.complete = False
            break
        _bill(partner, month, now, summary)
        last, unsaved = partner.id, unsaved + 1
        if unsaved >= CHECKPOINT_EVERY:
            repository.save_checkpoint(month.label, last_partner=last, now=now, done=False)
            unsaved = 0
    if unsaved or summary.complete:
        repository.save_checkpoint(month.label, last_partner=last, now=now, done=summary.complete)
    logger.info("Billing run finished", extra=summary.as_json())
    return summary


def _bill(partner: MonthlyPartner, month: Month, now: datetime, summary: Summary) -> None:
    """One partner's statement, unless it has none or an earlier run wrote it."""
    summary.partners += 1
    catalog = load_catalog()
    found = statement(
        month, repository.billable(partner.id, month),
        currency=partner.currency, discount_percent=partner.discount_percent, catalog=catalog,
    )  # fmt: skip
    if not found.lines:
        summary.without_usage += 1
        return
    order = statement_order(partner.id, month, found, catalog_version=catalog.version, now=now)
    tx = Transaction().emit(issued(partner.id, month, found))
    repository.add_statement(tx, order, now)
    if tx.commit(CLAIM, ORDER):
        summary.already_issued += 1
        return
    summary.statements += 1
    summary.totals[found.currency] += found.total


def issued(partner_id: str, month: Month, found: Statement) -> MonthlyStatementIssued:
    return MonthlyStatementIssued(
        event_id=f"statement:{partner_id}:{month.label}",
        partner_id=partner_id,
        order_id=statement_id(partner_id, month),
        month=month.label,
        lines=len(found.lines),
        device_days=sum(line.device_days for line in found.lines),
        minimum_applied=found.minimum_applied,
        total=Money(found.total, found.currency),
    )
