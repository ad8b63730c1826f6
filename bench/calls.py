"""What one DynamoDB API call read and wrote, and its estimated capacity units.

A call's parameters and response (DynamoDB JSON, as botocore's client sees them) say what was read.
What was written is measured: the caller snapshots, before and after the call, the items the call
targets (`targets`), and a write is charged for the larger of the two versions. A `ConditionCheck` in
a transaction is charged as a strongly consistent read of the checked item, doubled like every
transactional item: an approximation, the guide only says each transaction item costs twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from bench.capacity import item_size, read_units, write_units

Item = Mapping[str, Mapping[str, Any]]
KeyNames = Callable[[str], tuple[str, ...]]  # table name -> its key attribute names
Sizes = Mapping["ItemRef", int]  # item -> size in bytes, absent when the item does not exist


class ItemRef(NamedTuple):
    """A hashable reference to one item: its table and its key as (name, type, value) triples."""

    table: str
    key: tuple[tuple[str, str, Any], ...]

    @classmethod
    def of(cls, table: str, item: Item, key_names: tuple[str, ...]) -> ItemRef:
        return cls(table, tuple((name, *next(iter(item[name].items()))) for name in sorted(key_names)))

    def as_key(self) -> dict[str, dict[str, Any]]:
        return {name: {kind: value} for name, kind, value in self.key}


class Target(NamedTuple):
    ref: ItemRef
    action: Literal["write", "check"]
    transactional: bool


@dataclass(frozen=True, slots=True)
class CallCost:
    operation: str
    items_read: int = 0
    items_written: int = 0
    rcu: float = 0.0
    wcu: float = 0.0
    failed: bool = False


def targets(operation: str, params: Mapping[str, Any], key_names: KeyNames) -> list[Target]:
    """The items a write call may change or condition-check; empty for reads and control calls."""

    def ref(table: str, item: Item) -> ItemRef:
        return ItemRef.of(table, item, key_names(table))

    match operation:
        case "PutItem":
            return [Target(ref(params["TableName"], params["Item"]), "write", False)]
        case "UpdateItem" | "DeleteItem":
            return [Target(ref(params["TableName"], params["Key"]), "write", False)]
        case "BatchWriteItem":
            return [
                Target(ref(table, _written_item(request)), "write", False)
                for table, requests in params["RequestItems"].items()
                for request in requests
            ]
        case "TransactWriteItems":
            found = []
            for entry in params["TransactItems"]:
                (kind, spec), *_ = entry.items()
                item = spec["Item"] if kind == "Put" else spec["Key"]
                action: Literal["write", "check"] = "check" if kind == "ConditionCheck" else "write"
                found.append(Target(ref(spec["TableName"], item), action, True))
            return found
    return []


def _written_item(request: Mapping[str, Any]) -> Item:
    """The item (or, for a delete, the key) of one BatchWriteItem request."""
    if "PutRequest" in request:
        item: Item = request["PutRequest"]["Item"]
        return item
    key: Item = request["DeleteRequest"]["Key"]
    return key


def _reads(operation: str, params: Mapping[str, Any], response: Mapping[str, Any]) -> tuple[int, float]:
    """Items read and their RCU, from the response."""
    match operation:
        case "GetItem":
            item = response.get("Item")
            size = item_size(item) if item else 0
            return (1 if item else 0), read_units(size, consistent=bool(params.get("ConsistentRead")))
        case "BatchGetItem":
            count, units = 0, 0.0
            for table, request in params["RequestItems"].items():
                consistent = bool(request.get("ConsistentRead"))
                items = response.get("Responses", {}).get(table, [])
                unprocessed = len(response.get("UnprocessedKeys", {}).get(table, {}).get("Keys", []))
                missing = len(request["Keys"]) - len(items) - unprocessed  # still a minimum read each
                count += len(items)
                units += sum(read_units(item_size(item), consistent=consistent) for item in items)
                units += missing * read_units(0, consistent=consistent)
            return count, units
        case "Query" | "Scan":  # the items returned; a filter's discarded items are not seen here
            items = response.get("Items", [])
            size = sum(item_size(item) for item in items)
            return len(items), read_units(size, consistent=bool(params.get("ConsistentRead")))
        case "TransactGetItems":
            items = [entry["Item"] for entry in response.get("Responses", []) if entry.get("Item")]
            sizes = [item_size(item) for item in items]
            sizes += [0] * (len(params["TransactItems"]) - len(items))  # a missing item still costs
            return len(items), sum(read_units(size, consistent=True, transactional=True) for size in sizes)
    return 0, 0.0


def cost(
    operation: str,
    params: Mapping[str, Any],
    response: Mapping[str, Any] | None,
    found: list[Target],
    before: Sizes,
    after: Sizes,
) -> CallCost:
    """The call's cost; `response` is None when the call failed (then `after` equals `before`)."""
    items_read, rcu = _reads(operation, params, response) if response is not None else (0, 0.0)
    items_written, wcu = 0, 0.0
    for target in found:
        if target.action == "check":
            items_read += 1
            size = before.get(target.ref, 0)
            rcu += read_units(size, consistent=True, transactional=target.transactional)
        else:
            if response is not None:  # a failed write writes nothing (but is still charged)
                items_written += 1
            size = max(before.get(target.ref, 0), after.get(target.ref, 0))
            wcu += write_units(size, transactional=target.transactional)
    return CallCost(operation, items_read, items_written, rcu, wcu, failed=response is None)
