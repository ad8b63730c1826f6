"""The record of every provider event (one item per event id, which is the deduplication) and the
outcomes the webhook answers with."""

from __future__ import annotations

from datetime import datetime

from licensing.payments import repository
from licensing.payments.api import PaymentEventIn
from licensing.store.table import PaymentEventItem

FULFILLED = "fulfilled"
FAILED = "payment_failed"
MISMATCH = "payment_mismatch"
REFUNDED = "refunded"
DUPLICATE = "duplicate"
NOT_AWAITING_PAYMENT = "ignored_order_not_awaiting_payment"
NOT_REFUNDABLE = "ignored_order_not_refundable"
PARTIAL_REFUND = "partial_refund_recorded"
UNKNOWN_ORDER = "ignored_unknown_order"


def entry(event: PaymentEventIn, now: datetime, outcome: str) -> PaymentEventItem:
    """The event's record, to write with whatever it changes."""
    return repository.new_event(
        event_id=event.id,
        type=event.type,
        order_id=event.data.order_id,
        amount=event.data.amount,
        currency=event.data.currency,
        payment_id=event.data.payment_id,
        received_at=now,
        outcome=outcome,
    )


def record_only(event: PaymentEventIn, now: datetime, outcome: str) -> str:
    """Record an event that changes nothing else; a repeated id is a duplicate."""
    return outcome if repository.record(entry(event, now, outcome)) else DUPLICATE
