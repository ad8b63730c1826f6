"""Idempotency records: `PK=IDEMPOTENCY#<partner>#<key>`, `SK=REQUEST`, expiring after 24 hours.

The record is written in the same transaction as the order it answers for, so a replay can never see
an order without its record or the other way round.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist

from licensing.repositories.table import IdempotencyItem
from licensing.repositories.transactions import Transaction

SK = "REQUEST"
RETENTION = timedelta(hours=24)


def pk(partner_id: str, key: str) -> str:
    return f"IDEMPOTENCY#{partner_id}#{key}"


def get(partner_id: str, key: str) -> IdempotencyItem | None:
    try:
        return IdempotencyItem.get(pk(partner_id, key), SK, consistent_read=True)
    except DoesNotExist:
        return None


def add_record(
    tx: Transaction,
    *,
    partner_id: str,
    key: str,
    request_hash: str,
    status_code: int,
    response: dict[str, Any],
    order_id: str | None,
    now: datetime,
) -> None:
    record = IdempotencyItem(
        pk(partner_id, key),
        SK,
        request_hash=request_hash,
        status_code=status_code,
        response=response,
        order_id=order_id,
        created_at=now,
        ttl=int((now + RETENTION).timestamp()),
    )
    # An expired record that DynamoDB's TTL has not deleted yet no longer holds the key.
    expired = IdempotencyItem.ttl <= int(now.timestamp())
    tx.put(record, condition=IdempotencyItem.PK.does_not_exist() | expired, label="idempotency")
