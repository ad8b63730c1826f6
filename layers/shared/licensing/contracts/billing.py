"""Events of the monthly billing run: a monthly partner's statement for a month was issued."""

from typing import Annotated

from pydantic import Field, StringConstraints

from licensing.contracts.base import EventDetail, OrderId, PartnerId
from licensing.core.money import Money


class MonthlyStatementIssued(EventDetail):
    """The billing run wrote a monthly partner's statement for the previous month (an order to pay)."""

    published_by = ("billing_run",)
    event_id_format = "statement:{partner_id}:{month}"

    partner_id: PartnerId
    order_id: OrderId
    month: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$"), Field(description="Month billed")]
    lines: Annotated[int, Field(ge=1, description="Number of licenses billed")]
    device_days: Annotated[int, Field(ge=1, description="Device-days billed in the month")]
    minimum_applied: Annotated[bool, Field(description="The total was raised to the minimum charge")]
    total: Money
