"""A monthly statement as an order (pure rules, no AWS): its deterministic id, and the `monthly_statement`
order paid through the payment webhook like any other, without issuing keys."""

from __future__ import annotations

import hashlib
from datetime import datetime

from licensing.billing.usage import Month, Statement
from licensing.core.ids import CROCKFORD
from licensing.orders.status import OrderStatus
from licensing.store.table import OrderItem

MONTHLY_STATEMENT = "monthly_statement"


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, index = divmod(value, 32)
        chars.append(CROCKFORD[index])
    return "".join(reversed(chars))


def statement_id(partner_id: str, month: Month) -> str:
    """`ord_` + a ULID-shaped id: the time of the month's end, then 80 bits of a hash of partner and month,
    so every run computes the same id for the same statement."""
    millis = int(month.end.timestamp()) * 1000
    digest = int.from_bytes(hashlib.sha256(f"{partner_id}#{month.label}".encode()).digest()[:10], "big")
    return f"ord_{_encode(millis, 10)}{_encode(digest, 16)}"


def statement_order(partner_id: str, month: Month, statement: Statement, *, catalog_version: str,
                    now: datetime) -> OrderItem:  # fmt: skip
    return OrderItem(
        id=statement_id(partner_id, month),
        partner_id=partner_id,
        type=MONTHLY_STATEMENT,
        billing="monthly",
        plan="monthly",
        status=OrderStatus.PENDING_PAYMENT.value,
        product=None,
        devices=None,
        years=None,
        licenses=len(statement.lines),
        currency=statement.currency,
        list_price_per_license=0,
        price_per_license=0,
        total_amount=statement.total,
        discounts=[],
        catalog_version=catalog_version,
        created_at=now,
        updated_at=now,
        month=month.label,
        statement=statement.stored(),
    )
