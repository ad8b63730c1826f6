"""Checkout: a partner's quote, and placing a new or bulk order exactly once per Idempotency-Key.

An annual order awaits payment (`licensing.payments` issues its keys), whoever the partner; a monthly
plan's keys are issued at once: the first ones in the transaction that creates the order, the rest in
chunks (`licensing.orders.fulfilment`), finished by a replay of the same key if the first attempt
stopped. Nothing is due for a monthly order itself: its licenses are billed for use each month.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from licensing.catalog.api import QuoteRequest
from licensing.catalog.catalog import load_catalog
from licensing.catalog.pricing import Quote, monthly_quote, quote
from licensing.contracts.orders import OrderPlaced
from licensing.core.ids import new_id
from licensing.core.money import Money
from licensing.infra.bus import publish
from licensing.licenses import repository as license_repo
from licensing.orders import fulfilment
from licensing.orders import repository as order_repo
from licensing.orders.api import OrderRequest
from licensing.orders.plans import MONTHLY, check_plan
from licensing.orders.status import OrderStatus
from licensing.partners.distributors import ensure_direct_purchase
from licensing.store.idempotency import RECORD, IdempotentRequest
from licensing.store.table import OrderItem, PartnerItem, restore, snapshot
from licensing.store.transactions import Transaction

ROUTE = "POST /v1/orders"


class PlacedBy(NamedTuple):
    """An order placed for the partner by someone else (a distributor, `licensing.orders.on_behalf`): who
    (`OrderItem.placed_by`, e.g. `distributor:<id>`), the discount that replaces the partner's own (the
    volume tier still applies), the route its Idempotency-Keys are fingerprinted with; its keys are scoped
    to the placer and the partner."""

    actor: str
    discount_percent: Decimal
    route: str

    def scope(self, partner_id: str) -> str:
        return f"{self.actor}#{partner_id}"  # a partner's own scope is its id, `ptn_...`: never this


def quote_for(partner: PartnerItem, request: QuoteRequest, placed_by: PlacedBy | None = None) -> Quote:
    check_plan(request.plan, request.years, partner_billing=partner.billing)
    discount = partner.discount_percent if placed_by is None else placed_by.discount_percent
    if request.plan == MONTHLY:
        priced = monthly_quote(
            load_catalog(),
            product_id=request.product,
            devices=request.devices,
            licenses=request.licenses,
            currency=partner.currency,
            partner_discount=discount,
        )
    else:
        priced = quote(
            load_catalog(),
            product_id=request.product,
            devices=request.devices,
            years=int(request.years or 0),
            licenses=request.licenses,
            currency=partner.currency,
            partner_discount=discount,
        )
    if placed_by is None:
        return priced
    kinds = tuple(d._replace(kind="distributor") if d.kind == "partner" else d for d in priced.discounts)
    return priced._replace(discounts=kinds)


def new_order(
    partner: PartnerItem, priced: Quote, now: datetime, *, type: str, customer_ref: str | None
) -> OrderItem:
    """An order awaiting payment for the quoted licenses (not stored yet); a monthly plan's order has
    nothing to pay (its total is zero: the licenses are billed for use)."""
    return OrderItem(
        id=new_id("ord"),
        partner_id=partner.id,
        type=type,
        billing=partner.billing,
        plan=priced.plan,
        status=OrderStatus.PENDING_PAYMENT,
        product=priced.product,
        devices=priced.devices,
        years=priced.years,
        licenses=priced.licenses,
        currency=priced.currency,
        list_price_per_license=priced.list_price_per_license.amount,
        price_per_license=priced.price_per_license.amount,
        total_amount=0 if priced.plan == MONTHLY else priced.total.amount,
        discounts=[{"kind": d.kind, "percent": str(d.percent)} for d in priced.discounts],
        catalog_version=priced.catalog_version,
        customer_ref=customer_ref,
        created_at=now,
        updated_at=now,
        license_keys=[],
    )


def place_order(
    partner: PartnerItem,
    request: OrderRequest,
    idempotency_key: str | None,
    now: datetime,
    *,
    placed_by: PlacedBy | None = None,
) -> OrderItem:
    """The order as placed (and, for a monthly plan, its keys issued), exactly once per Idempotency-Key:
    a replay gets the order as first placed, even when the partner or the catalog changed since. With
    `placed_by` a distributor places it for the partner, at its own discount."""
    scope, route = (partner.id, ROUTE) if not placed_by else (placed_by.scope(partner.id), placed_by.route)
    once = IdempotentRequest.of(scope, idempotency_key, route, request.model_dump(mode="json"))
    return once.run(
        lambda: _place(partner, request, once, now, placed_by), lambda first: replayed(first, now), now
    )


def _place(
    partner: PartnerItem,
    request: OrderRequest,
    once: IdempotentRequest,
    now: datetime,
    placed_by: PlacedBy | None = None,
) -> OrderItem:
    if placed_by is None:
        ensure_direct_purchase(partner.distributor_id)
    priced = quote_for(partner, request, placed_by)
    kind = "bulk" if request.licenses > 1 else "new"
    order = new_order(partner, priced, now, type=kind, customer_ref=request.customer_ref)
    order.placed_by = placed_by.actor if placed_by else None
    tx = Transaction()
    issue = None
    if order.plan == MONTHLY:
        issue = fulfilment.plan(order, now, items_already_in_transaction=2 if once.key else 1)
        order.license_keys, order.status = issue.keys, issue.status_after_first
    order_repo.add_create(tx, order)
    license_repo.add_issues(tx, issue.first if issue else [])
    placed = placed_event(order)
    once.add_record(tx, result=placement(order), order_id=order.id, now=now)
    once.check(tx.commit(RECORD))
    if not (issue and issue.rest) or fulfilment.write_rest(order.id, issue.rest, now):
        publish(placed)  # by the one worker that finished the order
    return order


def placement(order: OrderItem) -> dict[str, Any]:
    """What an Idempotency-Key record keeps of a placed order: the order as placed."""
    return {"order": snapshot(order)}


def replayed(first: dict[str, Any], now: datetime) -> OrderItem:
    """The order as first placed. Its keys may still be half written if that attempt stopped early: this
    replay finishes them (and announces the order, as the first attempt would have)."""
    order = restore(OrderItem, first["order"])
    if order.status == OrderStatus.FULFILLING:
        current = order_repo.get(order.id, consistent=True)
        if current is not None and fulfilment.resume(current, now):
            publish(placed_event(order))
    return order


def placed_event(order: OrderItem) -> OrderPlaced:
    """OrderPlaced; an order whose keys are issued at once is announced as fulfilled."""
    awaiting = order.status == OrderStatus.PENDING_PAYMENT
    return OrderPlaced(
        event_id=f"order-placed:{order.id}",
        order_id=order.id,
        partner_id=order.partner_id,
        status=OrderStatus.PENDING_PAYMENT.value if awaiting else OrderStatus.FULFILLED.value,
        licenses=int(order.licenses),
        total=Money(int(order.total_amount), order.currency),
    )
