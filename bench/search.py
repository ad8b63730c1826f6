"""Listing and searching for a partner that holds 50,000 licenses (moto in process): calls, items read,
estimated read units and time per request, next to the same search done naively (every full license
item read) as the baseline."""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.recorder import Operation, Recorder
from bench.report import markdown_table, number
from bench.world import BenchError, Partner, World
from devtools.gateway import LambdaContext, api_event
from licensing.core import clock
from licensing.core.search import key_variants, matcher
from licensing.licenses import repository as license_repo
from licensing.licenses.keys import generate_key
from licensing.licenses.lifecycle import activation_deadline
from licensing.store.table import LicenseItem

LICENSES = 50_000
SEARCH = "acme*berlin"
BATCH_GET = 100


@dataclass(frozen=True, slots=True)
class Timed:
    operation: Operation
    ms: float
    matches: int


def seed(partner: Partner, count: int = LICENSES) -> list[str]:
    """A realistic stock written straight to the table: a third activated, one in fifty with a note."""
    start, now = datetime(2025, 12, 1, tzinfo=UTC), clock.now()
    keys: list[str] = []
    with LicenseItem.batch_write() as batch:
        for n in range(count):
            purchased = start + timedelta(minutes=n)
            key = generate_key()
            license = license_repo.new_license(
                key, product=("home", "business", "enterprise")[n % 3], devices=1 + n % 7 * 5, term_months=12,
                partner_id=partner.id, order_id=f"ord_bench{n // 100:06d}", purchased_at=purchased,
                activation_deadline=activation_deadline(purchased), customer_ref=f"CUST-{n % 977}", now=now,
            )  # fmt: skip
            if n % 3 == 0:
                license.activated_at, license.workspace_id = purchased + timedelta(days=1), f"ws-{n}"
                license.expires_at = license.activated_at + timedelta(days=365)
            if n % 50 == 0:
                license.note = "Reserved for ACME Berlin"
            license.version = 1  # as the API's conditional put stores it
            batch.save(license_repo.listed_under(license, partner.id, now))
            keys.append(key)
    return keys


def _get(world: World, partner: Partner, path: str, query: dict[str, str]) -> Any:
    route, params = next((r, p) for r in world.gateway.routes if (p := r.match("GET", path)) is not None)
    event = api_event(
        route, path, params, {}, {k: [v] for k, v in query.items()}, None, False, "bench-search"
    )
    event["requestContext"]["authorizer"] = partner.authorizer_context()
    result = world.gateway.handler(route.module)(event, LambdaContext("licenses"))
    if result["statusCode"] != 200:
        raise BenchError(f"GET {path} {query} answered {result['statusCode']}: {result['body'][:300]}")
    return json.loads(result["body"])


def _naive_search(keys: list[str]) -> int:
    """The baseline: read every full license item (BatchGetItem) and match in Python."""
    matches = matcher(SEARCH)
    found = 0
    for start in range(0, len(keys), BATCH_GET):
        for license in LicenseItem.batch_get(
            [(license_repo.pk(k), license_repo.SK) for k in keys[start : start + BATCH_GET]]
        ):
            fields = [*key_variants(license.key), license.note, license.customer_ref, license.workspace_id]
            found += bool(matches([*fields, license.order_id]))
    return found


# The portal's Manage licenses screen opens with these two first pages (portal/src/screens/licenses.js).
PORTAL_FIRST_PAGES = [
    (
        "portal: activated licenses grid, first page",
        {"status": "active,expired,suspended,cancelled", "limit": "25"},
    ),
    (
        "portal: unused coupons grid, first page (deadline within 60 days)",
        {
            "view": "coupons",
            "expiring_within_days": "60",
            "sort": "activation_deadline",
            "order": "asc",
            "limit": "25",
        },
    ),
]


def measure(world: World) -> list[Timed]:
    """The table also reports the 1 MB pages real DynamoDB would return, from the bytes read: moto cuts
    its pages differently, and re-reads the whole partition for each, so its times are not DynamoDB's."""
    partner = world.prepaid
    keys = seed(partner)
    requests = [
        ("GET /v1/licenses: first page of 25", {}),
        ("GET /v1/licenses: status=active&product=business, 25", {"status": "active", "product": "business"}),
        *PORTAL_FIRST_PAGES,
        (f"GET /v1/licenses: q={SEARCH}", {"q": SEARCH}),
    ]
    timed = _timed(world, partner, requests)
    with Recorder() as recorder:
        started = time.perf_counter()
        with recorder.operation(f"naive baseline: every full item read, then q={SEARCH}"):
            found = _naive_search(keys)
        timed.append(Timed(recorder.operations[-1], (time.perf_counter() - started) * 1000, found))
    return timed


def measure_portal(world: World) -> list[Timed]:
    """`python -m bench portal`: the portal's first grid pages alone, for a partner with 50,000 licenses."""
    partner = world.prepaid
    seed(partner)
    return _timed(world, partner, PORTAL_FIRST_PAGES)


def _timed(world: World, partner: Partner, requests: list[tuple[str, dict[str, str]]]) -> list[Timed]:
    timed: list[Timed] = []
    with Recorder() as recorder:
        for name, query in requests:
            started = time.perf_counter()
            with recorder.operation(name):
                page = _get(world, partner, "/v1/licenses", query)
            timed.append(
                Timed(recorder.operations[-1], (time.perf_counter() - started) * 1000, len(page["items"]))
            )
    return timed


def _dynamodb_pages(operation: Operation) -> str:
    """Query pages real DynamoDB would return: 1 MB each, i.e. 128 eventually consistent RCU."""
    queried = sum(call.rcu for call in operation.calls if call.operation == "Query")
    return str(max(1, math.ceil(queried / 128))) if queried else "-"


def table(results: list[Timed]) -> str:
    rows = [
        [
            t.operation.name,
            t.operation.kinds,
            _dynamodb_pages(t.operation),
            f"{t.operation.items_read:,}",
            number(t.operation.rcu),
            f"{t.ms:,.0f}",
        ]
        for t in results
    ]
    headers = ["request", "calls (moto)", "DynamoDB pages", "items read", "est. RCU", "ms (moto)"]
    search = next((t for t in results if "q=" in t.operation.name and "naive" not in t.operation.name), None)
    if search is None:  # the portal's first pages alone
        return markdown_table(
            [*headers, "rows"],
            [[*row, str(t.matches)] for row, t in zip(rows, results, strict=True)],
            right=[2, 3, 4, 5, 6],
        )
    naive = results[-1]
    summary = (
        f"\nA search reads {number(search.operation.rcu)} RCU against {number(naive.operation.rcu)} for "
        f"reading every full item ({naive.operation.rcu / search.operation.rcu:.1f}x less); in moto it took "
        f"{search.ms:,.0f} ms against {naive.ms:,.0f} ms ({naive.ms / search.ms:.1f}x). "
        f"{naive.matches:,} licenses match; the API's first page shows {search.matches}."
    )
    return markdown_table(headers, rows, right=[2, 3, 4, 5]) + "\n" + summary
