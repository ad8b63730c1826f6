"""UTC time in one place, so tests and replays can move it, and the ISO format the API speaks."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# Exactly the texts `parse_moment` takes, for the OpenAPI document: ISO_FORMAT with a day that exists
# (29 February in a Gregorian leap year only) and a year from 0001, as Python's datetime has them.
_YEAR = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH_DAY = "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"  # noqa: E501
_TIME = "T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z"
MOMENT_PATTERN = f"^(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29){_TIME}$"
_MOMENT_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(ISO_FORMAT)


def parse_moment(text: str) -> datetime:
    """A moment as the API takes it (what `iso` writes, e.g. 2026-12-31T23:59:59Z); ValueError otherwise,
    an impossible day (2027-02-30) too."""
    if not _MOMENT_FORM.fullmatch(text):
        raise ValueError("a UTC date and time to the second is required, like 2026-12-31T23:59:59Z")
    try:
        return datetime.strptime(text, ISO_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"{text} is not a date and time that exists") from None


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar months; the day is clamped to the target month (31 Jan + 1 month = 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
