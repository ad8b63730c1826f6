"""When a partner hears about a license's coming expiry: its renewal reminder thresholds."""

from __future__ import annotations

from licensing.repositories.table import PartnerItem

DEFAULT_REMINDER_DAYS = (30, 14, 7, 1)
MAX_REMINDER_DAYS = 90  # the sweeper looks at every license this long before its expiry
MAX_THRESHOLDS = 10


def reminder_days(partner: PartnerItem) -> tuple[int, ...]:
    """The partner's own thresholds, largest first, or the default ones."""
    own = partner.reminder_days
    return tuple(sorted((int(day) for day in own), reverse=True)) if own else DEFAULT_REMINDER_DAYS
