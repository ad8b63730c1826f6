"""Events the orders context publishes: an order was placed (a checkout, or a renewal order)."""

from typing import Annotated, Literal

from pydantic import Field

from licensing.contracts.base import EventDetail, OrderId, PartnerId
from licensing.core.money import Money


class OrderPlaced(EventDetail):
    """An order (new, bulk or renewal) was placed; a monthly partner's order is already fulfilled."""

    published_by = ("checkout", "renewal")
    event_id_format = "order-placed:{order_id}"

    order_id: OrderId
    partner_id: PartnerId
    status: Literal["pending_payment", "fulfilled"]
    licenses: Annotated[int, Field(ge=1, description="Number of license keys the order buys")]
    total: Money
