"""Settling an order: a payment issues its keys (or extends the license a renewal order renews), a
declined payment or a payment of the wrong amount is recorded and issues nothing. Each happens once per
event id and once per order: the event's record and the order's transition share one transaction."""

from __future__ import annotations

from datetime import datetime

from licensing.billing.statements import MONTHLY_STATEMENT
from licensing.contracts.payments import LicensesIssued, OrderPaid, PaymentFailed, PaymentMismatch
from licensing.core.actors import system
from licensing.core.money import Money
from licensing.licenses import repository as license_repo
from licensing.licenses.errors import LicenseNotFound
from licensing.orders import fulfilment
from licensing.orders import repository as order_repo
from licensing.orders.repository import ORDER
from licensing.orders.status import PAYABLE, OrderStatus
from licensing.payments import ledger
from licensing.payments import repository as payment_repo
from licensing.payments.api import PaymentEventIn
from licensing.payments.errors import OrderBusy
from licensing.payments.ledger import DUPLICATE, FAILED, FULFILLED, MISMATCH, NOT_AWAITING_PAYMENT
from licensing.payments.repository import EVENT
from licensing.renewals.extension import add_extension
from licensing.store.table import OrderItem
from licensing.store.transactions import Transaction

RENEWAL_ATTEMPTS = 3


def succeeded(event: PaymentEventIn, order: OrderItem, now: datetime) -> str:
    if order.status == OrderStatus.FULFILLING and order.payment_event_id == event.id:
        resume(order, now)  # a redelivery after the first attempt stopped half-way
        return DUPLICATE
    if order.status not in PAYABLE:  # a declined card may be followed by a success
        return ledger.record_only(event, now, NOT_AWAITING_PAYMENT)
    if (event.data.amount, event.data.currency) != (int(order.total_amount), order.currency):
        return _unpaid(event, order, now, outcome=MISMATCH, to_status=OrderStatus.PAYMENT_MISMATCH)
    if order.renews_license:
        return _renewal_paid(event, order, now)
    if order.type == MONTHLY_STATEMENT:
        return _statement_paid(event, order, now)

    # Beside the keys: the payment's record, the order, and OrderPaid and LicensesIssued.
    issue = fulfilment.plan(order, now, items_already_in_transaction=4)
    announced = _paid_events(order, issue.keys, event.data.payment_id)
    tx = Transaction()
    payment_repo.add_record(tx, ledger.entry(event, now, FULFILLED))
    order_repo.add_payment_transition(
        tx, order, to_status=issue.status_after_first, event_id=event.id, now=now,
        payment_id=event.data.payment_id, license_keys=issue.keys,
    )  # fmt: skip
    license_repo.add_issues(tx, issue.first)
    if not issue.rest:
        tx.emit(*announced)  # else with the transaction that finishes the order
    if (lost := _lost(tx.commit(EVENT, ORDER), event, now)) is not None:
        return lost
    if issue.rest:
        fulfilment.write_rest(order.id, issue.rest, now, announced)
    return FULFILLED


def _statement_paid(event: PaymentEventIn, order: OrderItem, now: datetime) -> str:
    """A monthly statement is paid: recorded, and nothing issued (its `licenses` counts its lines)."""
    tx = Transaction()
    payment_repo.add_record(tx, ledger.entry(event, now, FULFILLED))
    order_repo.add_payment_transition(
        tx, order, to_status=OrderStatus.FULFILLED, event_id=event.id, now=now,
        payment_id=event.data.payment_id,
    )  # fmt: skip
    tx.emit(_order_paid(order, event.data.payment_id))
    if (lost := _lost(tx.commit(EVENT, ORDER), event, now)) is not None:
        return lost
    return FULFILLED


def failed(event: PaymentEventIn, order: OrderItem, now: datetime) -> str:
    if order.status != OrderStatus.PENDING_PAYMENT:
        return ledger.record_only(event, now, NOT_AWAITING_PAYMENT)
    return _unpaid(event, order, now, outcome=FAILED, to_status=OrderStatus.PAYMENT_FAILED)


def resume(order: OrderItem, now: datetime) -> None:
    """Finish an order a stopped worker left `fulfilling`, announcing it in the finishing transaction."""
    fulfilment.resume(order, now, _paid_events(order, list(order.license_keys), order.payment_id))


def _renewal_paid(event: PaymentEventIn, order: OrderItem, now: datetime) -> str:
    """Mark a renewal order paid and extend its license's term, in one transaction: from the current
    expiry if the license is still valid, from now if it has expired."""
    for _ in range(RENEWAL_ATTEMPTS):
        license = license_repo.get(str(order.renews_license), consistent=True)
        if license is None:
            raise LicenseNotFound(f"The license renewed by order {order.id} does not exist.")
        tx = Transaction()
        payment_repo.add_record(tx, ledger.entry(event, now, FULFILLED))
        order_repo.add_payment_transition(
            tx, order, to_status=OrderStatus.FULFILLED, event_id=event.id, now=now,
            payment_id=event.data.payment_id,
        )  # fmt: skip
        migrate_to = order.product if order.previous_product else None  # a plain renewal keeps the edition
        _, renewed = add_extension(
            tx, license, months=int(order.years) * 12, now=now, actor=system("payment-provider"),
            via={"renewal_order_id": order.id}, product=migrate_to,
        )  # fmt: skip
        tx.emit(_order_paid(order, event.data.payment_id), renewed)
        failed = tx.commit(EVENT, ORDER, license_repo.LICENSE)
        if (lost := _lost(failed, event, now)) is not None:
            return lost
        if license_repo.LICENSE in failed:
            continue  # the license changed since it was read (another renewal, an edit): read it again
        return FULFILLED
    raise OrderBusy("The license is changing too often; deliver the payment again shortly.")


def _unpaid(
    event: PaymentEventIn, order: OrderItem, now: datetime, *, outcome: str, to_status: OrderStatus
) -> str:
    """Record the event and move a pending order to a final, unpaid status."""
    tx = Transaction()
    payment_repo.add_record(tx, ledger.entry(event, now, outcome))
    order_repo.add_payment_transition(
        tx, order, to_status=to_status, event_id=event.id, now=now, payment_id=event.data.payment_id
    )
    model = PaymentMismatch if to_status == OrderStatus.PAYMENT_MISMATCH else PaymentFailed
    announced = model(
        event_id=f"{outcome}:{order.id}:{event.id}",
        order_id=order.id,
        partner_id=order.partner_id,
        expected=Money(int(order.total_amount), order.currency),
        received=Money(event.data.amount, event.data.currency),
    )
    if (lost := _lost(tx.emit(announced).commit(EVENT, ORDER), event, now)) is not None:
        return lost
    return outcome


def _lost(failed: frozenset[str], event: PaymentEventIn, now: datetime) -> str | None:
    """When a concurrent delivery or another event got there first, what happened instead."""
    if EVENT in failed:
        current = order_repo.get(event.data.order_id, consistent=True)
        if current is not None and current.payment_event_id == event.id:
            resume(current, now)
        return DUPLICATE
    if ORDER in failed:
        return ledger.record_only(event, now, NOT_AWAITING_PAYMENT)
    return None


def _order_paid(order: OrderItem, payment_id: str | None) -> OrderPaid:
    return OrderPaid(
        event_id=f"order-paid:{order.id}",
        order_id=order.id,
        partner_id=order.partner_id,
        payment_id=payment_id,
    )


def _paid_events(
    order: OrderItem, keys: list[str], payment_id: str | None
) -> tuple[OrderPaid, LicensesIssued]:
    issued = LicensesIssued(
        event_id=f"licenses-issued:{order.id}",
        order_id=order.id,
        partner_id=order.partner_id,
        license_keys=keys,
    )
    return _order_paid(order, payment_id), issued
