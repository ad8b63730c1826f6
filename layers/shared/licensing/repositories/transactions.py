"""A thin layer over PynamoDB's TransactWrite that names each item, so a cancellation says which
condition failed (DynamoDB reports reasons by position, and PynamoDB reorders items by kind)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from licensing.repositories.table import connection

MAX_ITEMS = 100
_KIND_ORDER = ("check", "delete", "put", "update")  # the order PynamoDB sends them in (pinned by a test)
T = TypeVar("T")


class TransactionCancelled(Exception):
    """The transaction wrote nothing; `reasons` maps the label of each failing item to DynamoDB's code."""

    def __init__(self, reasons: dict[str, str]) -> None:
        super().__init__(f"transaction cancelled: {reasons}")
        self.reasons = reasons

    def failed(self, label: str) -> bool:
        return self.reasons.get(label) == "ConditionalCheckFailed"

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

    def commit(self) -> None:
        if len(self._ops) > MAX_ITEMS:
            raise ValueError(f"a transaction holds at most {MAX_ITEMS} items, not {len(self._ops)}")
        ordered = sorted(self._ops, key=lambda op: _KIND_ORDER.index(op[0]))
        try:
            with TransactWrite(connection=connection()) as tx:
                for _, _, apply in ordered:
                    apply(tx)
        except TransactWriteError as error:
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


def retry_on_conflict(write: Callable[[], T], attempts: int = 5) -> T:
    """Run `write`, retrying with jittered backoff while DynamoDB reports a TransactionConflict."""
    for attempt in range(attempts):
        try:
            return write()
        except TransactionCancelled as cancelled:
            if not cancelled.conflict or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311 - jitter, not security
    raise AssertionError("unreachable")


def chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
