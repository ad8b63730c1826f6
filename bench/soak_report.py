"""The soak's figures: operations, wall time, throughput, latency percentiles per operation kind and
overall, answers by status and code, and the invariants' results (a JSON summary and its text form)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from bench.report import machine, markdown_table

if TYPE_CHECKING:
    from bench.soak import Result
    from bench.soak_checks import Snapshot
    from bench.soak_http import Sample

PERCENTILES = (50, 95, 99)


def _percentile(sorted_values: list[float], percent: int) -> float:
    """Nearest rank."""
    return sorted_values[max(0, math.ceil(percent / 100 * len(sorted_values)) - 1)]


def latency(samples: list[Sample]) -> dict[str, float]:
    values = sorted(sample.seconds * 1000 for sample in samples)
    figures = {f"p{percent}_ms": round(_percentile(values, percent), 2) for percent in PERCENTILES}
    return {"count": len(values), **figures, "max_ms": round(values[-1], 2)}


def state_counts(state: Snapshot) -> dict[str, int]:
    """What the run left in the table and on the bus, the invariants' ground."""
    licenses, history = (
        state.licenses.values(),
        [entry for entries in state.history().values() for entry in entries],
    )
    orders = state.orders.values()
    return {
        "orders": len(orders),
        "paid_orders": sum(order.get("paid_at") is not None for order in orders),
        "renewal_orders": sum(order["type"] == "renewal" for order in orders),
        "licenses": len(licenses),
        "activated": sum(license.get("activated_at") is not None for license in licenses),
        "coupons_redeemed": sum(license.get("redeemed_at") is not None for license in licenses),
        "renewals_applied": sum(entry["action"] == "renewed" for entry in history),
        "claimed": sum(entry["action"] == "claimed" for entry in history),
        "outbox_events": len(state.outbox),
        "bus_events": len(state.bus),
    }


def summary(result: Result) -> dict[str, Any]:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in result.samples:
        by_kind[sample.kind].append(sample)
    answers = Counter(
        f"{sample.kind} {sample.status} {sample.code or ''}".strip()
        for sample in result.samples
        if sample.status >= 400 or sample.status == 0
    )
    return {
        "engine": result.engine,
        "operations": result.operations,
        "wall_seconds": round(result.seconds, 2),
        "ops_per_second": round(result.operations / result.seconds, 1),
        "retried_operations": sum(sample.attempts > 1 for sample in result.samples),
        "latency": {"overall": latency(result.samples)}
        | {kind: latency(samples) for kind, samples in sorted(by_kind.items())},
        "errors": dict(sorted(answers.items())),
        "state": state_counts(result.state),
        "invariants": {
            name: {"holds": not found, "violations": found[:20], "count": len(found)}
            for name, found in result.violations.items()
        },
        "passed": result.passed,
        "machine": machine(),
    }


def text(figures: dict[str, Any]) -> str:
    rows = [
        [kind, str(row["count"]), *(f"{row[f'p{p}_ms']:.1f}" for p in PERCENTILES), f"{row['max_ms']:.1f}"]
        for kind, row in figures["latency"].items()
    ]
    latency_table = markdown_table(
        ["operation", "count", "p50 ms", "p95 ms", "p99 ms", "max ms"], rows, right=[1, 2, 3, 4, 5]
    )
    errors = "\n".join(f"- {answer}: {count}" for answer, count in figures["errors"].items()) or "- none"
    state = ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in figures["state"].items())
    invariants = "\n".join(
        f"- {name}: "
        + ("holds" if row["holds"] else f"BROKEN ({row['count']})")
        + "".join(f"\n    - {line}" for line in row["violations"])
        for name, row in figures["invariants"].items()
    )
    return (
        f"Soak: {figures['operations']:,} operations in {figures['wall_seconds']:.1f} s, "
        f"{figures['ops_per_second']:.1f} ops/s ({figures['engine']}); "
        f"{figures['retried_operations']} retried\n\n{latency_table}\n\n"
        f"Refusals (status, code):\n{errors}\n\nState: {state}\n\nInvariants:\n{invariants}\n\n"
        f"{'PASSED' if figures['passed'] else 'FAILED'}. Measured on {figures['machine']}."
    )
