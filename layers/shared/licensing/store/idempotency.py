"""Idempotency-Key handling for the POSTs that change state: `PK=IDEMPOTENCY#<partner>#<key>`,
`SK=REQUEST`, expiring after 24 hours.

The record holds the request's fingerprint and a snapshot of its domain result, and is written in the
same transaction as the change, so a replay can never see a change without its record or the other way
round. A retry with the same key and body gets the first result back (rebuilt from the snapshot, so the
handler answers it as it answered the first time); the same key with another body is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from pynamodb.exceptions import DoesNotExist

from licensing.core.errors import Conflict, DomainError, IdempotencyKeyReused
from licensing.store.table import IdempotencyItem
from licensing.store.transactions import Transaction

SK = "REQUEST"
RETENTION = timedelta(hours=24)
RECORD = "idempotency"  # the record's label in the transaction that makes the change
T = TypeVar("T")


class FirstRequestWins(Conflict):
    """The transaction lost to an earlier request with the same key, which holds the record by now."""

    title = "An earlier request with this Idempotency-Key is being answered; retry shortly"


def pk(partner_id: str, key: str) -> str:
    return f"IDEMPOTENCY#{partner_id}#{key}"


class IdempotentRequest(NamedTuple):
    partner_id: str
    key: str | None  # None: the client sent no Idempotency-Key
    fingerprint: str

    @classmethod
    def of(cls, partner_id: str, key: str | None, route: str, body: dict[str, Any]) -> IdempotentRequest:
        canonical = json.dumps({"route": route, "body": body}, sort_keys=True, separators=(",", ":"))
        return cls(partner_id, key, hashlib.sha256(canonical.encode()).hexdigest())

    def run(self, attempt: Callable[[], T], replay: Callable[[dict[str, Any]], T], now: datetime) -> T:
        """`attempt()`; when it refuses the request and an earlier request with this key succeeded, the first
        result again (`replay` rebuilds it from the snapshot), even if the request would now be refused."""
        try:
            return attempt()
        except DomainError:
            if (first := self.first_result(now)) is not None:
                return replay(first)
            raise

    def add_record(
        self, tx: Transaction, *, result: dict[str, Any], order_id: str | None, now: datetime
    ) -> None:
        """Add the record to the transaction that makes the change (nothing without a key). An expired
        record that DynamoDB's TTL has not deleted yet no longer holds the key."""
        if not self.key:
            return
        record = IdempotencyItem(
            pk(self.partner_id, self.key),
            SK,
            request_hash=self.fingerprint,
            result=result,
            order_id=order_id,
            created_at=now,
            ttl=int((now + RETENTION).timestamp()),
        )
        expired = IdempotencyItem.ttl <= int(now.timestamp())
        tx.put(record, condition=IdempotencyItem.PK.does_not_exist() | expired, label=RECORD)

    def check(self, failed: frozenset[str]) -> None:
        """After a commit that handled RECORD: raise when an earlier request with this key won."""
        if RECORD in failed:
            raise FirstRequestWins()

    def first_result(self, now: datetime) -> dict[str, Any] | None:
        """The snapshot an earlier request with this key recorded, unless it expired; the same key with
        another body is refused."""
        if not self.key:
            return None
        try:
            record = IdempotencyItem.get(pk(self.partner_id, self.key), SK, consistent_read=True)
        except DoesNotExist:
            return None
        if record.ttl <= now.timestamp():  # DynamoDB deletes expired items lazily
            return None
        if record.request_hash != self.fingerprint:
            raise IdempotencyKeyReused("This Idempotency-Key was first used with a different request body.")
        if record.result is None:  # a record written before results were kept: it holds the key, no answer
            raise FirstRequestWins("This Idempotency-Key was used within the last day; use a new one.")
        return dict(record.result)
