"""DynamoDB transactions with named items, so a cancellation says which condition failed.

DynamoDB reports cancellation reasons by position, and PynamoDB reorders items by kind; each item here
carries a label instead (the constants live next to the repository that writes the item). `commit()`
retries a `TransactionConflict` (nothing was written) and reports the labelled conditions that failed
and that the caller said it handles; conflicts or transient failures that outlast the budget raise
`ServiceUnavailable`, anything else `TransactionCancelled`. Each attempt carries its own
ClientRequestToken, so botocore resending it after a lost answer is not applied twice.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from licensing.core import clock
from licensing.core.errors import ServiceUnavailable
from licensing.store.table import connection
from licensing.store.transient import BUSY, is_transient

if TYPE_CHECKING:
    from licensing.contracts.base import EventDetail

MAX_ITEMS = 100
CONFLICT_ATTEMPTS = 5
_KIND_ORDER = ("check", "delete", "put", "update")  # the order PynamoDB sends them in (pinned by a test)
_CONDITION_FAILED = "ConditionalCheckFailed"
T = TypeVar("T")


class TransactionCancelled(Exception):
    """The transaction wrote nothing; `reasons` maps the label of each failing item to DynamoDB's code."""

    def __init__(self, reasons: dict[str, str]) -> None:
        super().__init__(f"transaction cancelled: {reasons}")
        self.reasons = reasons

    @property
    def conflict(self) -> bool:
        return any(code == "TransactionConflict" for code in self.reasons.values())


class Transaction:
    def __init__(self) -> None:
        self._ops: list[tuple[str, str, Callable[[TransactWrite], None]]] = []

    def __len__(self) -> int:
        return len(self._ops)

    def put(self, item: Model, *, condition: Condition | None = None, label: str = "") -> Transaction:
        self._ops.append(("put", label, lambda tx: tx.save(item, condition=condition)))
        return self

    def delete(self, item: Model, *, condition: Condition | None = None, label: str = "") -> Transaction:
        self._ops.append(("delete", label, lambda tx: tx.delete(item, condition=condition)))
        return self

    def update(
        self,
        item: Model,
        actions: list[Action],
        *,
        condition: Condition | None = None,
        label: str = "",
        versioned: bool = True,
    ) -> Transaction:
        def op(tx: TransactWrite) -> None:
            # A fresh list each attempt: PynamoDB appends its version increment to the list it is given.
            tx.update(item, list(actions), condition=condition, add_version_condition=versioned)

        self._ops.append(("update", label, op))
        return self

    def emit(self, *details: EventDetail) -> Transaction:
        """Announce domain events with this change: each is written to the outbox in this transaction."""
        from licensing.store import outbox  # the event models (pydantic) load only where events are made

        now = clock.now()
        for detail in details:
            self.put(outbox.item(detail, now), label=f"event:{detail.event_id}")
        return self

    def commit(self, *handled: str) -> frozenset[str]:
        """Write every item or none. Returns the labels among `handled` whose condition failed (empty when
        the transaction was written); a failed condition the caller does not handle, or any other reason,
        raises TransactionCancelled. TransactionConflicts are retried with jittered backoff; when they, or
        throttling and 5xx past botocore's own retries, outlast the budget: ServiceUnavailable."""
        for attempt in range(CONFLICT_ATTEMPTS):
            try:
                self._write()
                return frozenset()
            except TransactionCancelled as cancelled:
                if cancelled.conflict and attempt < CONFLICT_ATTEMPTS - 1:
                    backoff(attempt)
                    continue
                if cancelled.conflict:
                    raise ServiceUnavailable(BUSY) from cancelled
                failed = {label for label, code in cancelled.reasons.items() if code == _CONDITION_FAILED}
                if failed and failed == set(cancelled.reasons) and failed <= set(handled):
                    return frozenset(failed)
                raise
        raise AssertionError("unreachable")

    def _write(self) -> None:
        if len(self._ops) > MAX_ITEMS:
            raise ValueError(f"a transaction holds at most {MAX_ITEMS} items, not {len(self._ops)}")
        ordered = sorted(self._ops, key=lambda op: _KIND_ORDER.index(op[0]))
        try:
            with TransactWrite(connection=connection(), client_request_token=uuid.uuid4().hex) as tx:
                for _, _, apply in ordered:
                    apply(tx)
        except TransactWriteError as error:
            if is_transient(error):
                raise ServiceUnavailable(BUSY) from error
            reasons = {
                label or str(index): reason.code
                for index, ((_, label, _), reason) in enumerate(
                    zip(ordered, error.cancellation_reasons, strict=False)
                )
                if reason is not None
            }
            if not reasons:
                raise
            raise TransactionCancelled(reasons) from error


def backoff(attempt: int) -> None:
    """The pause before a transaction's next attempt after a conflict: full jitter, 50 ms doubling."""
    time.sleep(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311 - jitter, not security


def write_each(
    items: Sequence[T], label: Callable[[T], str], add: Callable[[Transaction, list[T]], None]
) -> list[T]:
    """Write `items` in one transaction (`add` puts them in it, each under `label(item)`); an item whose
    condition fails is left out and the rest written again. Returns the items written."""
    pending = list(items)
    while pending:
        tx = Transaction()
        add(tx, pending)
        failed = tx.commit(*(label(item) for item in pending))
        if not failed:
            return pending
        pending = [item for item in pending if label(item) not in failed]
    return []


def chunks(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
