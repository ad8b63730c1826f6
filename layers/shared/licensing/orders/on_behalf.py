"""Orders a distributor places for the partners assigned to it: placed through `checkout.place_order`
at the distributor's discount (replacing the partner's own; the volume tier still applies), exactly once
per Idempotency-Key scoped to the distributor and the partner, the keys the partner's, the order marked
`placed_by=distributor:<id>`; annual plan only, so it awaits payment like any annual order. A distributor
reads back only the orders it placed, and only for partners still assigned to it (any other is 404)."""

from __future__ import annotations

from datetime import datetime

from licensing.orders import checkout, history
from licensing.orders import repository as order_repo
from licensing.orders.api import OrderRequest
from licensing.orders.errors import OrderNotFound
from licensing.orders.plans import MONTHLY
from licensing.partners import distributors
from licensing.partners.distributor_rules import actor
from licensing.partners.errors import DistributorNotFound, PartnerNotFound, PlanNotAvailable
from licensing.partners.repository import get_distributor
from licensing.store.table import OrderItem, OrderUsageItem

ROUTE = "POST /v1/distributor/partners/{partner_id}/orders"


def place(
    distributor_id: str, partner_id: str, request: OrderRequest, idempotency_key: str | None, now: datetime
) -> OrderItem:
    """The order as placed for the partner (or as first placed, for a replayed Idempotency-Key)."""
    distributor = get_distributor(distributor_id)
    if distributor is None:  # distributors are never deleted; a key without one is refused all the same
        raise DistributorNotFound("Your distributor account does not exist.")
    partner = distributors.assigned_partner(distributor_id, partner_id)
    if request.plan == MONTHLY:
        raise PlanNotAvailable(
            "A distributor orders annual licenses: monthly licenses are billed on the partner's own "
            "statement, not through a distributor."
        )
    placed_by = checkout.PlacedBy(actor(distributor_id), distributor.discount_percent, ROUTE)
    return checkout.place_order(partner, request, idempotency_key, now, placed_by=placed_by)


def orders_of(
    distributor_id: str,
    partner_id: str,
    *,
    type: str | None,
    status: str | None,
    q: str | None,
    newest_first: bool,
    limit: int,
    cursor: str | None,
) -> history.OrderPage:
    """The orders the distributor placed for one of its partners, filtered as the partner's own history."""
    distributors.assigned_partner(distributor_id, partner_id)
    return history.list_orders(
        partner_id, type=type, status=status, q=q, newest_first=newest_first, limit=limit, cursor=cursor,
        placed_by=actor(distributor_id),
    )  # fmt: skip


def order_of(distributor_id: str, order_id: str) -> history.OrderWithUsage:
    """An order the distributor placed, with its usage, while its partner is still assigned to it."""
    missing = OrderNotFound(f"No order '{order_id[:128]}' placed by you.")
    found, usage = order_repo.get_with_usage(order_id) or (None, OrderUsageItem())
    if found is None or found.placed_by != actor(distributor_id):
        raise missing
    try:
        distributors.assigned_partner(distributor_id, found.partner_id)
    except PartnerNotFound:
        raise missing from None
    return history.OrderWithUsage(found, usage)
