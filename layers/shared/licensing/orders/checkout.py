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
from licensing.core import clock
from licensing.core.ids import new_id
from licensing.core.money import Money
from licensing.licenses import repository as license_repo
from licensing.offers import purchase
from licensing.offers.repository import OFFER
from licensing.orders import fulfilment
from licensing.orders import repository as order_repo
from licensing.orders.api import OrderRequest
from licensing.orders.errors import OfferNotForDistributors
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


def quote_for(
    partner: PartnerItem,
    request: QuoteRequest,
    placed_by: PlacedBy | None = None,
    now: datetime | None = None,
) -> Quote:
    if request.offer_id:  # offers (licensing.offers.purchase)
        if placed_by is not None:
            raise OfferNotForDistributors("An offer is bought by its partner, not through a distributor.")
        return purchase.priced(partner, request, now or clock.now()).quote
    check_plan(request.plan, request.years, partner_billing=partner.billing)
    product, devices = request.configuration()
    discount = partner.discount_percent if placed_by is None else placed_by.discount_percent
    if request.plan == MONTHLY:
        priced = monthly_quote(
            load_catalog(),
            product_id=product,
            devices=devices,
            licenses=request.licenses,
            currency=partner.currency,
            partner_discount=discount,
        )
    else:
        priced = quote(
            load_catalog(),
            product_id=product,
            devices=devices,
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
    once = IdempotentRequest.of(scope, idempotency_key, route, fingerprint(request))
    return once.run(
        lambda: _place(partner, request, once, now, placed_by), lambda first: replayed(first, now), now
    )


# Fields added to the body since Idempotency-Key records were first written, with their defaults: left out
# of the fingerprint while at the default, so a request retried across a deploy still matches its record.
_ADDED = {"plan": "annual", "offer_id": None}


def fingerprint(request: OrderRequest) -> dict[str, Any]:
    """What an Idempotency-Key compares of an order's body."""
    body = request.model_dump(mode="json")
    return {name: value for name, value in body.items() if name not in _ADDED or value != _ADDED[name]}


def _place(
    partner: PartnerItem,
    request: OrderRequest,
    once: IdempotentRequest,
    now: datetime,
    placed_by: PlacedBy | None = None,
) -> OrderItem:
    if placed_by is None:
        ensure_direct_purchase(partner.distributor_id)
    offer = purchase.priced(partner, request, now) if request.offer_id and placed_by is None else None
    priced = offer.quote if offer else quote_for(partner, request, placed_by, now=now)
    kind = "bulk" if priced.licenses > 1 else "new"
    order = new_order(partner, priced, now, type=kind, customer_ref=request.customer_ref)
    order.placed_by = placed_by.actor if placed_by else None
    tx = Transaction()
    issue = None
    if offer:  # an offer is an annual purchase that goes through payment
        order.offer_id = offer.offer.id
        purchase.add_use(tx, offer, order.id, now)
    elif order.plan == MONTHLY:
        issue = fulfilment.plan(order, now, items_already_in_transaction=3 if once.key else 2)
        order.license_keys, order.status = issue.keys, issue.status_after_first
    order_repo.add_create(tx, order)
    license_repo.add_issues(tx, issue.first if issue else [])
    placed = placed_event(order)
    if not (issue and issue.rest):
        tx.emit(placed)  # else with the transaction that finishes the order
    once.add_record(tx, result=placement(order), order_id=order.id, now=now)
    failed = tx.commit(RECORD, OFFER)
    once.check(failed)
    if offer:
        purchase.check_use(failed, offer, now)
    if issue and issue.rest:
        fulfilment.write_rest(order.id, issue.rest, now, [placed])
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
        if current is not None:
            fulfilment.resume(current, now, [placed_event(order)])
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
