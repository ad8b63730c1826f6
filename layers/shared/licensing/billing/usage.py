"""Device-days and what they cost (pure rules, no AWS).

A license's usage periods (`[start, end, devices]` in Unix seconds, `end` None while open; see
`licensing.licenses.monthly`) are turned into device-days per UTC month: for each UTC day
`[d, d + 1 day)` the highest device count among the periods that overlap it, where a period
`[start, end)` overlaps the day when `start < d + 1 day` and (`end` is None or `end > d`). So a day counts
when the license was active at any moment of it: the day of activation (even at 23:59), the day of a
suspension (the period ends during it) but not the days after, the day of reinstatement, the day of a
device change at the higher of the two counts, and the day of a cancellation (its period ends at the
next midnight, which is the start of the next day: that day does not count). A month's days after `now`
are not counted ("month so far"); the days of another month never are, so no day is billed twice.

A line = device-days / days in the month x the product's monthly price per device, less the partner's
discount, computed with exact decimals and rounded half-even once per line; subtotals per product and
the total are sums of rounded lines, the total raised to the catalog's minimum monthly charge when
below it. A month without usage has no lines, a zero total and no minimum.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, NamedTuple

from licensing.billing.errors import InvalidMonth
from licensing.catalog.catalog import Catalog
from licensing.core.money import HUNDRED

DAY = 86_400
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# Exactly the months `Month.parse` takes (1970-01 onwards), for the OpenAPI document.
MONTH_PATTERN = r"^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])$"


class Month(NamedTuple):
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        found = _MONTH.match(text)
        if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1970:
            raise InvalidMonth(f"'{text[:20]}' is not a month: use YYYY-MM, e.g. 2026-11.")
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def of(cls, moment: datetime) -> Month:
        moment = moment.astimezone(UTC)
        return cls(moment.year, moment.month)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The first moment of the next month."""
        return self.start + timedelta(days=self.days)

    @property
    def first_day(self) -> str:
        return self.start.strftime("%Y-%m-%d")

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)


def days_counted(month: Month, now: datetime | None) -> int:
    """The days of the month that can count by `now`: all of a closed month, today and before for the
    current month, none for a month to come."""
    if now is None or now >= month.end:
        return month.days
    if now < month.start:
        return 0
    return (now - month.start).days + 1


class DayUsage(NamedTuple):
    device_days: int
    devices_max: int  # the highest device count of a counted day (0 when no day counts)


def device_days(
    periods: Sequence[Sequence[Any]] | None, month: Month, now: datetime | None = None
) -> DayUsage:
    """A license's device-days in the month (up to `now`'s day), and its highest device count then."""
    counted = days_counted(month, now)
    start = int(month.start.timestamp())
    per_day = [0] * counted
    for period in periods or []:
        begin, end, devices = int(period[0]), period[1], int(period[2])
        if devices <= 0:
            continue
        first = max(0, (begin - start) // DAY)
        # the last day the period overlaps: the day holding end - 1 second (end itself is excluded)
        last = counted - 1 if end is None else min(counted - 1, (int(end) - 1 - start) // DAY)
        for day in range(first, last + 1):
            if begin < start + (day + 1) * DAY and (end is None or int(end) > start + day * DAY):
                per_day[day] = max(per_day[day], devices)
    return DayUsage(sum(per_day), max(per_day, default=0))


def line_amount(device_days: int, days_in_month: int, monthly_price: int, discount_percent: Decimal) -> int:
    """device-days / days x price, less the discount: one exact division, rounded half-even once."""
    value = Decimal(device_days) * monthly_price * (HUNDRED - Decimal(discount_percent))
    value /= Decimal(days_in_month) * HUNDRED
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


class Billable(NamedTuple):
    """What billing needs of one monthly license."""

    key: str
    product: str
    customer_ref: str | None
    workspace_id: str | None
    periods: list[list[Any]]


class Line(NamedTuple):
    key: str
    product: str
    customer_ref: str | None
    workspace_id: str | None
    devices_max: int
    device_days: int
    amount: int


class Subtotal(NamedTuple):
    product: str
    device_days: int
    amount: int


class Statement(NamedTuple):
    month: str
    currency: str
    days_in_month: int
    days_counted: int
    lines: list[Line]
    subtotals: list[Subtotal]
    minimum_applied: bool
    total: int
    complete: bool  # the month is closed: nothing can change it any more

    def stored(self) -> dict[str, Any]:
        """The statement as a monthly_statement order keeps it (amounts in minor units)."""
        return {
            "lines": [
                {"key": line.key, "product": line.product, "devices_max": line.devices_max,
                 "device_days": line.device_days, "amount": line.amount}
                for line in self.lines
            ],
            "subtotals": [subtotal._asdict() for subtotal in self.subtotals],
            "minimum_applied": self.minimum_applied,
            "total": self.total,
        }  # fmt: skip


def statement(
    month: Month,
    licenses: Iterable[Billable],
    *,
    currency: str,
    discount_percent: Decimal,
    catalog: Catalog,
    now: datetime | None = None,
) -> Statement:
    """The month's statement (so far, when `now` is inside it) for one partner's monthly licenses."""
    lines = []
    for license in licenses:
        used = device_days(license.periods, month, now)
        if used.device_days == 0:
            continue
        price = catalog.product(license.product).monthly_price_per_device[currency]
        amount = line_amount(used.device_days, month.days, price, discount_percent)
        lines.append(
            Line(license.key, license.product, license.customer_ref, license.workspace_id,
                 used.devices_max, used.device_days, amount)
        )  # fmt: skip
    lines.sort(key=lambda line: (line.product, line.key))
    subtotals: dict[str, Subtotal] = {}
    for line in lines:
        days, amount = subtotals.get(line.product, Subtotal(line.product, 0, 0))[1:]
        subtotals[line.product] = Subtotal(line.product, days + line.device_days, amount + line.amount)
    total = sum(line.amount for line in lines)
    minimum = catalog.minimum_charge(currency)
    minimum_applied = bool(lines) and total < minimum
    return Statement(
        month=month.label,
        currency=currency,
        days_in_month=month.days,
        days_counted=days_counted(month, now),
        lines=lines,
        subtotals=list(subtotals.values()),
        minimum_applied=minimum_applied,
        total=minimum if minimum_applied else total,
        complete=now is None or now >= month.end,
    )
