"""Issuing an order's keys exactly once, in transactions of at most 100 items.

The keys are chosen up front and stored on the order in the same transaction that marks it paid (or,
for a monthly plan, creates it). When they do not all fit in that transaction the order is left
`fulfilling`, the rest is written in chunks of 100, and the order then becomes `fulfilled`. Any worker
that finds a `fulfilling` order (a retried webhook, a replayed checkout) can finish it: chunks already
written are recognised by their failed `attribute_not_exists` condition and skipped, so no key is ever
written twice and no order is left half issued.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from licensing.licenses import repository as license_repo
from licensing.licenses.keys import generate_key
from licensing.licenses.lifecycle import activation_deadline
from licensing.licenses.monthly import MONTHLY, MONTHLY_TERM_MONTHS
from licensing.orders import repository as order_repo
from licensing.orders.status import OrderStatus
from licensing.store.table import LicenseItem, OrderItem
from licensing.store.transactions import MAX_ITEMS, chunks, write_each

if TYPE_CHECKING:
    from licensing.contracts.base import EventDetail


class IssuePlan(NamedTuple):
    keys: list[str]
    first: list[LicenseItem]  # written in the transaction that pays or creates the order
    rest: list[LicenseItem]  # written afterwards, in chunks

    @property
    def status_after_first(self) -> OrderStatus:
        return OrderStatus.FULFILLING if self.rest else OrderStatus.FULFILLED


def new_keys(count: int) -> list[str]:
    keys: set[str] = set()
    while len(keys) < count:
        keys.add(generate_key())
    return sorted(keys)


def licenses_for(order: OrderItem, keys: list[str], issued_at: datetime, now: datetime) -> list[LicenseItem]:
    deadline = activation_deadline(issued_at)
    monthly = order.plan == MONTHLY
    return [
        license_repo.new_license(
            key,
            product=str(order.product),
            devices=int(order.devices or 0),
            term_months=MONTHLY_TERM_MONTHS if monthly else int(order.years or 0) * 12,
            plan=MONTHLY if monthly else None,
            partner_id=order.partner_id,
            order_id=order.id,
            purchased_at=issued_at,
            activation_deadline=deadline,
            customer_ref=order.customer_ref,
            now=now,
        )
        for key in keys
    ]


def plan(order: OrderItem, issued_at: datetime, *, items_already_in_transaction: int) -> IssuePlan:
    keys = new_keys(int(order.licenses))
    licenses = licenses_for(order, keys, issued_at, issued_at)
    room = MAX_ITEMS - items_already_in_transaction
    return IssuePlan(keys=keys, first=licenses[:room], rest=licenses[room:])


def write_rest(
    order_id: str, licenses: list[LicenseItem], now: datetime, announce: Sequence[EventDetail]
) -> bool:
    """Write the remaining licenses (one an earlier attempt already wrote fails its condition and is
    skipped), then mark the order fulfilled with the events that `announce` it. True for the one worker
    whose update made it fulfilled; False when a concurrent worker got there first."""
    for chunk in chunks(licenses, MAX_ITEMS):
        write_each(chunk, lambda license: license.key, license_repo.add_issues)
    return order_repo.mark_fulfilled(order_id, now, announce)


def resume(order: OrderItem, now: datetime, announce: Sequence[EventDetail]) -> bool:
    """Finish an order left `fulfilling` by a worker that stopped half-way; True if this call finished it."""
    if order.status != OrderStatus.FULFILLING:
        return False
    issued_at = order.paid_at or order.created_at
    keys = list(order.license_keys)
    return write_rest(order.id, licenses_for(order, keys, issued_at, now), now, announce)
