"""The table's stream into the outbox relay, locally: what Lambda's event source mapping does in AWS.

`StreamMapping.drain()` reads the table's DynamoDB stream (moto's or DynamoDB Local's) from where it
last got to, keeps the records the template's `FilterCriteria` lets through, and invokes the relay
function with batches of the template's `BatchSize`. A batch item failure is retried from the first
failed record on the next drain, as Lambda does; after `MaximumRetryAttempts` the batch goes to
`failed` (the on-failure destination) and the mapping moves on. A new mapping (a restarted dev server,
or a test that "kills" delivery) starts at the stream's beginning (`TRIM_HORIZON`, as the template
says), so whatever was committed but not delivered is delivered then.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import boto3

from devtools.gateway import REGION, LambdaContext, load_template
from licensing.infra.observability import logger

RELAY_MODULE = "functions.outbox_relay.app"
READ_LIMIT = 1000  # records per GetRecords, DynamoDB Streams' maximum

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class MappingConfig:
    """The relay's `DynamoDB` event in template.yaml."""

    batch_size: int
    max_attempts: int  # the first try and the retries
    patterns: tuple[dict[str, Any], ...]

    def admits(self, record: Mapping[str, Any]) -> bool:
        return not self.patterns or any(matches(pattern, record) for pattern in self.patterns)


def mapping_config(template: Mapping[str, Any] | None = None) -> MappingConfig:
    function = (template or load_template())["Resources"]["OutboxRelayFunction"]["Properties"]
    (source,) = [e["Properties"] for e in function["Events"].values() if e["Type"] == "DynamoDB"]
    filters = source.get("FilterCriteria", {}).get("Filters", [])
    return MappingConfig(
        batch_size=int(source.get("BatchSize", 100)),
        max_attempts=1 + int(source.get("MaximumRetryAttempts", 0)),
        patterns=tuple(json.loads(f["Pattern"]) for f in filters),
    )


def matches(pattern: Any, value: Any) -> bool:
    """Lambda's event filtering, for what the template uses: nested fields, listed values, prefixes."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(
            name in value and matches(inner, value[name]) for name, inner in pattern.items()
        )
    return any(
        value.startswith(choice["prefix"]) if isinstance(choice, dict) else choice == value
        for choice in pattern
        if not isinstance(choice, dict) or isinstance(value, str)
    )


def relay_handler() -> Handler:
    """The outbox relay function's handler."""
    handler: Handler = importlib.import_module(RELAY_MODULE).lambda_handler
    return handler


class StreamMapping:
    def __init__(self, handler: Handler, *, table_name: str | None = None) -> None:
        self._handler = handler
        self._table = table_name or os.environ.get("TABLE_NAME", "licensing")
        self._config = mapping_config()
        self._lock = threading.Lock()
        self._stream_arn: str | None = None
        self._positions: dict[str, str] = {}  # shard id -> the last sequence number handled
        self._attempts: dict[str, int] = {}  # shard id -> tries of the batch that keeps failing
        self.failed: list[dict[str, Any]] = []  # batches that ran out of retries (the on-failure queue)
        self.paused = False  # a test holds delivery back, as a relay that is down would

    def drain(self) -> int:
        """Deliver every record committed so far; returns the number of records handed to the relay."""
        if self.paused:
            return 0
        with self._lock:
            client = _streams_client()
            arn = self._current_stream(client)
            if arn is None:
                return 0
            if arn != self._stream_arn:  # a new table: its stream starts afresh
                self._stream_arn, self._positions, self._attempts = arn, {}, {}
            delivered = 0
            for shard_id in self._shards(client, arn):
                delivered += self._drain_shard(client, arn, shard_id)
            return delivered

    def _current_stream(self, client: Any) -> str | None:
        """The table's stream: the one found before while it is enabled, else the newest one listed.

        A table deleted and created again keeps its old streams listed (in AWS for 24 hours, in
        DynamoDB Local for good), a page of at most 100 at a time; a label is its stream's creation time.
        """
        if self._stream_arn is not None:
            try:
                described = client.describe_stream(StreamArn=self._stream_arn, Limit=1)["StreamDescription"]
            except client.exceptions.ResourceNotFoundException:
                described = {}
            if described.get("StreamStatus") in {"ENABLED", "ENABLING"}:
                return self._stream_arn
        streams: list[dict[str, Any]] = []
        start: dict[str, str] = {}
        while True:
            page = client.list_streams(TableName=self._table, **start)
            streams += page["Streams"]
            if not page.get("LastEvaluatedStreamArn"):
                break
            start = {"ExclusiveStartStreamArn": page["LastEvaluatedStreamArn"]}
        return str(max(streams, key=lambda stream: stream["StreamLabel"])["StreamArn"]) if streams else None

    def _shards(self, client: Any, arn: str) -> list[str]:
        """Every shard, parents before children (a child continues where its parent ended)."""
        shards: list[dict[str, Any]] = []
        start: dict[str, str] = {}
        while True:
            described = client.describe_stream(StreamArn=arn, **start)["StreamDescription"]
            shards += described["Shards"]
            if not described.get("LastEvaluatedShardId"):
                break
            start = {"ExclusiveStartShardId": described["LastEvaluatedShardId"]}
        known = {shard["ShardId"] for shard in shards}
        ordered: list[str] = []

        def visit(shard: dict[str, Any]) -> None:
            if shard["ShardId"] in ordered:
                return
            parent = shard.get("ParentShardId")
            if parent in known:
                visit(next(s for s in shards if s["ShardId"] == parent))
            ordered.append(shard["ShardId"])

        for shard in shards:
            visit(shard)
        return ordered

    def _drain_shard(self, client: Any, arn: str, shard_id: str) -> int:
        position = self._positions.get(shard_id)
        start = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": position}
            if position
            else {"ShardIteratorType": "TRIM_HORIZON"}
        )
        iterator = client.get_shard_iterator(StreamArn=arn, ShardId=shard_id, **start).get("ShardIterator")
        delivered = 0
        while iterator:
            page = client.get_records(ShardIterator=iterator, Limit=READ_LIMIT)
            records = page["Records"]
            if not records:
                break
            admitted = [r for r in records if self._config.admits(_filterable(r))]
            for first in range(0, len(admitted), self._config.batch_size):
                batch = admitted[first : first + self._config.batch_size]
                failed_at = self._invoke(batch)
                delivered += len(batch)
                if failed_at is not None:
                    self._retry_later(shard_id, batch, failed_at)
                    return delivered
                self._positions[shard_id] = batch[-1]["dynamodb"]["SequenceNumber"]
                self._attempts.pop(shard_id, None)
            self._positions[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
            iterator = page.get("NextShardIterator")
        return delivered

    def _invoke(self, batch: list[dict[str, Any]]) -> int | None:
        """The index of the first record the relay reported failed (or all of them when it raised)."""
        event = {"Records": [_as_lambda_record(record, self._stream_arn) for record in batch]}
        try:
            answer = self._handler(event, LambdaContext("outbox_relay", timeout_ms=60_000))
        except Exception:
            logger.exception("The outbox relay failed; the batch is retried", extra={"records": len(batch)})
            return 0
        failures = {f["itemIdentifier"] for f in (answer or {}).get("batchItemFailures", [])}
        numbers = [record["dynamodb"]["SequenceNumber"] for record in batch]
        return next((i for i, number in enumerate(numbers) if number in failures), None)

    def _retry_later(self, shard_id: str, batch: list[dict[str, Any]], failed_at: int) -> None:
        if failed_at:
            self._positions[shard_id] = batch[failed_at - 1]["dynamodb"]["SequenceNumber"]
        attempts = self._attempts.get(shard_id, 0) + 1
        if attempts < self._config.max_attempts:
            self._attempts[shard_id] = attempts
            return
        self.failed.append({"shard_id": shard_id, "records": batch[failed_at:]})  # given up: move on
        self._positions[shard_id] = batch[-1]["dynamodb"]["SequenceNumber"]
        self._attempts.pop(shard_id, None)


def _streams_client() -> Any:
    """The Streams API where the table is: DynamoDB Local and the moto server serve it at the DynamoDB
    endpoint; in-process moto at the regional name (botocore's account-based endpoint is unknown to it)."""
    region = os.environ.get("AWS_DEFAULT_REGION", REGION)
    local = os.environ.get("DYNAMODB_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    endpoint = local or f"https://streams.dynamodb.{region}.amazonaws.com"
    return boto3.client("dynamodbstreams", region_name=region, endpoint_url=endpoint)


def _filterable(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as Lambda's filter sees it."""
    return {"eventName": record.get("eventName"), "dynamodb": record.get("dynamodb", {})}


def _as_lambda_record(record: Mapping[str, Any], stream_arn: str | None) -> dict[str, Any]:
    """A GetRecords record in the shape Lambda passes (with `eventSourceARN`, times as numbers)."""
    change = dict(record.get("dynamodb", {}))
    created = change.get("ApproximateCreationDateTime")
    if created is not None and not isinstance(created, int | float):
        change["ApproximateCreationDateTime"] = created.timestamp()
    return {
        "eventID": record.get("eventID"),
        "eventName": record.get("eventName"),
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": record.get("awsRegion", REGION),
        "eventSourceARN": stream_arn,
        "dynamodb": change,
    }
