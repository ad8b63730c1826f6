"""Calls and estimated capacity units of each operation, in process against moto.

Each operation runs once inside `Recorder.operation`; whatever it needs (orders to pay, keys to look
up) is set up outside, so only the function's own calls are counted.
"""

from __future__ import annotations

from bench import people
from bench.recorder import Operation, Recorder
from bench.report import markdown_table, number
from bench.world import BenchError, World

WORKSPACE = "ws-bench"


def _expect(outcome: str, wanted: str, what: str) -> None:
    if outcome != wanted:
        raise BenchError(f"{what}: outcome {outcome!r}, not {wanted!r}")


def measure(world: World) -> list[Operation]:
    prepaid, monthly = world.prepaid, world.monthly
    person = people.signed_in(world, prepaid)
    world.authorize(prepaid, person)  # a warm container: the JWKS is cached
    with Recorder() as recorder:
        with recorder.operation("authorizer (partner key)"):
            world.authorize(prepaid)
        with recorder.operation("authorizer (a person's Cognito ID token)"):
            world.authorize(prepaid, person)
        with recorder.operation("GET /v1/catalog"):
            world.call("GET", "/v1/catalog", partner=prepaid)
        with recorder.operation("POST /v1/quotes"):
            world.call(
                "POST", "/v1/quotes", {"product": "business", "devices": 5, "years": 1}, partner=prepaid
            )
        with recorder.operation("POST /v1/orders, prepaid, 1 license, Idempotency-Key"):
            single = world.order(prepaid, 1, idempotency_key="bench-single")
        with recorder.operation("POST /v1/orders, monthly plan, 100 licenses, Idempotency-Key"):
            world.order(monthly, 100, idempotency_key="bench-monthly", plan="monthly")

        with recorder.operation("payment webhook: fulfil 1 license"):
            _expect(world.payment_event(single), "fulfilled", "paying 1 license")
        order_100 = world.order(prepaid, 100)
        with recorder.operation("payment webhook: fulfil 100 licenses"):
            _expect(world.payment_event(order_100), "fulfilled", "paying 100 licenses")
        order_1000 = world.order(prepaid, 1000)
        with recorder.operation("payment webhook: fulfil 1000 licenses"):
            _expect(world.payment_event(order_1000), "fulfilled", "paying 1000 licenses")

        with recorder.operation("GET /v1/orders/{id}, 1000 licenses"):
            keys = world.license_keys(prepaid, order_1000["id"])
        with recorder.operation("POST /v1/lookup, first use (activation)"):
            world.lookup(keys[0], WORKSPACE)
        with recorder.operation("POST /v1/lookup, active key"):
            world.lookup(keys[0], WORKSPACE)
        with recorder.operation("payment webhook: refund 100 licenses"):
            _expect(world.payment_event(order_100, "payment.refunded"), "refunded", "refunding 100 licenses")

        with recorder.operation("POST /v1/licenses/{key}/renew, prepaid, Idempotency-Key"):
            renewal = world.renew(prepaid, keys[0], idempotency_key="bench-renewal")
        with recorder.operation("payment webhook: pay a renewal (term extended)"):
            _expect(world.payment_event(renewal), "fulfilled", "paying a renewal")
        monthly_key = world.license_keys(monthly, world.order(monthly, 1, plan="monthly")["id"])[0]
        with recorder.operation("POST /v1/lookup, first use of a monthly key (activation)"):
            world.lookup(monthly_key, WORKSPACE)
        with recorder.operation("PATCH /v1/licenses/{key} devices, monthly"):
            world.call("PATCH", f"/v1/licenses/{monthly_key}", {"devices": 8}, partner=monthly)
        for change in ("suspend", "reinstate", "cancel"):
            with recorder.operation(f"POST /v1/licenses/{{key}}/{change}, monthly"):
                world.call("POST", f"/v1/licenses/{monthly_key}/{change}", partner=monthly)
    return recorder.operations


def table(operations: list[Operation]) -> str:
    rows = [
        [op.name, op.kinds, str(op.items_read), str(op.items_written), number(op.rcu), number(op.wcu)]
        for op in operations
    ]
    headers = ["operation", "calls", "items read", "items written", "est. RCU", "est. WCU"]
    return markdown_table(headers, rows, right=[2, 3, 4, 5])
