"""The sweeper benchmark on small stocks: it runs, each size in a fresh table, the run visits exactly
the due licenses (the benchmark raises otherwise) and reads far less than the Scan baseline. The moto
shortcuts it takes change no answer, and without rollback copies a failed transaction stays half-done."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from bench import sweeper
from bench.world import World
from devtools.moto_transactions import without_rollback_copies
from licensing.licenses.index import due_partition
from licensing.store.table import SweepStateItem
from licensing.store.transactions import Transaction, TransactionCancelled
from tests.support.environment import TABLE


def test_sweeper_benchmark_reads_what_is_due_not_the_table(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweeper, "SIZES", (200, 300))
    result = sweeper.measure(World())
    assert [(size.licenses, size.due, size.visited) for size in result.sizes] == [(200, 2, 2), (300, 3, 3)]
    for size in result.sizes:
        assert size.published == {"RenewalReminderDue": size.due, "PartnerRenewalDigest": 2}
        assert size.index_entries == size.due
        assert size.run.kinds.count("TransactWriteItems") == 1
        # a visit per due license, then a digest per partner (written with the deletion of its lines)
        assert f"{size.due + 2} TransactWriteItems" in size.run.kinds
        # each due license read once, as its index entry; then each partner's thresholds: no read-back
        assert size.run.items_read == size.index_entries + 2
        assert size.scan.items_read >= size.licenses  # a fresh table: the licenses, the partners, the state
        assert size.scan.items_read < size.licenses + 20
        assert size.run.items_read * 10 < size.scan.items_read
    rendered = sweeper.table(result)
    assert "| 300 | 3 | sweeper run |" in rendered
    assert "baseline: full Scan" in rendered
    assert "published one `RenewalReminderDue` each" in rendered


def _answers() -> list[dict[str, Any]]:
    client = boto3.client("dynamodb")
    pages: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": TABLE, "Limit": 70}
    while True:
        page = client.scan(**request)
        pages.append({name: value for name, value in page.items() if name != "ResponseMetadata"})
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    for shard in range(4):
        page = client.query(
            TableName=TABLE, IndexName="GSI4", KeyConditionExpression="GSI4PK = :due",
            ExpressionAttributeValues={":due": {"S": due_partition(sweeper.NOW.date().isoformat(), shard)}},
        )  # fmt: skip
        pages.append({name: value for name, value in page.items() if name != "ResponseMetadata"})
    return pages


def test_quicker_moto_answers_as_moto_does(aws: None) -> None:
    with sweeper.quicker_moto():
        sweeper.seed(World(), 300)
        quick = _answers()
    assert _answers() == quick
    assert sum(len(page["Items"]) for page in quick[:-4]) >= 300
    assert sum(len(page["Items"]) for page in quick[-4:]) == 3


def test_without_rollback_copies_a_failed_transaction_is_not_rolled_back(aws: None) -> None:
    def put_two(first: str) -> None:
        tx = Transaction()
        for pk in (first, "b"):  # "b" exists: its condition fails
            tx.put(SweepStateItem(pk, "STATE"), condition=SweepStateItem.PK.does_not_exist(), label=pk)
        tx.commit()

    SweepStateItem("b", "STATE").save()
    with pytest.raises(TransactionCancelled):
        put_two("a")
    assert SweepStateItem.count("a") == 0  # moto rolled back
    with without_rollback_copies(), pytest.raises(TransactionCancelled):
        put_two("c")
    assert SweepStateItem.count("c") == 1  # nothing copied, nothing rolled back
