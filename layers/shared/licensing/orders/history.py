"""A partner's order history: every purchase, renewal and statement, newest first, filtered and
searched; and one order with its usage counters."""

from __future__ import annotations

from typing import NamedTuple

from licensing.core import cursors
from licensing.core.ownership import owned_by
from licensing.core.search import choices, key_variants, matcher
from licensing.orders import repository as order_repo
from licensing.orders.errors import OrderNotFound
from licensing.orders.status import OrderStatus
from licensing.store.table import OrderItem, OrderUsageItem

TYPES = ("new", "bulk", "renewal", "monthly_statement")
STATUSES = tuple(status.value for status in OrderStatus)


class OrderWithUsage(NamedTuple):
    order: OrderItem
    usage: OrderUsageItem


class OrderPage(NamedTuple):
    items: list[OrderWithUsage]
    next_cursor: str | None


def order_of(partner_id: str, order_id: str) -> OrderWithUsage:
    """The partner's own order with its usage counters: one Query of the order's partition."""
    found, usage = order_repo.get_with_usage(order_id) or (None, OrderUsageItem())
    order = owned_by(partner_id, found, OrderNotFound(f"No order '{order_id[:128]}' in your account."))
    return OrderWithUsage(order, usage)


def list_orders(
    partner_id: str,
    *,
    type: str | None,
    status: str | None,
    q: str | None,
    newest_first: bool,
    limit: int,
    cursor: str | None,
    placed_by: str | None = None,
) -> OrderPage:
    """A page of the partner's orders; with `placed_by`, only those that placer (a distributor) placed."""
    types, statuses = choices("type", type, TYPES), choices("status", status, STATUSES)
    matches = matcher(q) if q else None

    def keep(order: OrderItem) -> bool:
        if placed_by is not None and order.placed_by != placed_by:
            return False
        if matches is None:
            return True
        keys = [variant for key in order.license_keys for variant in key_variants(key)]
        return matches([order.id, order.customer_ref, *keys])

    query = {
        "partner": partner_id,
        "type": types,
        "status": statuses,
        "q": q,
        "desc": newest_first,
        "limit": limit,
        **({"placed_by": placed_by} if placed_by is not None else {}),
    }
    fingerprint = cursors.fingerprint(list="orders", **query)
    start = cursors.decode(
        cursor, fingerprint, partition={"GSI1PK": order_repo.partner_partition(partner_id)}
    )
    orders, last_key = order_repo.partner_page(
        partner_id,
        newest_first=newest_first,
        types=types,
        statuses=statuses,
        keep=keep,
        limit=limit,
        start=start,
    )
    usage = order_repo.usage_of(orders)
    items = [OrderWithUsage(order, usage[order.id]) for order in orders]
    return OrderPage(items, cursors.encode(last_key, fingerprint))
