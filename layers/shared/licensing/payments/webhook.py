"""A verified payment event, dispatched by its type: paid, failed or refunded."""

from __future__ import annotations

from datetime import datetime

from licensing.orders import repository as order_repo
from licensing.payments import ledger, refunds, settle
from licensing.payments.api import PaymentEventIn


def handle(event: PaymentEventIn, now: datetime) -> str:
    """What the event did (one of `licensing.payments.ledger`'s outcomes)."""
    order = order_repo.get(event.data.order_id, consistent=True)
    if order is None:
        return ledger.record_only(event, now, ledger.UNKNOWN_ORDER)
    if event.type == "payment.succeeded":
        return settle.succeeded(event, order, now)
    if event.type == "payment.failed":
        return settle.failed(event, order, now)
    return refunds.refunded(event, order, now)
