"""Refunds: a full refund of a fulfilled order revokes its keys still unused (keys in use keep working);
a partial one is recorded for the operators and revokes nothing."""

from __future__ import annotations

from datetime import datetime

from licensing.contracts.payments import OrderRefunded
from licensing.core.actors import system
from licensing.licenses import repository as license_repo
from licensing.orders import repository as order_repo
from licensing.orders.repository import ORDER
from licensing.orders.status import OrderStatus
from licensing.payments import ledger
from licensing.payments import repository as payment_repo
from licensing.payments.api import PaymentEventIn
from licensing.payments.errors import OrderBusy, OrderNotPaidYet
from licensing.payments.ledger import DUPLICATE, NOT_REFUNDABLE, PARTIAL_REFUND, REFUNDED
from licensing.payments.repository import EVENT
from licensing.store.table import LicenseItem, OrderItem
from licensing.store.transactions import Transaction, chunks, write_each

REVOCATIONS_PER_TRANSACTION = 49  # each is an update and a history entry, plus the order's counter


def refunded(event: PaymentEventIn, order: OrderItem, now: datetime) -> str:
    if order.status == OrderStatus.REFUNDED and order.refund_event_id == event.id:
        _finish(order, now)  # a redelivery: finish what a stopped attempt left
        return DUPLICATE
    if order.status == OrderStatus.FULFILLING:
        raise OrderBusy("The order's keys are still being issued; deliver the refund again shortly.")
    # Not recorded, so the provider delivers it again later: after a declined card too, since the success
    # of another card may still be on its way (recorded now, the refund would be lost for good).
    if order.status in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAYMENT_FAILED):
        raise OrderNotPaidYet(
            "The payment for this order has not arrived yet; deliver the refund again later."
        )
    if order.status != OrderStatus.FULFILLED:
        return ledger.record_only(event, now, NOT_REFUNDABLE)
    if (event.data.amount, event.data.currency) != (int(order.total_amount), order.currency):
        return ledger.record_only(event, now, PARTIAL_REFUND)
    tx = Transaction()
    payment_repo.add_record(tx, ledger.entry(event, now, REFUNDED))
    order_repo.add_refund(tx, order, event_id=event.id, now=now)
    failed = tx.commit(EVENT, ORDER)
    if EVENT in failed:
        return DUPLICATE
    if ORDER in failed:
        return ledger.record_only(event, now, NOT_REFUNDABLE)
    _finish(order, now)
    return REFUNDED


def _finish(order: OrderItem, now: datetime) -> None:
    """Revoke the unused keys, then announce the refund, once, with every key it revoked."""
    if order.refund_announced_at is None:
        refunded = OrderRefunded(
            event_id=f"order-refunded:{order.id}",
            order_id=order.id,
            partner_id=order.partner_id,
            revoked_license_keys=revoke_unused(order, now),
        )
        order_repo.announce_refund(order.id, refunded, now)


def revoke_unused(order: OrderItem, now: datetime) -> list[str]:
    """Revoke every key of the order that is still unused; keys in use keep working (a renewal's license
    is in use: refunding a renewal leaves its term to the operators). A key that came into use meanwhile
    fails its condition and is left out. Returns the order's revoked keys, an earlier attempt's too."""
    if order.renews_license:
        return []

    def add(tx: Transaction, licenses: list[LicenseItem]) -> None:
        for license in licenses:
            license_repo.add_revocation(
                tx, license, now=now, actor=system("payment-provider"), reason="refund"
            )
        order_repo.add_usage(tx, order.id, revoked=len(licenses))

    licenses = license_repo.get_many(list(order.license_keys))
    candidates = license_repo.unused(licenses)
    revoked = [license.key for license in licenses if license.revoked_at is not None]
    for chunk in chunks(candidates, REVOCATIONS_PER_TRANSACTION):
        revoked += [license.key for license in write_each(chunk, lambda license: license.key, add)]
    return sorted(revoked)
