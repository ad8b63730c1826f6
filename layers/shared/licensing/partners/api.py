"""Partner administration and settings bodies, and how a partner and its settings look through the API."""

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from licensing.core.clock import iso
from licensing.http.models import Hundredths, Identifier, Integer, Model, Request, Text, unchanged
from licensing.partners.reminders import (
    DEFAULT_REMINDER_DAYS,
    MAX_REMINDER_DAYS,
    MAX_THRESHOLDS,
    reminder_days,
)
from licensing.store.table import PartnerItem

PERCENT_PATTERN = r"^(?:100(?:\.0{1,2})?|[0-9]{1,2}(?:\.[0-9]{1,2})?)$"
Percent = Annotated[Decimal, Hundredths(Decimal(0), Decimal(100), PERCENT_PATTERN)]
ReminderDay = Annotated[int, Integer(ge=1, le=MAX_REMINDER_DAYS)]


def _distinct_largest_first(days: list[int]) -> list[int]:
    if len(set(days)) != len(days):
        raise ValueError("each threshold may appear once")
    return sorted(days, reverse=True)


ReminderDays = Annotated[
    list[ReminderDay],
    Field(
        min_length=1,
        max_length=MAX_THRESHOLDS,
        description="days before expiry, e.g. [30, 14, 7, 1]",
        json_schema_extra={"uniqueItems": True},
    ),
    AfterValidator(_distinct_largest_first),
]
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Name = Annotated[str, Text(200, required=True)]


class PartnerCreate(Request):
    name: Name
    email: Email
    currency: Literal["EUR", "USD"]
    discount_percent: Percent = Decimal(0)
    billing: Literal["prepaid", "monthly"] = "prepaid"
    distributor_id: Identifier | None = None


class PartnerUpdate(Request):
    """Only the fields present change; `distributor_id: null` removes the distributor."""

    name: Name = unchanged()
    email: Email = unchanged()
    discount_percent: Percent = unchanged()
    billing: Literal["prepaid", "monthly"] = unchanged()
    distributor_id: Identifier | None = None
    reminder_days: ReminderDays | None = Field(default=None, description="null restores the default")


class SettingsUpdate(Request):
    """A partner's own settings; `reminder_days: null` restores the default thresholds."""

    reminder_days: ReminderDays | None = None


class SettingsOut(Model):
    reminder_days: list[int]
    default_reminder_days: list[int]


class PartnerOut(Model):
    id: str
    name: str
    email: str
    currency: str
    discount_percent: float
    billing: str
    distributor_id: str | None
    reminder_days: list[int]
    created_at: str
    updated_at: str
    version: int


def partner_out(partner: PartnerItem) -> PartnerOut:
    return PartnerOut(
        id=partner.id,
        name=partner.name,
        email=partner.email,
        currency=partner.currency,
        discount_percent=float(partner.discount_percent),
        billing=partner.billing,
        distributor_id=partner.distributor_id,
        reminder_days=list(reminder_days(partner.reminder_days)),
        created_at=iso(partner.created_at),
        updated_at=iso(partner.updated_at),
        version=int(partner.version or 0),
    )


def settings_out(partner: PartnerItem) -> SettingsOut:
    return SettingsOut(
        reminder_days=list(reminder_days(partner.reminder_days)),
        default_reminder_days=list(DEFAULT_REMINDER_DAYS),
    )
