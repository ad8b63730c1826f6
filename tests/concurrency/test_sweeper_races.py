"""Sweeper runs at the same time, against the moto server: behind the lock, and past it (a lease that ran
out), every due notice is recorded exactly once under one id."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from licensing.infra.bus import RecordingPublisher
from licensing.sweeper import repository as sweeps
from licensing.sweeper import run as sweeper
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.environment import ADMIN_KEY, WEBHOOK_SECRET
from tests.support.sweeper import (
    FIRST_LOOK_DAY,
    LOCKED,
    THIRTY_DAY,
    Shop,
    digested_keys,
    of_type,
    reminders,
    run_at,
    sweeper_ran_until,
)


@pytest.mark.server
def test_concurrent_runs_send_every_notice_exactly_once(
    server_api: Api, recorded_events: RecordingPublisher, frozen_now
) -> None:
    partner = Partner.create(server_api.with_key(ADMIN_KEY))
    shop = Shop(server_api, WebhookSender(server_api, WEBHOOK_SECRET), frozen_now)
    keys = shop.licenses(partner, 20)
    sweeper_ran_until(FIRST_LOOK_DAY)
    hourly_runs_found_nothing_until = THIRTY_DAY

    def concurrently(now: datetime, runs: int) -> list[sweeper.Summary]:
        frozen_now(now)
        start = threading.Barrier(runs)

        def one_run(_: int) -> sweeper.Summary:
            start.wait()
            return sweeper.run(now)

        with ThreadPoolExecutor(max_workers=runs) as pool:
            return list(pool.map(one_run, range(runs)))

    first_look = concurrently(run_at(90), 2)
    sweeper_ran_until(hourly_runs_found_nothing_until)
    before = len(recorded_events.events)
    thirty = concurrently(run_at(30), 3)
    fourteen = concurrently(run_at(14), 3)

    published = recorded_events.events[before:]
    for summaries in (first_look, thirty, fourteen):
        assert sum(s.visited for s in summaries) == 20
        assert all(s.complete or s.skipped == LOCKED for s in summaries), [s.as_json() for s in summaries]
    assert reminders(published) == sorted([(key, 30) for key in keys] + [(key, 14) for key in keys])
    assert digested_keys(published) == sorted(keys * 2)
    assert len({e.event_id for e in published}) == len(published)


@pytest.mark.server
def test_runs_overlapping_past_the_lock_still_record_each_notice_once_under_one_id(
    server_api: Api, recorded_events: RecordingPublisher, frozen_now, monkeypatch
) -> None:
    """Without the lock (a lease that ran out), runs race for the same licenses: each license's visit is
    conditional, so each notice is recorded once; a notice two runs both publish keeps its one id."""
    partner = Partner.create(server_api.with_key(ADMIN_KEY))
    shop = Shop(server_api, WebhookSender(server_api, WEBHOOK_SECRET), frozen_now)
    keys = shop.licenses(partner, 20)
    sweeper_ran_until(FIRST_LOOK_DAY)
    frozen_now(run_at(90))
    sweeper.run(run_at(90))
    sweeper_ran_until(THIRTY_DAY)
    monkeypatch.setattr(sweeper, "LOCK_SECONDS", -1)  # every run finds the lock expired
    now = run_at(30)
    frozen_now(now)
    start = threading.Barrier(3)

    def one_run(_: int) -> sweeper.Summary:
        start.wait()
        return sweeper.run(now)

    with ThreadPoolExecutor(max_workers=3) as pool:
        summaries = list(pool.map(one_run, range(3)))

    assert [s.skipped for s in summaries] == [None, None, None]
    assert sum(s.visited for s in summaries) >= 20
    by_id = {e.event_id: e for e in of_type(recorded_events.events, "RenewalReminderDue")}
    assert reminders(by_id.values()) == sorted((key, 30) for key in keys)
    assert sweeps.waiting_lines() == []
