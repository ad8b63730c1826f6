"""Catalog view, quotes and checkout for a partner."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from licensing import fulfilment, views
from licensing.catalog import Catalog, load_catalog
from licensing.errors import DirectPurchaseDisabled, DomainError, OrderNotFound
from licensing.events import DomainEvent, publish
from licensing.idempotent import IdempotentRequest
from licensing.ids import new_id
from licensing.pricing import Quote, partner_price_per_device_year, quote
from licensing.repositories import licenses as license_repo
from licensing.repositories import orders as order_repo
from licensing.repositories.orders import OrderStatus
from licensing.repositories.table import OrderItem, OrderUsageItem, PartnerItem
from licensing.repositories.transactions import Transaction, TransactionCancelled, retry_on_conflict
from licensing.schemas.catalog import CatalogOut, ProductOut, QuoteRequest, VolumeTierOut
from licensing.schemas.common import Money as MoneyOut
from licensing.schemas.orders import OrderRequest


def catalog_for(partner: PartnerItem, catalog: Catalog | None = None) -> CatalogOut:
    catalog = catalog or load_catalog()
    currency, discount = partner.currency, partner.discount_percent
    products = []
    for product in catalog.products.values():
        list_price = product.list_price_per_device_year(currency)
        products.append(
            ProductOut(
                id=product.id,
                name=product.name,
                devices={"min": product.devices.min, "max": product.devices.max},
                terms_years=list(product.terms_years),
                upgrades_to=list(product.upgrades_to),
                list_price_per_device_year=MoneyOut(amount=list_price, currency=currency),
                price_per_device_year=MoneyOut(
                    amount=partner_price_per_device_year(list_price, discount), currency=currency
                ),
                monthly_price_per_device=MoneyOut(
                    amount=product.monthly_price_per_device[currency], currency=currency
                ),
            )
        )
    return CatalogOut(
        version=catalog.version,
        currency=currency,
        partner_discount_percent=float(discount),
        products=products,
        volume_tiers=[
            VolumeTierOut(min_licenses=t.min_licenses, percent=float(t.percent)) for t in catalog.volume_tiers
        ],
    )


def quote_for(partner: PartnerItem, request: QuoteRequest) -> Quote:
    return quote(
        load_catalog(),
        product_id=request.product,
        devices=request.devices,
        years=request.years,
        licenses=request.licenses,
        currency=partner.currency,
        partner_discount=partner.discount_percent,
    )


def new_order(
    partner: PartnerItem, priced: Quote, now: datetime, *, type: str, customer_ref: str | None
) -> OrderItem:
    return OrderItem(
        id=new_id("ord"),
        partner_id=partner.id,
        type=type,
        billing=partner.billing,
        status=OrderStatus.PENDING_PAYMENT,
        product=priced.product,
        devices=priced.devices,
        years=priced.years,
        licenses=priced.licenses,
        currency=priced.currency,
        list_price_per_license=priced.list_price_per_license.amount,
        price_per_license=priced.price_per_license.amount,
        total_amount=priced.total.amount,
        discounts=[{"kind": d.kind, "percent": str(d.percent)} for d in priced.discounts],
        catalog_version=priced.catalog_version,
        customer_ref=customer_ref,
        created_at=now,
        updated_at=now,
        license_keys=[],
    )


def place_order(
    partner: PartnerItem, request: OrderRequest, idempotency_key: str | None, now: datetime
) -> tuple[int, dict[str, Any]]:
    """Create the order (and, for monthly partners, its keys) exactly once per Idempotency-Key.

    Returns the HTTP status and body: 201 and the new order, or the first answer again on a replay
    (even when the partner or the catalog changed since, and the request would now be refused).
    """
    body = request.model_dump(mode="json")
    once = IdempotentRequest.of(partner.id, idempotency_key, "POST /v1/orders", body)
    try:
        return _place(partner, request, once, now)
    except DomainError:
        if replay := _replay(once, now):
            return replay
        raise


def ensure_direct_purchase(partner: PartnerItem) -> None:
    if partner.distributor_id:
        raise DirectPurchaseDisabled(
            f"Your account buys through distributor '{partner.distributor_id}'; please order there.",
            distributor_id=partner.distributor_id,
        )


def _place(
    partner: PartnerItem, request: OrderRequest, once: IdempotentRequest, now: datetime
) -> tuple[int, dict[str, Any]]:
    ensure_direct_purchase(partner)
    priced = quote_for(partner, request)
    kind = "bulk" if request.licenses > 1 else "new"
    order = new_order(partner, priced, now, type=kind, customer_ref=request.customer_ref)
    tx = Transaction()
    head_items = 2 if once.key else 1
    issue = None
    if partner.billing == "monthly":
        issue = fulfilment.plan(order, now, items_already_in_transaction=head_items)
        order.license_keys, order.status = issue.keys, issue.status_after_first
    order_repo.add_create(tx, order)
    for license in issue.first if issue else ():
        license_repo.add_issue(tx, license)
    body = answer(order, now)
    once.add_record(tx, status_code=201, response=body, order_id=order.id, now=now)
    try:
        retry_on_conflict(tx.commit)
    except TransactionCancelled as cancelled:
        if once.lost_to_first(cancelled) and (replay := _replay(once, now)):
            return replay
        raise
    if not (issue and issue.rest) or fulfilment.write_rest(order.id, issue.rest, now):
        publish(placed_event(order, body["status"]))  # by the one worker that finished the order
    return 201, body


def answer(order: OrderItem, now: datetime) -> dict[str, Any]:
    """The response to the checkout: a monthly order is answered as fulfilled, which it is on return."""
    body = views.order_out(order, OrderUsageItem(), now)
    if order.status == OrderStatus.FULFILLING:
        body = body.model_copy(update={"status": OrderStatus.FULFILLED})
    return body.model_dump(mode="json")


def _replay(once: IdempotentRequest, now: datetime) -> tuple[int, dict[str, Any]] | None:
    record = once.first_answer(now)
    if record is None:
        return None
    if record.order_id and record.response.get("payment", {}).get("status") == "billed_monthly":
        # a monthly order's keys may still be half written if the first attempt stopped early
        order = order_repo.get(record.order_id, consistent=True)
        if order is not None and fulfilment.resume(order, now):
            publish(placed_event(order, record.response["status"]))
    return int(record.status_code), dict(record.response)


def order_for(partner_id: str, order_id: str) -> tuple[OrderItem, OrderUsageItem]:
    """The partner's own order with its usage; another partner's order is as unknown as a missing one."""
    found = order_repo.get_with_usage(order_id)
    if found is None or found[0].partner_id != partner_id:
        raise OrderNotFound(f"No order '{order_id[:128]}' in your account.")
    return found


def placed_event(order: OrderItem, status: str) -> DomainEvent:
    return DomainEvent(
        "OrderPlaced",
        event_id=f"order-placed:{order.id}",
        detail={
            "order_id": order.id,
            "partner_id": order.partner_id,
            "status": status,
            "licenses": int(order.licenses),
            "total": {"amount": int(order.total_amount), "currency": order.currency},
        },
    )
