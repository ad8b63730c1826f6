"""Payment provider events: fulfil, fail or refund an order, each exactly once per event id and per order."""

from __future__ import annotations

from datetime import datetime

from licensing import fulfilment, renewal
from licensing.errors import LicenseNotFound, OrderBusy, OrderNotPaidYet
from licensing.events import DomainEvent, publish
from licensing.repositories import licenses as license_repo
from licensing.repositories import orders as order_repo
from licensing.repositories import payment_events
from licensing.repositories.orders import OrderStatus
from licensing.repositories.table import OrderItem, PaymentEventItem
from licensing.repositories.transactions import Transaction, TransactionCancelled, chunks, retry_on_conflict
from licensing.schemas.payments import PaymentEventIn

RENEWAL_ATTEMPTS = 3
REVOCATIONS_PER_TRANSACTION = 49  # each is an update and a history entry, plus the order's counter

# outcomes, as the webhook answers them
FULFILLED = "fulfilled"
FAILED = "payment_failed"
MISMATCH = "payment_mismatch"
REFUNDED = "refunded"
DUPLICATE = "duplicate"
NOT_AWAITING_PAYMENT = "ignored_order_not_awaiting_payment"
NOT_REFUNDABLE = "ignored_order_not_refundable"
PARTIAL_REFUND = "partial_refund_recorded"
UNKNOWN_ORDER = "ignored_unknown_order"


def handle(event: PaymentEventIn, now: datetime) -> str:
    order = order_repo.get(event.data.order_id, consistent=True)
    if order is None:
        return _record_only(event, now, UNKNOWN_ORDER)
    if event.type == "payment.succeeded":
        return _succeeded(event, order, now)
    if event.type == "payment.failed":
        return _failed(event, order, now)
    return _refunded(event, order, now)


def _record(event: PaymentEventIn, now: datetime, outcome: str) -> PaymentEventItem:
    return payment_events.new_event(
        event_id=event.id,
        type=event.type,
        order_id=event.data.order_id,
        amount=event.data.amount,
        currency=event.data.currency,
        payment_id=event.data.payment_id,
        received_at=now,
        outcome=outcome,
    )


def _record_only(event: PaymentEventIn, now: datetime, outcome: str) -> str:
    return outcome if payment_events.record(_record(event, now, outcome)) else DUPLICATE


def _succeeded(event: PaymentEventIn, order: OrderItem, now: datetime) -> str:
    if order.status == OrderStatus.FULFILLING and order.payment_event_id == event.id:
        _resume(order, now)  # a redelivery after the first attempt stopped half-way
        return DUPLICATE
    if order.status not in order_repo.PAYABLE:  # a declined card may be followed by a success
        return _record_only(event, now, NOT_AWAITING_PAYMENT)
    if (event.data.amount, event.data.currency) != (int(order.total_amount), order.currency):
        return _transition(event, order, now, outcome=MISMATCH, to_status=OrderStatus.PAYMENT_MISMATCH)
    if order.renews_license:
        return _renewal_paid(event, order, now)

    issue = fulfilment.plan(order, now, items_already_in_transaction=2)
    tx = Transaction()
    payment_events.add_record(tx, _record(event, now, FULFILLED))
    order_repo.add_payment_transition(
        tx,
        order,
        to_status=issue.status_after_first,
        event_id=event.id,
        now=now,
        payment_id=event.data.payment_id,
        license_keys=issue.keys,
    )
    for license in issue.first:
        license_repo.add_issue(tx, license)
    if (lost := _commit_or_lose(tx, event, now)) is not None:
        return lost
    if not issue.rest or fulfilment.write_rest(order.id, issue.rest, now):
        _publish_paid(order, issue.keys, event.data.payment_id)  # by the one worker that finished it
    return FULFILLED


def _renewal_paid(event: PaymentEventIn, order: OrderItem, now: datetime) -> str:
    """Mark a renewal order paid and extend its license's term, in one transaction: from the current
    expiry if the license is still valid, from now if it has expired."""
    for _ in range(RENEWAL_ATTEMPTS):
        license = license_repo.get(str(order.renews_license), consistent=True)
        if license is None:
            raise LicenseNotFound(f"The license renewed by order {order.id} does not exist.")
        tx = Transaction()
        payment_events.add_record(tx, _record(event, now, FULFILLED))
        order_repo.add_payment_transition(
            tx, order, to_status=OrderStatus.FULFILLED, event_id=event.id, now=now,
            payment_id=event.data.payment_id,
        )  # fmt: skip
        migrate_to = order.product if order.previous_product else None  # a plain renewal keeps the edition
        _, renewed = renewal.add_extension(
            tx, license, months=int(order.years) * 12, now=now, actor="payment-provider",
            via={"renewal_order_id": order.id}, product=migrate_to,
        )  # fmt: skip
        try:
            if (lost := _commit_or_lose(tx, event, now)) is not None:
                return lost
        except TransactionCancelled as cancelled:
            if cancelled.failed("license"):
                continue  # the license changed since it was read (another renewal, an edit): read it again
            raise
        detail = {"order_id": order.id, "partner_id": order.partner_id, "payment_id": event.data.payment_id}
        paid = DomainEvent("OrderPaid", event_id=f"order-paid:{order.id}", detail=detail)
        publish(paid, renewed)
        return FULFILLED
    raise OrderBusy("The license is changing too often; deliver the payment again shortly.")


def _resume(order: OrderItem, now: datetime) -> None:
    """Finish an order a stopped worker left `fulfilling`, and publish what that worker could not (the
    events' ids are stable, so a consumer that already saw them drops the copies)."""
    if fulfilment.resume(order, now):
        _publish_paid(order, list(order.license_keys), order.payment_id)


def _publish_paid(order: OrderItem, keys: list[str], payment_id: str | None) -> None:
    partner = {"order_id": order.id, "partner_id": order.partner_id}
    publish(
        DomainEvent(
            "OrderPaid", event_id=f"order-paid:{order.id}", detail={**partner, "payment_id": payment_id}
        ),
        DomainEvent(
            "LicensesIssued", event_id=f"licenses-issued:{order.id}", detail={**partner, "license_keys": keys}
        ),
    )


def _failed(event: PaymentEventIn, order: OrderItem, now: datetime) -> str:
    if order.status != OrderStatus.PENDING_PAYMENT:
        return _record_only(event, now, NOT_AWAITING_PAYMENT)
    return _transition(event, order, now, outcome=FAILED, to_status=OrderStatus.PAYMENT_FAILED)


def _transition(
    event: PaymentEventIn, order: OrderItem, now: datetime, *, outcome: str, to_status: str
) -> str:
    """Record the event and move a pending order to a final, unpaid status."""
    tx = Transaction()
    payment_events.add_record(tx, _record(event, now, outcome))
    order_repo.add_payment_transition(
        tx, order, to_status=to_status, event_id=event.id, now=now, payment_id=event.data.payment_id
    )
    if (lost := _commit_or_lose(tx, event, now)) is not None:
        return lost
    publish(
        DomainEvent(
            "PaymentMismatch" if to_status == OrderStatus.PAYMENT_MISMATCH else "PaymentFailed",
            event_id=f"{outcome}:{order.id}:{event.id}",
            detail={
                "order_id": order.id,
                "partner_id": order.partner_id,
                "expected": {"amount": int(order.total_amount), "currency": order.currency},
                "received": {"amount": event.data.amount, "currency": event.data.currency},
            },
        )
    )
    return outcome


def _commit_or_lose(tx: Transaction, event: PaymentEventIn, now: datetime) -> str | None:
    """Commit; when a concurrent delivery or another event got there first, say what happened instead."""
    try:
        retry_on_conflict(tx.commit)
    except TransactionCancelled as cancelled:
        if cancelled.failed("event"):
            current = order_repo.get(event.data.order_id, consistent=True)
            if current is not None and current.payment_event_id == event.id:
                _resume(current, now)
            return DUPLICATE
        if cancelled.failed("order"):
            return _record_only(event, now, NOT_AWAITING_PAYMENT)
        raise
    return None


def _refunded(event: PaymentEventIn, order: OrderItem, now: datetime) -> str:
    """A full refund revokes the keys not yet in use; a partial one is recorded for the operators."""
    if order.status == OrderStatus.REFUNDED and order.refund_event_id == event.id:
        _publish_refunded(
            order, revoke_unused(order, now)
        )  # a redelivery: finish what a stopped attempt left
        return DUPLICATE
    if order.status == OrderStatus.FULFILLING:
        raise OrderBusy("The order's keys are still being issued; deliver the refund again shortly.")
    if order.status == OrderStatus.PENDING_PAYMENT:  # not recorded: the provider delivers it again later
        raise OrderNotPaidYet(
            "The payment for this order has not arrived yet; deliver the refund again later."
        )
    if order.status != OrderStatus.FULFILLED:
        return _record_only(event, now, NOT_REFUNDABLE)
    if (event.data.amount, event.data.currency) != (int(order.total_amount), order.currency):
        return _record_only(event, now, PARTIAL_REFUND)
    tx = Transaction()
    payment_events.add_record(tx, _record(event, now, REFUNDED))
    order_repo.add_refund(tx, order, event_id=event.id, now=now)
    try:
        retry_on_conflict(tx.commit)
    except TransactionCancelled as cancelled:
        if cancelled.failed("event"):
            return DUPLICATE
        if cancelled.failed("order"):
            return _record_only(event, now, NOT_REFUNDABLE)
        raise
    _publish_refunded(order, revoke_unused(order, now))
    return REFUNDED


def _publish_refunded(order: OrderItem, revoked: list[str]) -> None:
    detail = {"order_id": order.id, "partner_id": order.partner_id, "revoked_license_keys": revoked}
    publish(DomainEvent("OrderRefunded", event_id=f"order-refunded:{order.id}", detail=detail))


def revoke_unused(order: OrderItem, now: datetime) -> list[str]:
    """Revoke every key of the order that is still unused; keys in use keep working (a renewal's license
    is in use: refunding a renewal leaves its term to the operators)."""
    revoked: list[str] = []
    if order.renews_license:
        return revoked
    candidates = license_repo.unused(license_repo.get_many(list(order.license_keys)))
    for chunk in chunks(candidates, REVOCATIONS_PER_TRANSACTION):
        pending = chunk
        while pending:
            tx = Transaction()
            for license in pending:
                license_repo.add_revocation(tx, license, now=now, actor="payment-provider", reason="refund")
            order_repo.add_usage(tx, order.id, revoked=len(pending))
            try:
                retry_on_conflict(tx.commit)
            except TransactionCancelled as cancelled:
                in_use = {key for key in cancelled.reasons if cancelled.failed(key)}
                if not in_use:
                    raise
                pending = [license for license in pending if license.key not in in_use]
                continue
            revoked.extend(license.key for license in pending)
            break
    return revoked
