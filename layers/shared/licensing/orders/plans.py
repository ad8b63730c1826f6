"""The two plans an order can be placed on (pure rules): `annual` is paid up front for a term in years,
by every partner; `monthly` needs a partner with monthly (MSP) billing, has no term, and its keys are
issued at once and billed each month for the devices they cover (`licensing.billing`)."""

from __future__ import annotations

from licensing.core.errors import ValidationFailed
from licensing.orders.errors import MonthlyBillingNotEnabled, YearsNotAllowed

ANNUAL = "annual"
MONTHLY = "monthly"


def check_plan(plan: str, years: int | None, *, partner_billing: str) -> None:
    """Refuse a plan the partner may not use, or a term that does not fit the plan."""
    if plan == MONTHLY:
        if partner_billing != MONTHLY:
            raise MonthlyBillingNotEnabled(
                "Monthly licenses are for partners with monthly (MSP) billing; ask your partner manager "
                "to enable it, or order the annual plan."
            )
        if years is not None:
            raise YearsNotAllowed("A monthly license runs month to month: leave `years` out.")
    elif years is None:
        message = "Field required for the annual plan"
        raise ValidationFailed(f"body.years: {message}", errors=[{"field": "body.years", "message": message}])
