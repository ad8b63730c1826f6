"""Keep moto's transactions linear in the table size (benchmarks and tests with large orders).

moto 5.2's `transact_write_items` backs up the table before writing, to roll back on failure, but it
takes that deep copy once per item of the transaction: a 100-item transaction on a table of n items
copies n items 100 times, and fulfilling a 1,000-license order takes minutes. Inside
`one_backup_per_transaction()` the copy is taken once per table per transaction and reused. The copies
are identical (all are taken before anything is written), so moto behaves exactly as before, rollback
included (of the table's stream too); only the time changes.

Even once per transaction, a copy of a 100,000-item table per transaction is too slow for a benchmark
that makes a thousand of them. `without_rollback_copies()` skips the copy altogether, at the price of
rollback: only for benchmarks that check every transaction's outcome.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models.table import Table


class _CopyModule:
    """Stands in for the `copy` module inside `moto.dynamodb.models`."""

    def __init__(self) -> None:
        self.backups: dict[int, Table] | None = None  # set while a transaction runs

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        if self.backups is None or not isinstance(value, Table):
            return copy.deepcopy(value, memo)
        if id(value) not in self.backups:
            self.backups[id(value)] = _copy_table(value)
        return self.backups[id(value)]

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _copy_table(table: Table) -> Table:
    """A deep copy of the table for rollback, but for its stream: a stream record never changes once
    written, so the copy's stream is a new list of the same records. Deep-copying every record ever
    written, once per transaction, made a long test or the dev server quadratic in its writes."""
    shard = table.stream_shard
    if shard is None:
        return copy.deepcopy(table)
    records, shard.items = shard.items, []
    try:
        clone = copy.deepcopy(table)
    finally:
        shard.items = records
    if clone.stream_shard is not None:
        clone.stream_shard.items = list(records)
    return clone


@contextmanager
def one_backup_per_transaction() -> Iterator[None]:
    copies = _CopyModule()
    original = dynamodb_models.DynamoDBBackend.transact_write_items

    def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
        copies.backups = {}
        try:
            original(backend, transact_items)
        finally:
            copies.backups = None

    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(dynamodb_models, "copy", copies))
        stack.enter_context(
            mock.patch.object(dynamodb_models.DynamoDBBackend, "transact_write_items", transact_write_items)
        )
        yield


class _NoTableCopies:
    """Stands in for the `copy` module inside `moto.dynamodb.models` during one transaction: a table is
    "copied" as itself, so moto takes no backup at all."""

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


@contextmanager
def without_rollback_copies() -> Iterator[None]:
    """For benchmarks whose transactions are known not to fail: moto skips its rollback copy of the
    table, so a transaction costs what its items cost, whatever the table's size.

    The price: a transaction that fails (a condition, a validation error) is not rolled back: moto
    writes each item whose own condition holds, and they stay written. Use it only where every
    transaction's outcome is checked afterwards (the sweeper benchmark checks what it visited and
    published, so a failure could not go unnoticed), never in tests of failure paths. It wins over
    `one_backup_per_transaction()` whichever of the two is entered first, and leaves it as it was on
    exit.
    """
    original = dynamodb_models.DynamoDBBackend.transact_write_items
    no_copies = _NoTableCopies()

    def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
        # Swapped in for the call itself, so an enclosing or enclosed one_backup_per_transaction()
        # (which also replaces `copy` there) cannot take its copy.
        with mock.patch.object(dynamodb_models, "copy", no_copies):
            original(backend, transact_items)

    with mock.patch.object(dynamodb_models.DynamoDBBackend, "transact_write_items", transact_write_items):
        yield
