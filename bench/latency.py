"""Lookup latency in process: the real handler against a bare boto3 `get_item` of the same item.

Both run against the same in-process moto endpoint, interleaved call by call so that both see the
same machine state. The absolute figures are moto's; the ratio is the overhead our code adds (event
parsing, validation, logging context, PynamoDB, the answer's serialisation).
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from dataclasses import dataclass

import boto3

from bench.report import markdown_table
from bench.world import BenchError, World
from devtools.gateway import LambdaContext

WARM_UP = 200
SAMPLES = 2000
WORKSPACE = "ws-latency"


@dataclass(frozen=True, slots=True)
class Percentiles:
    p50: float
    p95: float
    p99: float

    @classmethod
    def of(cls, seconds: list[float]) -> Percentiles:
        cuts = statistics.quantiles(seconds, n=100, method="inclusive")
        return cls(cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000)


@dataclass(frozen=True, slots=True)
class Latency:
    samples: int
    handler: Percentiles
    get_item: Percentiles


def _active_key(world: World) -> str:
    order = world.order(world.prepaid, 1)
    if world.payment_event(order) != "fulfilled":
        raise BenchError("the latency benchmark's order was not fulfilled")
    key = world.license_keys(world.prepaid, order["id"])[0]
    world.lookup(key, WORKSPACE)  # first use: activates it
    return key


def measure(world: World, samples: int = SAMPLES, warm_up: int = WARM_UP) -> Latency:
    key = _active_key(world)
    client = boto3.client("dynamodb")
    table = os.environ["TABLE_NAME"]
    item_key = {"PK": {"S": f"LICENSE#{key}"}, "SK": {"S": "LICENSE"}}
    handler = world.gateway.handler(world.lookup_request(key, WORKSPACE).module)
    handler_times: list[float] = []
    get_item_times: list[float] = []
    gc.collect()
    gc.freeze()  # the set-up's objects (moto's state, the imported modules) are not rescanned while timing
    try:
        for index in range(warm_up + samples):
            request = world.lookup_request(key, WORKSPACE)
            context = LambdaContext(request.function)
            start = time.perf_counter()
            result = handler(request.event, context)
            middle = time.perf_counter()
            found = client.get_item(TableName=table, Key=item_key)
            end = time.perf_counter()
            if result["statusCode"] != 200 or "Item" not in found:
                raise BenchError(f"lookup answered {result['statusCode']}: {result.get('body')}")
            if index >= warm_up:
                handler_times.append(middle - start)
                get_item_times.append(end - middle)
    finally:
        gc.unfreeze()
    return Latency(samples, Percentiles.of(handler_times), Percentiles.of(get_item_times))


def table(latency: Latency) -> str:
    def row(name: str, p: Percentiles) -> list[str]:
        return [name, f"{p.p50:.3f}", f"{p.p95:.3f}", f"{p.p99:.3f}"]

    h, g = latency.handler, latency.get_item
    rows = [
        row("`license_lookup` handler, active key", h),
        row("bare boto3 `get_item`, same item", g),
        [
            "ratio (handler / get_item)",
            f"{h.p50 / g.p50:.2f}x",
            f"{h.p95 / g.p95:.2f}x",
            f"{h.p99 / g.p99:.2f}x",
        ],
    ]
    return markdown_table(["path", "p50 ms", "p95 ms", "p99 ms"], rows, right=[1, 2, 3])
