"""When a partner hears about a license's coming expiry: its renewal reminder thresholds (pure rules)."""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_REMINDER_DAYS = (30, 14, 7, 1)
MAX_REMINDER_DAYS = 90  # the sweeper first looks at a license this long before its expiry
MAX_THRESHOLDS = 10
END_CUSTOMER_NOTICE_DAYS = 3  # the vendor tells the end customer when the partner has not renewed
COUPON_WARNING_DAYS = (30, 7)  # before a coupon's activation deadline


def reminder_days(own: Sequence[int] | None) -> tuple[int, ...]:
    """A partner's own thresholds (`PartnerItem.reminder_days`), largest first, or the default ones."""
    return tuple(sorted((int(day) for day in own), reverse=True)) if own else DEFAULT_REMINDER_DAYS
