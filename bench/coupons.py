"""Renew-with-coupon for a partner holding 10,000 coupons of mixed products and sizes, 30% of them with
a note: calls and items read per redemption, next to the naive pick (read the partner's whole license
list and choose in memory) as the baseline. Every redemption is checked to have taken the coupon the
rules name (soonest deadline, same product and devices, no note)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.recorder import Operation, Recorder
from bench.report import markdown_table, number
from bench.world import BenchError, Partner, World
from licensing.licenses import repository as license_repo
from licensing.licenses.keys import generate_key
from licensing.licenses.lifecycle import activation_deadline
from licensing.store.table import LicenseItem

COUPONS = 10_000
RENEWALS = 20
NOTED_PERCENT = 30
SIZES = (
    ("home", 1), ("home", 3), ("home", 5), ("business", 5), ("business", 10), ("business", 25),
    ("enterprise", 10), ("enterprise", 50),
)  # fmt: skip
RENEWED = ("business", 5)  # the licenses renewed are of this kind


@dataclass(frozen=True, slots=True)
class Stock:
    licenses: list[str]  # activated, to renew
    expected: list[str]  # the coupons the rules pick, in order


def seed(partner: Partner, now: datetime) -> Stock:
    """Coupons bought over the last weeks (deadlines ahead, in no particular order of kind), and the
    activated licenses to renew; written straight to the table."""
    bought_from = now - timedelta(days=300)
    pickable: list[tuple[datetime, str]] = []
    licenses: list[str] = []
    with LicenseItem.batch_write() as batch:
        for n in range(COUPONS):
            product, devices = SIZES[(n * 7) % len(SIZES)]
            purchased = bought_from + timedelta(minutes=3 * n)
            license = _license(partner, product, devices, purchased, order=n // 100, now=now)
            if n % 100 < NOTED_PERCENT:
                license.note = "Reserved for a customer"
            elif (product, devices) == RENEWED:
                pickable.append((license.activation_deadline, license.key))
            batch.save(license_repo.listed_under(license, partner.id, now))
        for n in range(RENEWALS):
            license = _license(partner, *RENEWED, bought_from, order=999, now=now)
            license.activated_at, license.workspace_id = bought_from, f"ws-{n}"
            license.expires_at = license.activated_at + timedelta(days=365)
            batch.save(license_repo.listed_under(license, partner.id, now))
            licenses.append(license.key)
    return Stock(licenses, [key for _, key in sorted(pickable)[:RENEWALS]])


def _license(
    partner: Partner, product: str, devices: int, purchased: datetime, order: int, now: datetime
) -> LicenseItem:
    license = license_repo.new_license(
        generate_key(), product=product, devices=devices, term_months=12, partner_id=partner.id,
        order_id=f"ord_bench{order:06d}", purchased_at=purchased,
        activation_deadline=activation_deadline(purchased), customer_ref=None, now=now,
    )  # fmt: skip
    license.version = 1  # as the API's conditional put stores it (a batch write leaves it to the caller)
    return license


@dataclass(frozen=True, slots=True)
class Result:
    redemptions: list[Operation]
    ms: list[float]
    options: Operation
    naive: Operation


def measure(world: World) -> Result:
    partner = world.prepaid
    stock = seed(partner, datetime.now(UTC))
    redemptions: list[Operation] = []
    ms: list[float] = []
    with Recorder() as recorder:
        with recorder.operation("GET renewal-options"):
            options = world.call("GET", f"/v1/licenses/{stock.licenses[0]}/renewal-options", partner=partner)
        if options["coupon"]["key"] != stock.expected[0]:
            raise BenchError(f"renewal-options offered {options['coupon']}, not {stock.expected[0]}")
        for license_key, expected in zip(stock.licenses, stock.expected, strict=True):
            started = time.perf_counter()
            with recorder.operation("renew-with-coupon"):
                answer = world.call("POST", f"/v1/licenses/{license_key}/renew-with-coupon", partner=partner)
            ms.append((time.perf_counter() - started) * 1000)
            redemptions.append(recorder.operations[-1])
            if answer["coupon"]["key"] != expected:
                raise BenchError(f"redeemed {answer['coupon']['key']}, the rules pick {expected}")
        with recorder.operation("naive pick"):
            _naive_pick(partner)
    return Result(redemptions, ms, recorder.operations[0], recorder.operations[-1])


def _naive_pick(partner: Partner) -> str:
    """The baseline: read the partner's whole license list (GSI2 rows) and choose in memory."""
    now = datetime.now(UTC)
    candidates = [
        (license.activation_deadline, license.key)
        for license in license_repo.partner_licenses(partner.id, page_size=10_000)
        if (license.product, int(license.devices)) == RENEWED
        and not license.note
        and license.activated_at is None
        and license.redeemed_at is None
        and license.revoked_at is None
        and license.activation_deadline > now
    ]
    return min(candidates)[1]


def table(result: Result) -> str:
    calls = {op.kinds for op in result.redemptions}
    per = len(result.redemptions)
    rows = [
        ["GET /v1/licenses/{key}/renewal-options", result.options.kinds, str(result.options.items_read),
         number(result.options.rcu), number(result.options.wcu), "-"],
        [f"POST /v1/licenses/{{key}}/renew-with-coupon (mean of {per})", " / ".join(sorted(calls)),
         number(sum(op.items_read for op in result.redemptions) / per),
         number(sum(op.rcu for op in result.redemptions) / per),
         number(sum(op.wcu for op in result.redemptions) / per),
         f"{sorted(result.ms)[per // 2]:,.1f}"],
        ["naive pick: the partner's whole license list read", result.naive.kinds,
         f"{result.naive.items_read:,}", number(result.naive.rcu), "0", "-"],
    ]  # fmt: skip
    headers = ["operation", "calls", "items read", "est. RCU", "est. WCU", "median ms (moto)"]
    redemption = result.redemptions[0]
    summary = (
        f"\nEach redemption read {number(redemption.items_read)} items however many coupons the partner "
        f"holds; the naive pick reads {result.naive.items_read:,} "
        f"({result.naive.rcu / max(redemption.rcu, 0.5):.0f}x the RCU of a whole redemption). "
        f"Each of the {per} redemptions took the coupon the rules name."
    )
    return markdown_table(headers, rows, right=[2, 3, 4, 5]) + "\n" + summary
