"""A partner's order history: every purchase, renewal and statement, newest first, filtered and searched."""

from __future__ import annotations

from datetime import datetime

from licensing import cursors, views
from licensing.repositories import orders as order_repo
from licensing.repositories.orders import OrderStatus
from licensing.repositories.table import OrderItem
from licensing.schemas.orders import OrderOut
from licensing.search import choices, key_variants, matcher

TYPES = ("new", "bulk", "renewal")
STATUSES = tuple(value for name, value in vars(OrderStatus).items() if name.isupper())


def list_orders(
    partner_id: str,
    *,
    type: str | None,
    status: str | None,
    q: str | None,
    newest_first: bool,
    limit: int,
    cursor: str | None,
    now: datetime,
) -> tuple[list[OrderOut], str | None]:
    types, statuses = choices("type", type, TYPES), choices("status", status, STATUSES)
    matches = matcher(q) if q else None

    def keep(order: OrderItem) -> bool:
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
    items = [views.order_out(order, usage[order.id], now) for order in orders]
    return items, cursors.encode(last_key, fingerprint)
