"""Every write path under DynamoDB faults at each of its calls (tests/support/fault_sweep.py): throttling,
InternalServerError, TransactionConflict and lost answers. The caller gets the normal answer or a 503
SERVICE_UNAVAILABLE with Retry-After, the table holds the whole change or none of it, and the client's
retry (same Idempotency-Key, the webhook redelivered, the schedule again) ends in exactly one change.
Each test records its figures; the session's summary prints them (tests/support/fuzz_report.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest

from devtools.gateway import LambdaContext, LocalGateway
from licensing.core.clock import iso
from licensing.sweeper import run as sweeper_run
from tests.support.billing import at, bill, monthly_license
from tests.support.clients import Partner, WebhookSender
from tests.support.fault_sweep import Answer, Figures, http_answer, run_answer, sweep
from tests.support.faults import Faults, install
from tests.support.figures import record_figures
from tests.support.sweeper import Shop, run_at, sweeper_ran_until, workspace


@pytest.fixture
def shop(api: Any, webhook: WebhookSender, frozen_now: Any) -> Shop:
    return Shop(api, webhook, frozen_now)


@pytest.fixture(autouse=True)
def _clock(frozen_now: Any) -> None:
    """Every test runs on the frozen clock: the unfaulted and the faulted runs write the same times."""


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Faults:
    return install(monkeypatch)


@pytest.fixture
def report(record_property: Callable[[str, object], None]) -> Callable[[Figures], None]:
    def record(figures: Figures) -> None:
        assert figures.survived and figures.unavailable, figures  # both outcomes were met
        record_figures(record_property, f"faults, {figures.path}", **figures.counts())

    return record


def test_checkout(partner: Partner, faults: Faults, report: Any) -> None:
    report(sweep("checkout", faults, lambda: http_answer(partner.order("checkout-1", licenses=2))))


def test_payment_webhook(
    partner: Partner, shop: Shop, webhook: WebhookSender, faults: Faults, report: Any
) -> None:
    order = partner.order(licenses=2).json()
    now = int(shop.clock().timestamp())
    report(sweep("payment", faults, lambda: http_answer(webhook.pay(order, event_id="evt_1", timestamp=now))))


def test_activation(partner: Partner, shop: Shop, api: Any, faults: Faults, report: Any) -> None:
    (key,) = shop.coupons(partner, 1)
    lookup = {"license_key": key, "workspace_id": workspace(key)}
    report(sweep("activation", faults, lambda: http_answer(api.with_key(None).post("/v1/lookup", lookup))))


def test_assign(partner: Partner, shop: Shop, faults: Faults, report: Any) -> None:
    (key,) = shop.coupons(partner, 1)
    body = {"workspace_id": "ws-assigned"}
    report(sweep("assign", faults, lambda: http_answer(partner.api.post(f"/v1/licenses/{key}/assign", body))))


def test_note_edit(partner: Partner, shop: Shop, faults: Faults, report: Any) -> None:
    (key,) = shop.coupons(partner, 1)
    body = {"note": "kept for ACME", "customer_ref": "CUST-9"}
    report(sweep("note edit", faults, lambda: http_answer(partner.api.patch(f"/v1/licenses/{key}", body))))


def test_renewal(partner: Partner, shop: Shop, faults: Faults, report: Any) -> None:
    (key,) = shop.licenses(partner, 1)
    headers = {"Idempotency-Key": "renew-1"}
    renew = lambda: http_answer(partner.api.post(f"/v1/licenses/{key}/renew", {"years": 1}, headers=headers))  # noqa: E731
    report(sweep("renewal", faults, renew))


def test_coupon_redemption(partner: Partner, shop: Shop, faults: Faults, report: Any) -> None:
    (key,) = shop.licenses(partner, 1)
    shop.coupons(partner, 1)
    headers = {"Idempotency-Key": "coupon-1"}
    path = f"/v1/licenses/{key}/renew-with-coupon"
    report(
        sweep("coupon redemption", faults, lambda: http_answer(partner.api.post(path, {}, headers=headers)))
    )


def test_sweeper_visit(
    partner: Partner, shop: Shop, gateway: LocalGateway, frozen_now: Any, faults: Faults, report: Any
) -> None:
    shop.licenses(partner, 1)
    shop.coupons(partner, 1)
    sweeper_ran_until("2027-10-27")
    now = run_at(30)
    frozen_now(now)
    handler = gateway.handler("functions.sweeper.app")
    event = {"source": "aws.events", "detail-type": "Scheduled Event", "time": iso(now), "detail": {}}

    def next_run() -> Answer:  # the next run of the schedule, after a stopped run's lease ran out
        with mock.patch.object(sweeper_run, "time", _Later(sweeper_run.LOCK_SECONDS + 1)):
            return run_answer(lambda: handler(event, LambdaContext("sweeper")))

    act = lambda: run_answer(lambda: handler(event, LambdaContext("sweeper")))  # noqa: E731
    report(sweep("sweeper visit", faults, act, retry=next_run, steps=True))


def test_billing_run(
    monthly_partner: Partner, gateway: LocalGateway, frozen_now: Any, faults: Faults, report: Any
) -> None:
    from licensing.licenses.monthly import opened

    frozen_now(datetime(2026, 12, 1, 2, 0, 5, tzinfo=UTC))
    monthly_license(monthly_partner.id, opened(None, at(5, 18), 5))
    run = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    report(sweep("billing run", faults, lambda: run_answer(lambda: bill(gateway, run)), steps=True))


class _Later:
    """The `time` module as the sweeper reads it, `seconds` later (its lock's lease is wall-clock time)."""

    def __init__(self, seconds: float) -> None:
        self.offset = seconds

    def time(self) -> float:
        return time.time() + self.offset

    def time_ns(self) -> int:
        return time.time_ns() + int(self.offset * 1e9)
