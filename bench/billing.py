"""The monthly billing run over 200 monthly partners with 50 monthly licenses each, among a few thousand
prepaid licenses; and `GET /v1/billing/usage` for a partner with 1,000 monthly licenses.

The partners and licenses are written straight to the table (as bench/sweeper.py seeds its stock): the
monthly partners with their GSI5 keys, as `partners.repository` lists them, and each monthly license
activated in the month before the run, its usage periods (a device change and, for some, a suspension
and a reinstatement, or a cancellation) built with licensing.licenses.monthly. Some licenses ended before
the month (GSI5 never returns them) and some were activated after it (returned, skipped). The run must
write exactly one statement per partner, or the benchmark raises.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

from botocore.client import BaseClient

from bench.recorder import Operation, Recorder
from bench.report import markdown_table
from bench.sweeper import quicker_moto
from bench.world import BenchError, Partner, World
from devtools.moto_transactions import without_rollback_copies
from licensing.billing import run as billing_run
from licensing.infra import bus
from licensing.licenses import repository as license_repo
from licensing.licenses.keys import generate_key
from licensing.licenses.monthly import MONTHLY, MONTHLY_PARTNERS, closed, end_of_day, opened, resized
from licensing.partners import repository as partner_repo
from licensing.store.table import LicenseItem, OrderItem, PartnerItem

PARTNERS = 200
LICENSES_PER_PARTNER = 50
PREPAID_LICENSES = 3_000
ENDED_BEFORE = 2  # per partner: cancelled before the month (never read)
ACTIVATED_AFTER = 1  # per partner: activated after the month (read, skipped)
USAGE_LICENSES = 1_000
USAGE_SAMPLES = 20
RUN_AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # bills November 2026
MONTH_START = datetime(2026, 11, 1, tzinfo=UTC)
NOW_FOR_USAGE = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
GSI5 = LicenseItem.monthly_billing.Meta.index_name
PRODUCTS = ("home", "business", "enterprise")


@dataclass(frozen=True, slots=True)
class Result:
    run: Operation
    run_seconds: float
    statements: int
    billed_licenses: int  # the lines of every statement
    index_entries: int  # GSI5 entries the run read
    usage: Operation  # one GET /v1/billing/usage
    usage_lines: int
    usage_entries: int
    usage_ms: list[float]

    @property
    def entries_per_license(self) -> float:
        return (self.index_entries - PARTNERS - 1) / self.billed_licenses  # less the partners' own entries


def _periods(n: int) -> tuple[list[Any], datetime | None]:
    start = MONTH_START - timedelta(days=n % 40, hours=n % 24)
    devices = 1 + n % 25
    periods = resized(
        opened(None, start, devices), MONTH_START + timedelta(days=9, hours=n % 24), devices + 2
    )
    ends_at = None
    if n % 7 == 0:  # suspended on the 15th, reinstated on the 18th
        periods = opened(
            closed(periods, MONTH_START + timedelta(days=14, hours=8)),
            MONTH_START + timedelta(days=17),
            devices + 2,
        )
    elif n % 11 == 0:  # cancelled on the 20th
        ends_at = end_of_day(MONTH_START + timedelta(days=19, hours=15))
        periods = closed(periods, ends_at)
    return periods, ends_at


def _license(
    partner_id: str, periods: list[Any], ends_at: datetime | None, n: int, product: str
) -> LicenseItem:
    key = generate_key()
    activated = datetime.fromtimestamp(periods[0][0], UTC)
    license = LicenseItem(
        license_repo.pk(key), license_repo.SK, key=key, product=product, devices=int(periods[-1][2]),
        term_months=0, partner_id=partner_id, order_id=f"ord_bench{n // 100:06d}",
        purchased_at=activated - timedelta(days=1), activation_deadline=activated + timedelta(days=365),
        activated_at=activated, workspace_id=f"ws-{n}", customer_ref=f"CUST-{n % 977}", plan=MONTHLY,
        usage=periods, ends_at=ends_at, cancelled_at=ends_at - timedelta(hours=8) if ends_at else None,
    )  # fmt: skip
    return license_repo.listed_under(license, partner_id, activated)


def _partner(n: int, now: datetime) -> PartnerItem:
    partner_id = f"ptn_BENCH{n:021d}"
    partner = PartnerItem(
        partner_repo.pk(partner_id), partner_repo.SK, id=partner_id, name=f"MSP {n}",
        email=f"msp{n}@bench.example", currency=("EUR", "USD")[n % 2], discount_percent=Decimal(n % 4 * 5),
        billing=MONTHLY, created_at=now, updated_at=now, version=1,
    )  # fmt: skip
    partner.GSI5PK, partner.GSI5SK = MONTHLY_PARTNERS, partner_id
    return partner


def seed(world: World) -> None:
    """The monthly partners and their licenses, and prepaid licenses of the world's prepaid partner."""
    with LicenseItem.batch_write() as batch:
        n = 0
        for p in range(PARTNERS):
            partner = _partner(p, RUN_AT)
            batch.save(partner)
            for i in range(LICENSES_PER_PARTNER + ENDED_BEFORE + ACTIVATED_AFTER):
                n += 1
                if i < LICENSES_PER_PARTNER:
                    periods, ends_at = _periods(n)
                elif i < LICENSES_PER_PARTNER + ENDED_BEFORE:
                    ends_at = end_of_day(MONTH_START - timedelta(days=3 + i))
                    periods = closed(opened(None, MONTH_START - timedelta(days=60), 3), ends_at)
                else:
                    periods, ends_at = opened(None, RUN_AT - timedelta(hours=1), 3), None
                batch.save(_license(partner.id, periods, ends_at, n, PRODUCTS[n % 3]))
        for m in range(PREPAID_LICENSES):
            key = generate_key()
            activated = MONTH_START - timedelta(days=m % 300)
            license = LicenseItem(
                license_repo.pk(key), license_repo.SK, key=key, product=PRODUCTS[m % 3], devices=5,
                term_months=12, partner_id=world.prepaid.id, order_id=f"ord_prepaid{m // 100:06d}",
                purchased_at=activated - timedelta(days=2),
                activation_deadline=activated + timedelta(days=88), activated_at=activated,
                expires_at=activated + timedelta(days=365), workspace_id=f"ws-p{m}", version=1,
            )  # fmt: skip
            batch.save(license_repo.listed_under(license, world.prepaid.id, activated))
        for u in range(USAGE_LICENSES):  # the partner whose live usage is read
            periods, ends_at = _periods(u)
            batch.save(_license(world.monthly.id, periods, ends_at, 100_000 + u, PRODUCTS[u % 3]))


def measure(world: World) -> Result:
    seed(world)
    bus.set_publisher(bus.RecordingPublisher())
    entries = [0]
    with quicker_moto(), Recorder() as recorder, _counting_gsi5(entries):
        started = time.perf_counter()
        with recorder.operation("billing run"), without_rollback_copies():
            summary = billing_run.run(RUN_AT)
        run_seconds = time.perf_counter() - started
        run_entries = entries[0]
        # the run bills world.monthly too (1,000 licenses); its figures are left out below
        statements = [o for o in OrderItem.scan(OrderItem.type == "monthly_statement")]
        mine = [o for o in statements if o.partner_id.startswith("ptn_BENCH")]
        if not summary.complete or summary.statements != PARTNERS + 1 or len(mine) != PARTNERS:
            raise BenchError(f"the run did not write one statement per partner: {summary.as_json()}")
        if any(int(o.licenses) != LICENSES_PER_PARTNER for o in mine):
            raise BenchError("a statement does not bill exactly the partner's licenses used in the month")
        billed = sum(int(o.licenses) for o in statements)
        with mock.patch("licensing.core.clock.now", lambda: NOW_FOR_USAGE):
            partner = Partner(world.monthly.id, world.monthly.api_key, world.monthly.key_id)
            request = world.request("GET", "/v1/billing/usage", partner=partner)
            world.send(request)  # warm
            entries[0] = 0
            with recorder.operation("GET /v1/billing/usage"):
                status, body = world.send(request)
            usage_entries = entries[0]
            if status != 200 or len(body["lines"]) != USAGE_LICENSES:
                raise BenchError(f"usage answered {status} with {len(body.get('lines', []))} lines")
            latencies = []
            for _ in range(USAGE_SAMPLES):
                started = time.perf_counter()
                world.send(request)
                latencies.append((time.perf_counter() - started) * 1000)
    run, usage = recorder.operations
    return Result(run, run_seconds, summary.statements, billed, run_entries, usage, len(body["lines"]),
                  usage_entries, latencies)  # fmt: skip


class _counting_gsi5:
    def __init__(self, entries: list[int]) -> None:
        self.entries = entries
        inner = BaseClient._make_api_call  # type: ignore[attr-defined]

        def make_api_call(client: BaseClient, name: str, params: dict[str, Any]) -> Any:
            response = inner(client, name, params)
            if name == "Query" and params.get("IndexName") == GSI5:
                self.entries[0] += len(response.get("Items", []))
            return response

        self._patch = mock.patch.object(BaseClient, "_make_api_call", make_api_call)

    def __enter__(self) -> None:
        self._patch.start()

    def __exit__(self, *_: object) -> None:
        self._patch.stop()


def table(result: Result) -> str:
    run, usage = result.run, result.usage
    partners = PARTNERS + 1
    rows = [
        [
            "billing run", f"{partners} partners, {result.billed_licenses:,} licenses billed", run.kinds,
            f"{run.items_read:,} ({result.index_entries:,} GSI5)", _units(run.rcu), _units(run.wcu),
            f"{result.run_seconds:,.1f} s ({result.run_seconds * 1000 / partners:,.0f} ms per partner)",
        ],
        [
            "GET /v1/billing/usage", f"1 partner, {result.usage_lines:,} licenses", usage.kinds,
            f"{usage.items_read:,} ({result.usage_entries:,} GSI5)", _units(usage.rcu), _units(usage.wcu),
            f"median {statistics.median(result.usage_ms):,.0f} ms, max {max(result.usage_ms):,.0f} ms",
        ],
    ]  # fmt: skip
    headers = ["operation", "scope", "calls (moto)", "items read", "est. RCU", "est. WCU", "wall (moto)"]
    per_license = (
        f"\nGSI5 entries read per billed license: {result.entries_per_license:.3f} (plus one entry per "
        f"partner in the MONTHLY_PARTNERS partition); {result.statements} statements written, "
        "one per partner."
    )
    return markdown_table(headers, rows, right=[3, 4, 5]) + "\n" + per_license


def _units(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")
