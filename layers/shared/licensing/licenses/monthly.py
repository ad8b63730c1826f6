"""A monthly plan's license (pure rules, no AWS): once activated it runs month to month with no expiry
until cancelled, and what it is billed for is kept on the license as usage periods.

A period is `[start, end, devices]` in Unix seconds, `end` None while it is open. Activation and
reinstatement open one; a device change closes the open period and opens the next at the new count,
at the same second; a suspension closes it; a cancellation closes it at the end of the UTC day it was
cancelled on (the license is billable, and valid, until then). `licensing.billing` turns the periods
into device-days; GSI5 (`billing_keys`) lists each partner's activated monthly licenses for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

MONTHLY = "monthly"
MONTHLY_TERM_MONTHS = 1  # what `term_months` says of a license that runs month to month
NO_END = "9999-12-31"  # GSI5's sort key of a license that has not been cancelled
MONTHLY_PARTNERS = "MONTHLY_PARTNERS"

Period = list[Any]  # [start: int, end: int | None, devices: int]


def seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def moment(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def end_of_day(now: datetime) -> datetime:
    """The next UTC midnight: a cancellation takes effect then."""
    start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return start + timedelta(days=1)


def opened(periods: Sequence[Period] | None, now: datetime, devices: int) -> list[Period]:
    """The periods with a new one opening now (activation, reinstatement)."""
    return [*closed(periods, now), [seconds(now), None, int(devices)]]


def closed(periods: Sequence[Period] | None, at: datetime) -> list[Period]:
    """The periods with the open one (if any) ending at `at` (suspension, cancellation)."""
    result = [list(period) for period in periods or []]
    if result and result[-1][1] is None:
        result[-1][1] = max(seconds(at), int(result[-1][0]))
    return result


def resized(periods: Sequence[Period] | None, now: datetime, devices: int) -> list[Period]:
    """A device change while active: it counts from this moment."""
    result = closed(periods, now)
    return [*result, [seconds(now), None, int(devices)]] if periods and periods[-1][1] is None else result


def partner_partition(partner_id: str) -> str:
    return f"PARTNER#{partner_id}#MONTHLY"


def billing_keys(values: dict[str, Any]) -> tuple[str, str] | None:
    """GSI5's keys for a license in this state: an activated monthly license of a partner, sorted by the
    last day it can be billed for; None for everything else (never billed)."""
    if values.get("plan") != MONTHLY or not values.get("activated_at") or not values.get("partner_id"):
        return None
    ends = values.get("ends_at")
    last_day = (ends - timedelta(seconds=1)).strftime("%Y-%m-%d") if ends else NO_END
    return partner_partition(values["partner_id"]), f"{last_day}#{values['key']}"
