"""Paid renewal (and renew-and-migrate): a renewal order for one activated license, exactly once per
Idempotency-Key. The term is extended when the order is paid (`payments`), or at once for partners on
monthly billing, in the transaction that creates the order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from licensing import renewal
from licensing.catalog import load_catalog
from licensing.checkout import answer, ensure_direct_purchase, new_order, placed_event
from licensing.errors import Conflict, DomainError
from licensing.events import DomainEvent, publish
from licensing.idempotent import IdempotentRequest
from licensing.keys import normalize_key
from licensing.repositories import orders as order_repo
from licensing.repositories.orders import OrderStatus
from licensing.repositories.transactions import Transaction, TransactionCancelled, retry_on_conflict
from licensing.schemas.renewals import RenewRequest

ATTEMPTS = 3  # reads of a license that keeps changing between our read and our write


def place(
    partner_id: str, raw_key: str, request: RenewRequest, idempotency_key: str | None, now: datetime
) -> tuple[int, dict[str, Any]]:
    """201 and the renewal order, or the first answer again for a replayed Idempotency-Key."""
    key = normalize_key(raw_key)
    route = f"POST /v1/licenses/{key}/renew"
    once = IdempotentRequest.of(partner_id, idempotency_key, route, request.model_dump(mode="json"))
    try:
        for _ in range(ATTEMPTS):
            if (placed := _place(partner_id, key, request, once, now)) is not None:
                return placed
        raise Conflict("The license is changing too often to renew; retry.")
    except DomainError:
        if replay := once.replay(now):
            return replay
        raise


def _place(
    partner_id: str, key: str, request: RenewRequest, once: IdempotentRequest, now: datetime
) -> tuple[int, dict[str, Any]] | None:
    """Place the order; None when the license changed between the read and the write."""
    license, partner = renewal.license_with_partner(partner_id, key)
    renewal.check_renewable(license, now)
    ensure_direct_purchase(partner)
    catalog = load_catalog()
    product = renewal.target_product(catalog, license, request.migrate_to)
    priced = renewal.renewal_quote(catalog, partner, product, int(license.devices), request.years)
    order = new_order(partner, priced, now, type="renewal", customer_ref=license.customer_ref)
    order.license_keys, order.renews_license = [license.key], license.key
    order.previous_product = license.product if product != license.product else None

    tx = Transaction()
    events: list[DomainEvent] = []
    if partner.billing == "monthly":  # billed with the month's statement: the term moves now
        order.status = OrderStatus.FULFILLED
        _, renewed = renewal.add_extension(
            tx, license, months=request.years * 12, now=now, actor=f"partner:{partner_id}",
            via={"renewal_order_id": order.id}, product=product,
        )  # fmt: skip
        events.append(renewed)
    order_repo.add_create(tx, order)
    body = answer(order, now)
    once.add_record(tx, status_code=201, response=body, order_id=order.id, now=now)
    try:
        retry_on_conflict(tx.commit)
    except TransactionCancelled as cancelled:
        if once.lost_to_first(cancelled) and (replay := once.replay(now)):
            return replay
        if cancelled.failed("license"):
            return None
        raise
    publish(placed_event(order, body["status"]), *events)
    return 201, body
