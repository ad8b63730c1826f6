"""When a partner hears about a license's coming expiry: its renewal reminder thresholds."""

from __future__ import annotations

from licensing.repositories.table import PartnerItem

DEFAULT_REMINDER_DAYS = (30, 14, 7, 1)
MAX_REMINDER_DAYS = 90  # the sweeper first looks at a license this long before its expiry
MAX_THRESHOLDS = 10
END_CUSTOMER_NOTICE_DAYS = 3  # the vendor tells the end customer when the partner has not renewed
COUPON_WARNING_DAYS = (30, 7)  # before a coupon's activation deadline


def reminder_days(partner: PartnerItem) -> tuple[int, ...]:
    """The partner's own thresholds, largest first, or the default ones."""
    own = partner.reminder_days
    return tuple(sorted((int(day) for day in own), reverse=True)) if own else DEFAULT_REMINDER_DAYS
