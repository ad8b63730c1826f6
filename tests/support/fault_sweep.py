"""A write path under every fault at every one of its DynamoDB calls (tests/support/faults.py).

For a write path (an `act()` that makes one change and can be repeated as a client would: the same
Idempotency-Key, the webhook redelivered, the schedule firing again), `sweep()` first runs it unfaulted
from a saved table, then, from the same table each time, with each fault kind at each call in turn,
once (botocore's retry should absorb it) and from that call on (the budget runs out). After each faulted
run it checks that the caller got the normal answer or a 503 with Retry-After, that the table holds the
whole change or none of it, and that one retry then leaves exactly the unfaulted run's table.

Tables and answers are compared whole, with one thing replaced: the identifiers a run draws at random
(ULIDs, license keys, UUIDs), which differ from run to run by design.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from devtools.gateway import HttpResponse
from licensing.core.errors import ServiceUnavailable
from licensing.store.table import REGION
from licensing.store.transient import is_transient
from tests.support.environment import TABLE
from tests.support.faults import KINDS, LOST, Faults

RANDOM_IDS = re.compile(
    r"[0-9A-HJKMNP-TV-Z]{26}"  # the random part of an id (licensing.core.ids)
    r"|[0-9A-Z]{5}(?:-[0-9A-Z]{5}){4}"  # a license key
    r"|[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}"  # a UUID (run ids, claim ids)
    r"|(?<=DUE#\d{4}-\d\d-\d\d#)\d+"  # the sweeper's shard, a hash of the license key
    r"|sweep-\d+"  # a sweeper run's id (wall-clock nanoseconds)
)
Answer = tuple[int, str]  # status and the body with its random ids replaced


def normalized(text: str) -> str:
    return RANDOM_IDS.sub("<id>", text)


def http_answer(response: HttpResponse) -> Answer:
    if response.status == 503:
        assert response.headers.get("Retry-After", "").isdigit(), response.headers
        problem = response.json()
        assert problem["code"] == "SERVICE_UNAVAILABLE" and problem["request_id"], problem
        assert "Traceback" not in response.body and "DynamoDB" not in response.body
    return response.status, normalized(response.body)


def run_answer(run: Callable[[], Any]) -> Answer:
    """A scheduled function's answer: its summary, or 503 when it stopped on a transient failure (the
    schedule or Lambda's retry runs it again)."""
    try:
        return 200, normalized(json.dumps(run(), sort_keys=True, default=str))
    except Exception as error:
        assert isinstance(error, ServiceUnavailable) or is_transient(error), repr(error)
        return 503, "unavailable"


def _table() -> Any:
    return dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables[TABLE]


def save() -> Any:
    return copy.deepcopy(_table())


def restore(saved: Any) -> None:
    dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables[TABLE] = copy.deepcopy(saved)


def state() -> list[str]:
    """Every item of the table, read from moto itself (no DynamoDB call to count or to fault)."""
    items = (json.dumps(item.to_json()["Attributes"], sort_keys=True) for item in _table().all_items())
    return sorted(normalized(item) for item in items)


WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"})


def _operations(kind: str) -> frozenset[str] | None:
    """The calls a fault of `kind` is injected at, in turn: a conflict cancels transactions only (Faults
    sees to it), an answer lost after the call was applied matters for writes only (a read's is a failed
    read, as a 500 is), like over-capacity, which botocore treats as throttling; throttling and 500s meet
    every call."""
    return WRITES if kind in LOST or kind == "over_capacity" else None


def _eligible(kind: str, calls: list[str]) -> list[str]:
    allowed = frozenset({"TransactWriteItems"}) if kind == "conflict" else _operations(kind)
    return [name for name in calls if allowed is None or name in allowed]


@dataclass
class _Baseline:
    """The write path and its unfaulted run: the table before and after, its answer and a repeat's."""

    act: Callable[[], Answer]
    retry: Callable[[], Answer]
    steps: bool
    saved: Any
    before: list[str]
    after: list[str]
    normal: Answer
    resent: Answer


@dataclass
class Figures:
    path: str
    calls: int = 0  # DynamoDB calls of the unfaulted operation
    runs: int = 0  # faulted runs
    injected: int = 0  # faults sent (a fault repeated on botocore's retries counts each time)
    survived: int = 0  # runs answered normally
    unavailable: int = 0  # runs answered 503
    lost_applied: int = 0  # lost answers whose write had been applied

    def counts(self) -> dict[str, int]:
        return {name: value for name, value in dataclasses.asdict(self).items() if name != "path"}


def sweep(
    path: str,
    faults: Faults,
    act: Callable[[], Answer],
    *,
    retry: Callable[[], Answer] | None = None,
    steps: bool = False,
    kinds: tuple[str, ...] = KINDS,
) -> Figures:
    """`retry`: how the client tries again (default: `act` once more). `steps`: the operation is a run of
    transactions (a sweep, a billing run), so a run that stops may leave the ones it finished, and its
    retry is the next run, which must finish the work: the table then is the unfaulted run's."""
    figures = Figures(path)
    saved, before = save(), state()
    faults.disarm()
    normal = act()
    calls = list(faults.calls)
    after = state()
    assert after != before, f"{path}: the unfaulted run changed nothing"
    resent = act()
    assert state() == after, f"{path}: a repeat of the unfaulted request changed the table again"
    baseline = _Baseline(act, retry or act, steps, saved, before, after, normal, resent)
    figures.calls = len(calls)
    for kind in kinds:
        for at in range(len(_eligible(kind, calls))):
            for times in (1, None):
                _faulted(baseline, figures, faults, kind, at, times)
    return figures


def _faulted(
    base: _Baseline, figures: Figures, faults: Faults, kind: str, at: int, times: int | None
) -> None:
    where = f"{figures.path}: {kind} at call {at} ({'once' if times == 1 else 'from then on'})"
    restore(base.saved)
    faults.disarm()
    faults.injected.clear()
    faults.applied = 0
    faults.arm(kind, at=at, times=times, operations=_operations(kind))
    answer = base.act()
    faults.disarm()
    figures.runs += 1
    figures.injected += sum(faults.injected.values())
    figures.lost_applied += faults.applied
    changed = state()
    if answer == base.normal:
        figures.survived += 1
        assert changed == base.after, f"{where}: answered normally without the whole change" + diff(
            base.after, changed
        )
    else:
        assert answer[0] == 503, f"{where}: answered {answer}, not {base.normal[0]} nor 503"
        figures.unavailable += 1
        if not base.steps:
            assert changed in (base.before, base.after), f"{where}: part of the change" + diff(
                base.after, changed
            )
    retried = base.retry()
    if base.steps and answer != base.normal:  # the next run finishes what the stopped one left
        assert retried[0] == 200, f"{where}: the next run answered {retried}"
    else:
        expected = base.normal if changed == base.before else base.resent
        assert retried == expected, f"{where}: the retry answered {retried}, not {expected}"
    final = state()
    assert final == base.after, f"{where}: after the retry, not the unfaulted run's table" + diff(
        base.after, final
    )


def diff(expected: list[str], found: list[str]) -> str:
    """The items that differ, one per line (- expected, + found)."""
    return "\n" + "\n".join(difflib.unified_diff(expected, found, lineterm="", n=0))
