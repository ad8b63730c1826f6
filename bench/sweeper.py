"""The sweeper at 10,000 and 100,000 activated licenses, 1% of them due: calls, items read, estimated
capacity and wall time of one run, next to a full Scan of the table (what a sweeper without the due
index would read) as the baseline. Each size gets a fresh table.

The stock is written straight to the table in the state an hourly sweeper leaves it: each license's
next look is its 30-day renewal reminder (`due_at` = expiry - 30 days, GSI4 keyed by that), and the
checkpoint is the day of the run. For 1% of the licenses that moment fell in the hours before the run;
for the others it is one to ninety days ahead. The run must visit exactly the due licenses and publish
one `RenewalReminderDue` for each (and each in one of its partner's digests), or the benchmark raises.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import boto3
from botocore.client import BaseClient
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models import dynamo_type
from moto.dynamodb.models.table import Table
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.responses import DynamoHandler, DynamoResult

from bench.recorder import Operation, Recorder
from bench.report import markdown_table
from bench.world import BenchError, World
from devtools.moto_transactions import without_rollback_copies
from devtools.streams import StreamMapping, relay_handler
from licensing.infra import bus
from licensing.licenses import repository as license_repo
from licensing.licenses.index import due_keys
from licensing.licenses.keys import generate_key
from licensing.store.table import LicenseItem, SweepStateItem
from licensing.sweeper import repository as sweeps
from licensing.sweeper import run as sweeper

SIZES = (10_000, 100_000)
DUE_EVERY = 100  # one license in a hundred is due: 1%
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)  # the sweep's scheduled time
REMINDER_DAYS = 30  # the partners' first (default) renewal reminder: the look every license awaits
DUE_INDEX = LicenseItem.due_index.Meta.index_name
REMINDER, DIGEST = "RenewalReminderDue", "PartnerRenewalDigest"
PRODUCTS = ("home", "business", "enterprise")


@dataclass(frozen=True, slots=True)
class Size:
    licenses: int
    due: int
    run: Operation
    index_entries: int  # GSI4 entries the run read
    seconds: float  # the run's wall time, recorded, in moto
    visited: int
    published: dict[str, int]
    scan: Operation
    seed_seconds: float
    scan_seconds: float

    @property
    def items_ratio(self) -> float:
        return self.scan.items_read / max(self.run.items_read, 1)

    @property
    def reads_per_due(self) -> float:
        """Items the run read per due license: each due license's index entry, plus the run's own reads
        (the lock, each partner's thresholds, the digest lines a stopped run may have left)."""
        return self.run.items_read / max(self.due, 1)

    @property
    def rcu_ratio(self) -> float:
        return self.scan.rcu / max(self.run.rcu, 0.5)


@dataclass(frozen=True, slots=True)
class Result:
    sizes: list[Size]


def seed(world: World, count: int) -> dict[str, str]:
    """`count` activated licenses of the world's two partners, written straight to the table with
    their sweeper schedule, and the checkpoint at the run's day; returns the due ones' partners by key."""
    partners = (world.prepaid.id, world.monthly.id)
    due: dict[str, str] = {}
    with LicenseItem.batch_write() as batch:
        for n in range(count):
            if n % DUE_EVERY == 0:  # its reminder fell due in the ten hours before the run
                reminder_at = NOW - timedelta(minutes=1 + (n // DUE_EVERY) % 600)
            else:  # due in one to ninety days
                reminder_at = NOW + timedelta(days=1, minutes=(n * 37) % (89 * 24 * 60))
            expires = reminder_at + timedelta(days=REMINDER_DAYS)
            activated = expires - timedelta(days=365)
            purchased = activated - timedelta(days=2)
            key, partner = generate_key(), partners[(n + n // DUE_EVERY) % 2]  # the due ones alternate too
            license = LicenseItem(
                license_repo.pk(key), license_repo.SK, key=key, product=PRODUCTS[n % 3],
                devices=1 + n % 7 * 5, term_months=12, partner_id=partner,
                order_id=f"ord_bench{n // 100:06d}", purchased_at=purchased,
                activation_deadline=purchased + timedelta(days=90), activated_at=activated,
                expires_at=expires, workspace_id=f"ws-{n}", customer_ref=f"CUST-{n % 977}", version=1,
            )  # fmt: skip
            license = license_repo.listed_under(license, partner, NOW)  # sweep_term, first look
            # The first look (90 days before expiry) is past: the sweeper then scheduled the reminder.
            license.due_at = reminder_at
            license.GSI4PK, license.GSI4SK = due_keys(key, reminder_at)
            batch.save(license)
            if n % DUE_EVERY == 0:
                due[key] = partner
    # The hourly schedule has swept up to today: the run starts at the bucket of its own day.
    SweepStateItem(sweeps.STATE_PK, sweeps.STATE_SK, swept_until=NOW.date().isoformat()).save()
    return due


def measure(world: World) -> Result:
    """Every size in turn, each in a fresh table (the first in `world`'s, the next ones recreated)."""
    sizes: list[Size] = []
    with quicker_moto():
        for index, count in enumerate(SIZES):
            if index:
                world = _fresh_world()
            sizes.append(_measure(world, count))
    return Result(sizes)


def _fresh_world() -> World:
    client = boto3.client("dynamodb")
    table = LicenseItem.Meta.table_name
    client.delete_table(TableName=table)
    client.get_waiter("table_not_exists").wait(TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    return World()


def _measure(world: World, count: int) -> Size:
    started = time.perf_counter()
    due = seed(world, count)
    seed_seconds = time.perf_counter() - started
    published = bus.RecordingPublisher()
    bus.set_publisher(published)
    stream = StreamMapping(relay_handler())
    stream.drain()  # the seeding's records: none is an event
    entries = [0]
    with Recorder() as recorder, _counting_index_reads(entries):
        started = time.perf_counter()
        with recorder.operation("sweeper run"), without_rollback_copies():
            summary = sweeper.run(NOW, run_id="bench-sweep")
        seconds = time.perf_counter() - started
        index_entries = entries[0]
        started = time.perf_counter()
        with recorder.operation("full Scan"):
            scanned = _scan_everything()
        scan_seconds = time.perf_counter() - started
    stream.drain()  # what the run wrote to the outbox, delivered by the relay (not counted: another function)
    _check(summary, published, due)
    if scanned < count:
        raise BenchError(f"the Scan read {scanned} items, fewer than the {count} licenses seeded")
    run, scan = recorder.operations
    return Size(
        count, len(due), run, index_entries, seconds, summary.visited, dict(summary.published), scan,
        seed_seconds, scan_seconds,
    )  # fmt: skip


def _check(summary: sweeper.Summary, published: bus.RecordingPublisher, due: dict[str, str]) -> None:
    """The run visited exactly the due licenses and published their reminders, once each."""
    if not summary.complete or summary.skipped:
        raise BenchError(f"the sweep did not complete: {summary.as_json()}")
    if summary.visited != len(due):
        raise BenchError(f"the sweep visited {summary.visited} licenses, {len(due)} are due")
    reminded = [event.detail["license_key"] for event in published.events if event.detail_type == REMINDER]
    if len(reminded) != len(due) or set(reminded) != set(due) or summary.published[REMINDER] != len(due):
        raise BenchError(
            f"{len(reminded)} reminders published for {len(due)} due licenses: {summary.as_json()}"
        )
    digests = [event.detail for event in published.events if event.detail_type == DIGEST]
    digested = sorted(key for detail in digests for key in detail["license_keys"])  # each exactly once
    partners = {detail["partner_id"] for detail in digests}
    kinds = set(summary.published)
    if digested != sorted(due) or partners != set(due.values()) or kinds != {REMINDER, DIGEST}:
        raise BenchError(f"unexpected events published: {summary.as_json()}")
    if sweeps.waiting_lines():
        raise BenchError("the sweep left digest lines without their digest")


def _scan_everything() -> int:
    """The baseline: every item of the table, page by page, as a sweeper without the index would read."""
    client = boto3.client("dynamodb")
    pages: dict[str, Any] = {"TableName": LicenseItem.Meta.table_name}
    scanned = 0
    while True:
        page = client.scan(**pages)
        scanned += len(page["Items"])
        if "LastEvaluatedKey" not in page:
            return scanned
        pages["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@contextmanager
def _counting_index_reads(entries: list[int]) -> Iterator[None]:
    """Count the entries GSI4 queries return (inside the Recorder, whose patch it wraps)."""
    inner = BaseClient._make_api_call  # type: ignore[attr-defined]  # private, unstubbed

    def make_api_call(client: BaseClient, name: str, params: dict[str, Any]) -> Any:
        response = inner(client, name, params)
        if name == "Query" and params.get("IndexName") == DUE_INDEX:
            entries[0] += len(response.get("Items", []))
        return response

    with mock.patch.object(BaseClient, "_make_api_call", make_api_call):
        yield


@contextmanager
def quicker_moto() -> Iterator[None]:
    """moto (5.2), quicker where its cost grows with the table rather than with the request, every
    answer unchanged (tests/api/test_bench_sweeper.py compares them). At 10,000 licenses it takes the
    seeding from 13 s to 8, the run from 5 s to 3 and the Scan from 27 s to 5; the sort below grows
    faster than the table, so at 100,000 the difference is larger still:

    - each Query and each Scan page sorts the whole table by its keys, comparing moto's `DynamoType`s;
      with string keys (this table's) the same order comes from sorting the strings themselves;
    - creating an item re-adds the sizes of all its attributes at each attribute, to check the 400 KB
      limit: the same check, on the total once;
    - a Query or Scan answer goes through moto's generic response serializer at some milliseconds per
      item: the items (plain DynamoDB JSON already) are written out by `json` instead.
    """
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(Table, "all_items", _sorted_by_string_keys(Table.all_items)))
        stack.enter_context(mock.patch.object(dynamo_type.Item, "__init__", _item_sized_once))
        stack.enter_context(
            mock.patch.object(DynamoHandler, "serialized", _items_as_json(DynamoHandler.serialized))
        )
        yield


def _sorted_by_string_keys(all_items: Any) -> Any:
    def sorted_items(table: Table) -> list[Any]:
        items = (
            [item for by_hash in table.items.values() for item in by_hash.values()]
            if table.range_key_attr
            else []
        )
        if items and all(
            item.hash_key.type == "S" and item.range_key is not None and item.range_key.type == "S"
            and item.range_key.value
            for item in items
        ):  # fmt: skip
            return sorted(items, key=lambda item: (item.hash_key.value, item.range_key.value))
        return all_items(table)  # type: ignore[no-any-return]

    return sorted_items


def _item_sized_once(item: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
    item.hash_key, item.range_key = hash_key, range_key
    values = {name: dynamo_type.DynamoType(value) for name, value in attrs.items()}
    if sum(bytesize(name) + value.size() for name, value in values.items()) > 405_000:
        raise ItemSizeTooLarge  # moto's limit, as LimitedSizeDict checks it
    item.attrs = dynamo_type.LimitedSizeDict()
    dict.update(item.attrs, values)


def _items_as_json(serialized: Any) -> Any:
    def items_as_json(handler: DynamoHandler, result: Any) -> Any:
        answer = result.result
        if (
            type(result) is DynamoResult
            and isinstance(answer, dict)
            and isinstance(answer.get("Items"), list)
        ):
            try:
                items = json.dumps(answer["Items"])  # a binary value or a set: left to moto
            except TypeError:
                return serialized(handler, result)
            status, headers, body = serialized(handler, DynamoResult({**answer, "Items": []}))
            whole = json.loads(body)
            if whole.get("Items") == []:
                whole["Items"] = None
                return status, headers, json.dumps(whole).replace('"Items": null', f'"Items": {items}', 1)
        return serialized(handler, result)

    return items_as_json


def table(result: Result) -> str:
    rows: list[list[str]] = []
    for size in result.sizes:
        run, scan = size.run, size.scan
        rows.append([
            f"{size.licenses:,}", f"{size.due:,}", "sweeper run", run.kinds,
            f"{run.items_read:,} ({size.index_entries:,} GSI4)", f"{size.reads_per_due:.3f}",
            _units(run.rcu), _units(run.wcu),
            f"{size.seconds:,.1f}", f"{size.seconds * 1000 / max(size.due, 1):,.1f}",
        ])  # fmt: skip
        rows.append([
            f"{size.licenses:,}", "", "baseline: full Scan", scan.kinds, f"{scan.items_read:,}",
            f"{scan.items_read / max(size.due, 1):,.0f}", _units(scan.rcu), "0", "-", "-",
        ])  # fmt: skip
    headers = [
        "licenses", "due", "operation", "calls (moto)", "items read", "read per due item", "est. RCU",
        "est. WCU",
        "wall s (moto)", "ms per due item",
    ]  # fmt: skip
    ratios = "; ".join(
        f"at {size.licenses:,} licenses the Scan reads {size.items_ratio:,.0f}x the items and "
        f"{size.rcu_ratio:,.0f}x the RCU of the run"
        for size in result.sizes
    )
    sent = ", ".join(
        f"{size.published.get(REMINDER, 0):,} reminders for {size.due:,} due" for size in result.sizes
    )
    summary = (
        f"\n{ratios[0].upper()}{ratios[1:]}. Every run visited exactly the due licenses and published one "
        f"`{REMINDER}` each ({sent}), and listed each of them in one of its partner's `{DIGEST}` events."
    )
    return markdown_table(headers, rows, right=[0, 1, 4, 5, 6, 7, 8]) + "\n" + summary


def _units(value: float) -> str:
    """`20.5`, `9,654.5`: thousands separated, no trailing zeros."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")
