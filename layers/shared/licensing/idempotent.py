"""Idempotency-Key handling for the POSTs that create orders: the record is written in the same
transaction as the order, and a retry with the same key and body gets the first answer back."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from licensing.errors import IdempotencyKeyReused
from licensing.repositories import idempotency as idempotency_repo
from licensing.repositories.table import IdempotencyItem
from licensing.repositories.transactions import Transaction, TransactionCancelled


@dataclass(frozen=True, slots=True)
class IdempotentRequest:
    partner_id: str
    key: str | None  # None: the client sent no Idempotency-Key
    fingerprint: str

    @classmethod
    def of(cls, partner_id: str, key: str | None, route: str, body: dict[str, Any]) -> IdempotentRequest:
        canonical = json.dumps({"route": route, "body": body}, sort_keys=True, separators=(",", ":"))
        return cls(partner_id, key, hashlib.sha256(canonical.encode()).hexdigest())

    def add_record(
        self,
        tx: Transaction,
        *,
        status_code: int,
        response: dict[str, Any],
        order_id: str | None,
        now: datetime,
    ) -> None:
        """Add the first answer to the transaction that makes the change (nothing without a key)."""
        if self.key:
            idempotency_repo.add_record(
                tx,
                partner_id=self.partner_id,
                key=self.key,
                request_hash=self.fingerprint,
                status_code=status_code,
                response=response,
                order_id=order_id,
                now=now,
            )

    def lost_to_first(self, cancelled: TransactionCancelled) -> bool:
        """True when the transaction failed because an earlier request with this key holds the record."""
        return bool(self.key) and cancelled.failed("idempotency")

    def replay(self, now: datetime) -> tuple[int, dict[str, Any]] | None:
        """The status and body first answered to this key, if there was one."""
        record = self.first_answer(now)
        return (int(record.status_code), dict(record.response)) if record else None

    def first_answer(self, now: datetime) -> IdempotencyItem | None:
        """The record of an earlier request with this key, if it has not expired; the same key with
        another body is refused."""
        if not self.key:
            return None
        record = idempotency_repo.get(self.partner_id, self.key)
        if record is None or record.ttl <= now.timestamp():  # DynamoDB deletes expired items lazily
            return None
        if record.request_hash != self.fingerprint:
            raise IdempotencyKeyReused("This Idempotency-Key was first used with a different request body.")
        return record
