"""Paid renewal (and renew-and-migrate): a renewal order for one activated annual license, exactly once
per Idempotency-Key. The term is extended when the order is paid (`licensing.payments.settle`), for
every partner: a renewal is paid like any other annual order."""

from __future__ import annotations

from datetime import datetime

from licensing.catalog.catalog import load_catalog
from licensing.licenses.keys import normalize_key
from licensing.orders import repository as order_repo
from licensing.orders.checkout import new_order, placed_event, placement, replayed
from licensing.partners.distributors import ensure_direct_purchase
from licensing.renewals.api import RenewRequest
from licensing.renewals.options import license_with_partner
from licensing.renewals.rules import check_renewable
from licensing.renewals.terms import renewal_quote, target_product
from licensing.store.idempotency import RECORD, IdempotentRequest
from licensing.store.table import OrderItem
from licensing.store.transactions import Transaction


def place(
    partner_id: str, raw_key: str, request: RenewRequest, idempotency_key: str | None, now: datetime
) -> OrderItem:
    """The renewal order as placed, or as first placed for a replayed Idempotency-Key."""
    key = normalize_key(raw_key)
    route = f"POST /v1/licenses/{key}/renew"
    once = IdempotentRequest.of(partner_id, idempotency_key, route, request.model_dump(mode="json"))

    return once.run(
        lambda: _place(partner_id, key, request, once, now), lambda first: replayed(first, now), now
    )


def _place(
    partner_id: str, key: str, request: RenewRequest, once: IdempotentRequest, now: datetime
) -> OrderItem:
    license, partner = license_with_partner(partner_id, key)
    check_renewable(license, now)
    ensure_direct_purchase(partner.distributor_id)
    catalog = load_catalog()
    product = target_product(catalog, license, request.migrate_to)
    priced = renewal_quote(
        catalog, currency=partner.currency, partner_discount=partner.discount_percent,
        product_id=product, devices=int(license.devices), years=request.years,
    )  # fmt: skip
    order = new_order(partner, priced, now, type="renewal", customer_ref=license.customer_ref)
    order.license_keys, order.renews_license = [license.key], license.key
    order.previous_product = license.product if product != license.product else None

    tx = Transaction()
    order_repo.add_create(tx, order)
    tx.emit(placed_event(order))
    once.add_record(tx, result=placement(order), order_id=order.id, now=now)
    once.check(tx.commit(RECORD))
    return order
