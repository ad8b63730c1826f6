"""Payment provider events, one item per event id: `PK=PAYMENTEVENT#<id>`, `SK=EVENT`.

Putting the record is the deduplication: it only succeeds for an id never seen before.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import PutError

from licensing.store.table import PaymentEventItem
from licensing.store.transactions import Transaction
from licensing.store.transient import condition_failed

SK = "EVENT"
EVENT = "event"  # the event record's label in a transaction: it fails for an id seen before


def new_event(
    *,
    event_id: str,
    type: str,
    order_id: str,
    amount: int | None,
    currency: str | None,
    payment_id: str | None,
    received_at: datetime,
    outcome: str,
) -> PaymentEventItem:
    return PaymentEventItem(
        f"PAYMENTEVENT#{event_id}",
        SK,
        event_id=event_id,
        type=type,
        order_id=order_id,
        amount=amount,
        currency=currency,
        payment_id=payment_id,
        received_at=received_at,
        outcome=outcome,
    )


def add_record(tx: Transaction, event: PaymentEventItem) -> None:
    tx.put(event, condition=PaymentEventItem.PK.does_not_exist(), label=EVENT)


def record(event: PaymentEventItem) -> bool:
    """Record an event that changes nothing else; False when this id was recorded before."""
    try:
        event.save(condition=PaymentEventItem.PK.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            return False
        raise
    return True
