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
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from devtools.gateway import HttpResponse
from licensing.core.errors import ServiceUnavailable
from licensing.store.table import REGION
from licensing.store.transient import is_transient
from tests.support.environment import TABLE
from tests.support.faults import KINDS, Faults

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


class _Again(NamedTuple):
    retry: Callable[[], Answer]
    steps: bool


@dataclass
class Figures:
    path: str
    calls: int = 0  # DynamoDB calls of the unfaulted operation
    runs: int = 0  # faulted runs
    injected: int = 0  # faults sent (a fault repeated on botocore's retries counts each time)
    survived: int = 0  # runs answered normally
    unavailable: int = 0  # runs answered 503
    lost_applied: int = 0  # lost answers whose write had been applied

    def line(self) -> str:
        return (
            f"{self.path}: {self.calls} calls, {self.runs} faulted runs, {self.injected} faults injected, "
            f"{self.survived} survived, {self.unavailable} answered 503 ({self.lost_applied} lost answers)"
        )


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
    again = _Again(retry or act, steps)
    before = save()
    before_state = state()
    faults.disarm()
    normal = act()
    calls = list(faults.calls)
    after_state = state()
    assert after_state != before_state, f"{path}: the unfaulted run changed nothing"
    resent = act()
    assert state() == after_state, f"{path}: a repeat of the unfaulted request changed the table again"
    figures.calls = len(calls)
    for kind in kinds:
        # a conflict cancels transactions only: N counts the operation's TransactWriteItems calls
        count = calls.count("TransactWriteItems") if kind == "conflict" else len(calls)
        for at in range(count):
            for times in (1, None):
                _one(figures, faults, act, again, kind, at, times, before, (before_state, after_state), (normal, resent))
    return figures


def _one(
    figures: Figures,
    faults: Faults,
    act: Callable[[], Answer],
    again: _Again,
    kind: str,
    at: int,
    times: int | None,
    saved: Any,
    states: tuple[list[str], list[str]],
    answers: tuple[Answer, Answer],
) -> None:
    before_state, after_state = states
    normal, resent = answers
    where = f"{figures.path}: {kind} at call {at} ({'once' if times == 1 else 'from then on'})"
    restore(saved)
    faults.disarm()
    faults.injected.clear()
    faults.applied = 0
    faults.arm(kind, at=at, times=times, operation="TransactWriteItems" if kind == "conflict" else None)
    answer = act()
    faults.disarm()
    figures.runs += 1
    figures.injected += sum(faults.injected.values())
    figures.lost_applied += faults.applied
    changed = state()
    if answer == normal:
        figures.survived += 1
        assert changed == after_state, f"{where}: answered normally but the table does not hold the change" + _diff(after_state, changed)
    else:
        assert answer[0] == 503, f"{where}: answered {answer}, not {normal[0]} nor 503"
        figures.unavailable += 1
        if not again.steps:
            assert changed in (before_state, after_state), f"{where}: the table holds part of the change" + _diff(after_state, changed)
    retried = again.retry()
    if again.steps and answer != normal:  # the next run finishes what the stopped one left
        assert retried[0] == 200, f"{where}: the next run answered {retried}"
    else:
        expected = normal if changed == before_state else resent
        assert retried == expected, f"{where}: the retry answered {retried}, not {expected}"
    final = state()
    assert final == after_state, f"{where}: after the retry the table is not the unfaulted run's" + _diff(after_state, final)


def _diff(a, b):
    import difflib
    return "\n" + "\n".join(difflib.unified_diff(a, b, lineterm="", n=0))
