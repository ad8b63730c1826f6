"""Records every DynamoDB call made inside `Recorder.operation(name)`, with its estimated cost.

The recorder wraps `botocore.client.BaseClient._make_api_call`, which boto3 and PynamoDB both go
through, so it sees each call's parameters and response. Around a write it snapshots the targeted
items with its own probe client, whose calls are neither recorded nor counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from unittest import mock

import boto3
from botocore.client import BaseClient

from bench.calls import CallCost, ItemRef, Target, cost, targets
from bench.capacity import item_size

BATCH_GET_LIMIT = 100
ApiCall = Callable[[BaseClient, str, dict[str, Any]], Any]  # BaseClient._make_api_call


@dataclass(slots=True)
class Operation:
    name: str
    calls: list[CallCost] = field(default_factory=list)

    @property
    def kinds(self) -> str:
        """E.g. `1 GetItem + 2 TransactWriteItems`, in the order the calls were first made."""
        counts = Counter(call.operation for call in self.calls)
        text = " + ".join(f"{count} {name}" for name, count in counts.items()) or "none"
        failed = sum(call.failed for call in self.calls)
        return f"{text} ({failed} failed)" if failed else text

    @property
    def items_read(self) -> int:
        return sum(call.items_read for call in self.calls)

    @property
    def items_written(self) -> int:
        return sum(call.items_written for call in self.calls)

    @property
    def rcu(self) -> float:
        return sum(call.rcu for call in self.calls)

    @property
    def wcu(self) -> float:
        return sum(call.wcu for call in self.calls)


class Recorder:
    """Use as a context manager (inside `moto.mock_aws()`); calls outside an operation pass through."""

    def __init__(self) -> None:
        self.operations: list[Operation] = []
        self._current: Operation | None = None
        self._probe = boto3.client("dynamodb")
        self._key_names: dict[str, tuple[str, ...]] = {}
        original: ApiCall = BaseClient._make_api_call  # type: ignore[attr-defined]  # private, unstubbed
        recorder = self

        def make_api_call(client: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
            if (
                recorder._current is None
                or client is recorder._probe
                or client.meta.service_model.service_name != "dynamodb"
            ):
                return original(client, operation_name, api_params)
            return recorder._record(recorder._current, original, client, operation_name, api_params)

        self._patch = mock.patch.object(BaseClient, "_make_api_call", make_api_call)

    def __enter__(self) -> Recorder:
        self._patch.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._patch.stop()

    @contextmanager
    def operation(self, name: str) -> Iterator[None]:
        operation = Operation(name)
        self._current = operation
        try:
            yield
        finally:
            self._current = None
        self.operations.append(operation)

    def _record(
        self, into: Operation, original: ApiCall, client: BaseClient, name: str, params: dict[str, Any]
    ) -> Any:
        found = targets(name, params, self._key_names_of)
        before = self._sizes(found)
        try:
            response = original(client, name, params)
        except Exception:
            into.calls.append(cost(name, params, None, found, before, before))
            raise
        into.calls.append(cost(name, params, response, found, before, self._sizes(found)))
        return response

    def _key_names_of(self, table: str) -> tuple[str, ...]:
        if table not in self._key_names:
            schema = self._probe.describe_table(TableName=table)["Table"]["KeySchema"]
            self._key_names[table] = tuple(part["AttributeName"] for part in schema)
        return self._key_names[table]

    def _sizes(self, found: list[Target]) -> Mapping[ItemRef, int]:
        """The current size of each targeted item that exists, read with strongly consistent reads."""
        by_table: dict[str, list[ItemRef]] = {}
        for ref in dict.fromkeys(target.ref for target in found):
            by_table.setdefault(ref.table, []).append(ref)
        sizes: dict[ItemRef, int] = {}
        for table, refs in by_table.items():
            names = self._key_names_of(table)
            for start in range(0, len(refs), BATCH_GET_LIMIT):
                pending: Any = {
                    table: {
                        "Keys": [ref.as_key() for ref in refs[start : start + BATCH_GET_LIMIT]],
                        "ConsistentRead": True,
                    }
                }
                while pending:
                    answer = self._probe.batch_get_item(RequestItems=pending)
                    for item in answer["Responses"].get(table, []):
                        sizes[ItemRef.of(table, item, names)] = item_size(item)
                    pending = answer.get("UnprocessedKeys") or None
        return sizes
