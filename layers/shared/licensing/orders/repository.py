"""Orders: `PK=ORDER#<id>`, `SK=ORDER` (the webhook finds an order by id alone); a partner's orders on
GSI1 (`GSI1PK=PARTNER#<id>#ORDERS`, `GSI1SK=<created_at>#<id>`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.update import Action

from licensing.core.clock import iso
from licensing.core.ids import plausible
from licensing.orders.status import PAYABLE, OrderStatus
from licensing.store.table import BaseItem, OrderItem, OrderUsageItem
from licensing.store.transactions import Transaction

if TYPE_CHECKING:
    from licensing.contracts.base import EventDetail

SK = "ORDER"
USAGE_SK = "USAGE"
# labels of the items these functions add to a transaction
ORDER = "order"  # the order, whose condition is its status
USAGE = "usage"


def pk(order_id: str) -> str:
    return f"ORDER#{order_id}"


def keyed(order: OrderItem) -> OrderItem:
    order.PK, order.SK = pk(order.id), SK
    order.GSI1PK, order.GSI1SK = partner_partition(order.partner_id), f"{iso(order.created_at)}#{order.id}"
    return order


def get(order_id: str, *, consistent: bool = False) -> OrderItem | None:
    if not plausible(order_id):
        return None
    try:
        return OrderItem.get(pk(order_id), SK, consistent_read=consistent)
    except DoesNotExist:
        return None


def get_with_usage(order_id: str, *, consistent: bool = False) -> tuple[OrderItem, OrderUsageItem] | None:
    """The order and its usage counters with one Query over the order's partition."""
    if not plausible(order_id):
        return None
    order, usage = None, OrderUsageItem(pk(order_id), USAGE_SK)
    for item in BaseItem.query(pk(order_id), consistent_read=consistent):
        if isinstance(item, OrderItem):
            order = item
        elif isinstance(item, OrderUsageItem):
            usage = item
    return (order, usage) if order is not None else None


def add_usage(tx: Transaction, order_id: str, *, used: int = 0, revoked: int = 0) -> None:
    """Count keys of the order that came into use or were revoked (the counters start at zero)."""
    actions: list[Action] = [OrderUsageItem.entity.set(OrderUsageItem)]  # an update may create the item
    if used:
        actions.append(OrderUsageItem.licenses_used.add(used))
    if revoked:
        actions.append(OrderUsageItem.licenses_revoked.add(revoked))
    tx.update(OrderUsageItem(pk(order_id), USAGE_SK), actions, versioned=False, label=USAGE)


def partner_page(
    partner_id: str,
    *,
    newest_first: bool,
    types: list[str],
    statuses: list[str],
    keep: Callable[[OrderItem], bool],
    limit: int,
    start: dict[str, Any] | None,
) -> tuple[list[OrderItem], dict[str, Any] | None]:
    """Up to `limit` of the partner's orders (by creation) that pass the filters and `keep`, and the key
    to resume after the last one returned (None when nothing is left)."""
    condition = None
    if types:
        condition = OrderItem.type.is_in(*types)
    if statuses:
        by_status = OrderItem.status.is_in(*statuses)
        condition = by_status if condition is None else condition & by_status
    results = OrderItem.partner_index.query(
        partner_partition(partner_id),
        scan_index_forward=not newest_first,
        filter_condition=condition,
        last_evaluated_key=start,
        page_size=limit,
    )
    found: list[OrderItem] = []
    for order in results:
        if isinstance(order, OrderItem) and keep(order):
            found.append(order)
            if len(found) == limit:
                return found, _index_key(order)
    return found, None


def usage_of(orders: list[OrderItem]) -> dict[str, OrderUsageItem]:
    """The usage counters of several orders with one BatchGetItem (orders without one count zero)."""
    if not orders:
        return {}
    found = {item.PK: item for item in OrderUsageItem.batch_get([(pk(o.id), USAGE_SK) for o in orders])}
    return {o.id: found.get(pk(o.id)) or OrderUsageItem(pk(o.id), USAGE_SK) for o in orders}


def partner_partition(partner_id: str) -> str:
    return f"PARTNER#{partner_id}#ORDERS"


def _index_key(order: OrderItem) -> dict[str, Any]:
    return {name: {"S": getattr(order, name)} for name in ("PK", "SK", "GSI1PK", "GSI1SK")}


def add_create(tx: Transaction, order: OrderItem) -> None:
    tx.put(keyed(order), condition=OrderItem.PK.does_not_exist(), label=ORDER)


def add_payment_transition(
    tx: Transaction,
    order: OrderItem,
    *,
    to_status: OrderStatus,
    event_id: str,
    now: datetime,
    payment_id: str | None = None,
    license_keys: list[str] | None = None,
) -> None:
    """Move an order that can still be paid to `to_status`, recording the payment."""
    actions: list[Action] = [
        OrderItem.status.set(to_status),
        OrderItem.payment_event_id.set(event_id),
        OrderItem.updated_at.set(now),
    ]
    if payment_id:
        actions.append(OrderItem.payment_id.set(payment_id))
    if to_status in (OrderStatus.FULFILLING, OrderStatus.FULFILLED):
        actions.append(OrderItem.paid_at.set(now))
    if license_keys is not None:
        actions.append(OrderItem.license_keys.set(license_keys))
    tx.update(
        order,
        actions,
        condition=OrderItem.status.is_in(*PAYABLE),
        versioned=False,
        label=ORDER,
    )


def add_refund(tx: Transaction, order: OrderItem, *, event_id: str, now: datetime) -> None:
    tx.update(
        order,
        [
            OrderItem.status.set(OrderStatus.REFUNDED),
            OrderItem.refund_event_id.set(event_id),
            OrderItem.refunded_at.set(now),
            OrderItem.updated_at.set(now),
        ],
        condition=OrderItem.status == OrderStatus.FULFILLED,
        versioned=False,
        label=ORDER,
    )


def announce_refund(order_id: str, refunded: EventDetail, now: datetime) -> bool:
    """Announce a refund once its keys are revoked; False when another worker already announced it."""
    tx = Transaction().emit(refunded)
    tx.update(
        OrderItem(pk(order_id), SK),
        [OrderItem.refund_announced_at.set(now)],
        condition=(OrderItem.status == OrderStatus.REFUNDED) & OrderItem.refund_announced_at.does_not_exist(),
        label=ORDER,
        versioned=False,
    )
    return not tx.commit(ORDER)


def mark_fulfilled(order_id: str, now: datetime, announce: Sequence[EventDetail]) -> bool:
    """Finish a chunked fulfilment, with the events that announce it; False when another worker already
    did (its transaction wrote them)."""
    tx = Transaction().emit(*announce)
    tx.update(
        OrderItem(pk(order_id), SK),
        [OrderItem.status.set(OrderStatus.FULFILLED), OrderItem.updated_at.set(now)],
        condition=OrderItem.status == OrderStatus.FULFILLING,
        label=ORDER,
        versioned=False,
    )
    return not tx.commit(ORDER)
