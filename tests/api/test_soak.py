"""The soak's short version (`make soak` runs the long one): several partners doing mixed work in parallel
against the dev server, then every invariant holds and no answer was a 5xx. Each invariant also catches
its violation in a tampered copy of the run's final state, so none of them is vacuous."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bench import soak
from bench.soak_checks import CHECKS, Snapshot, check
from bench.soak_report import latency
from bench.soak_workload import WEIGHTS
from licensing.core.clock import iso, parse_iso
from tests.support.figures import record_figures

pytestmark = pytest.mark.server

COUNT = 300
EVENTS = "every event belongs to a committed change, once"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> soak.Result:
    return soak.run(COUNT, partners=3, seed=7, outbox=tmp_path_factory.mktemp("soak-outbox"))


def test_a_short_soak_keeps_every_invariant(result: soak.Result, record_property: Any) -> None:
    assert result.operations >= COUNT
    assert result.violations == {name: [] for name in CHECKS}
    assert not [sample for sample in result.samples if sample.status >= 500 or sample.status == 0]
    succeeded = Counter(sample.kind for sample in result.samples if 200 <= sample.status < 300)
    assert set(WEIGHTS) <= set(succeeded), f"never done: {set(WEIGHTS) - set(succeeded)}"
    state: Snapshot = result.state
    assert any(item.get("redeemed_at") for item in state.licenses.values())
    assert any(order["type"] == "renewal" and order.get("paid_at") for order in state.orders.values())
    assert state.bus and len(state.bus) == len(state.outbox)
    overall = latency(result.samples)
    record_figures(
        record_property,
        f"soak ({result.engine})",
        operations=result.operations,
        seconds=round(result.seconds, 1),
        operations_per_s=round(result.operations / result.seconds, 1),
        p50_ms=overall["p50_ms"],
        p99_ms=overall["p99_ms"],
        answers_5xx=0,
        invariants_held=len(CHECKS),
        events=len(state.outbox),
    )


def _license(state: Snapshot, wanted: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    return next(item for item in state.of("License") if wanted(item))


def _extra_key_for_a_paid_order(state: Snapshot) -> None:
    issued = _license(state, lambda item: item.get("order_id") is not None)
    state.items.append({**issued, "PK": "LICENSE#EXTRA", "key": "EXTRA"})


def _a_coupon_renews_a_second_license(state: Snapshot) -> None:
    entry = next(
        item
        for item in state.of("LicenseHistory")
        if item["action"] == "renewed" and "coupon_key" in item["changes"]
    )
    other = _license(state, lambda item: item.get("activated_at") and f"LICENSE#{item['key']}" != entry["PK"])
    state.items.append({**entry, "PK": f"LICENSE#{other['key']}", "SK": entry["SK"] + "X"})


def _an_expiry_moved_by_a_day(state: Snapshot) -> None:
    renewed = _license(state, lambda item: item.get("renewed_at") and item.get("plan") != "monthly")
    renewed["expires_at"] = iso(parse_iso(renewed["expires_at"]) + timedelta(days=1))


def _an_event_delivered_twice(state: Snapshot) -> None:
    state.bus.append(copy.deepcopy(state.bus[0]))


def _an_event_lost(state: Snapshot) -> None:
    state.bus.pop()


def _a_payment_announced_but_not_committed(state: Snapshot) -> None:
    """An OrderPaid for an order that awaits payment (a copy of a real order, unpaid, without keys)."""
    order = {**state.of("Order")[0], "id": "ord_unpaid", "status": "pending_payment", "license_keys": []}
    order.pop("paid_at", None)
    state.items.append(order)
    detail = {"order_id": order["id"], "partner_id": order["partner_id"], "payment_id": None}
    outbox_item = {"entity": "OutboxEvent", "PK": "OUTBOX#invented", "SK": "EVENT"}
    state.items.append({**outbox_item, "detail_type": "OrderPaid", "detail": dict(detail)})
    state.bus.append({"event_id": "invented", "detail_type": "OrderPaid", "detail": dict(detail)})


def _a_server_error(state: Snapshot) -> None:
    state.server_errors.append(("lookup", 500, "INTERNAL_ERROR"))


def _an_unexpected_refusal(state: Snapshot) -> None:
    state.unexpected.append("lookup POST /v1/lookup: 409 LICENSE_LAPSED")


TAMPERING: list[tuple[str, Callable[[Snapshot], None]]] = [
    ("keys issued = licenses paid for", _extra_key_for_a_paid_order),
    ("no coupon redeemed twice", _a_coupon_renews_a_second_license),
    ("every expiry explained by its history", _an_expiry_moved_by_a_day),
    (EVENTS, _an_event_delivered_twice),
    (EVENTS, _an_event_lost),
    (EVENTS, _a_payment_announced_but_not_committed),
    ("no 5xx", _a_server_error),
    ("every answer as expected", _an_unexpected_refusal),
]


def test_every_invariant_has_a_tampering() -> None:
    assert {name for name, _ in TAMPERING} == set(CHECKS)


@pytest.mark.parametrize(
    ("invariant", "tamper"), TAMPERING, ids=[t.__name__.strip("_") for _, t in TAMPERING]
)
def test_each_invariant_catches_a_tampered_state(
    result: soak.Result, invariant: str, tamper: Callable[[Snapshot], None]
) -> None:
    assert not check(result.state)[invariant]
    state = copy.deepcopy(result.state)
    tamper(state)
    assert check(state)[invariant], f"{invariant} did not notice {tamper.__name__}"
