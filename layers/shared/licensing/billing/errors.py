"""Billing errors: a month that is not `YYYY-MM`, and a month that has not begun."""

from __future__ import annotations

from licensing.core.errors import Unprocessable, ValidationFailed


class InvalidMonth(ValidationFailed):
    code = "INVALID_MONTH"
    title = "The month must be YYYY-MM"


class MonthInFuture(Unprocessable):
    code = "MONTH_IN_FUTURE"
    title = "The month has not begun"


MONTH_ERRORS = (InvalidMonth, MonthInFuture)  # what a route with `month` declares (licensing.http.contract)
