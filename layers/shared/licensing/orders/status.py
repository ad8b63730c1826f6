"""An order's life: it awaits payment, is paid (its keys being written, then written), or ends unpaid
or refunded."""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    FULFILLING = "fulfilling"  # paid; keys chosen and being written in chunks
    FULFILLED = "fulfilled"
    PAYMENT_FAILED = "payment_failed"
    PAYMENT_MISMATCH = "payment_mismatch"
    REFUNDED = "refunded"


# An order may be paid while it awaits payment, or after a declined attempt was reported.
PAYABLE = (OrderStatus.PENDING_PAYMENT, OrderStatus.PAYMENT_FAILED)
