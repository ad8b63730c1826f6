"""A partner's usage for a month, live (the month so far) or closed: two reads whatever the month, the
partner and one Query of its monthly licenses on GSI5 (more pages only past 1 MB, about 3,000 licenses)."""

from __future__ import annotations

from datetime import datetime

from licensing.billing import repository
from licensing.billing.errors import MonthInFuture
from licensing.billing.usage import Month, Statement, statement
from licensing.catalog.catalog import load_catalog
from licensing.partners import repository as partner_repo


def usage_of(partner_id: str, month_text: str | None, now: datetime) -> Statement:
    """The partner's statement for the month (default: the current one) as far as `now`."""
    current = Month.of(now)
    month = Month.parse(month_text) if month_text is not None else current
    if month > current:
        raise MonthInFuture(f"{month.label} has not begun; the current month is {current.label}.")
    partner = partner_repo.get(partner_id)
    return statement(
        month, repository.billable(partner_id, month),
        currency=partner.currency, discount_percent=partner.discount_percent, catalog=load_catalog(), now=now,
    )  # fmt: skip
