"""What the sweeper owes a license or a coupon at a given moment: pure rules, no AWS.

A license's term is its expiry: renewal reminders at the partner's thresholds, the end-customer notice
three days before, and the expiry itself. A coupon's term is its activation deadline: warnings 30 and 7
days before, and the lapse. Each is done at most once per term (`done` holds the markers). After missed
runs only the nearest reminder or warning still ahead is sent (the older ones are marked done unsent),
while every transition is still recorded.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from licensing.partners.reminders import COUPON_WARNING_DAYS, END_CUSTOMER_NOTICE_DAYS

REMINDER, NOTICE, EXPIRED = "reminder", "end_customer_notice", "expired"
WARNING, LAPSED = "coupon_warning", "lapsed"


class Owed(NamedTuple):
    kind: str  # REMINDER, NOTICE, EXPIRED, WARNING or LAPSED
    days: int = 0  # the threshold of a reminder or a warning

    @property
    def marker(self) -> str:
        return f"{self.kind}:{self.days}" if self.kind in (REMINDER, WARNING) else self.kind


class Visit(NamedTuple):
    send: list[Owed]  # notices and transitions to emit now
    done: list[str]  # every marker done for this term after the visit (sent or skipped as stale)
    next_due: datetime | None  # None: nothing more to do for this term


class _Point(NamedTuple):
    at: datetime
    owed: Owed


def visit(
    *, activated: bool, term: datetime, done: list[str], reminder_days: tuple[int, ...], now: datetime
) -> Visit:
    """What to send now for one term, the markers after it, and when to look next."""
    points = _license_points(term, reminder_days) if activated else _coupon_points(term)
    pending = [p for p in points if p.owed.marker not in done]
    reached = [p for p in pending if p.at <= now]
    ahead = now < term
    send: list[Owed] = []
    early = [p for p in reached if p.owed.kind in (REMINDER, WARNING)]
    if early and ahead:
        send.append(max(early, key=lambda p: p.at).owed)  # the nearest one; older ones are stale
    send += [p.owed for p in reached if p.owed.kind == NOTICE and ahead]
    send += [p.owed for p in reached if p.owed.kind in (EXPIRED, LAPSED)]
    later = [p.at for p in pending if p.at > now]
    return Visit(
        send=send,
        done=[*done, *(p.owed.marker for p in reached)],
        next_due=min(later) if later else None,
    )


def _license_points(expires_at: datetime, reminder_days: tuple[int, ...]) -> list[_Point]:
    points = [_Point(expires_at - timedelta(days=days), Owed(REMINDER, days)) for days in reminder_days]
    points.append(_Point(expires_at - timedelta(days=END_CUSTOMER_NOTICE_DAYS), Owed(NOTICE)))
    points.append(_Point(expires_at, Owed(EXPIRED)))
    return points


def _coupon_points(deadline: datetime) -> list[_Point]:
    points = [_Point(deadline - timedelta(days=days), Owed(WARNING, days)) for days in COUPON_WARNING_DAYS]
    points.append(_Point(deadline, Owed(LAPSED)))
    return points
