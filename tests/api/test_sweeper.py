"""The sweeper through its real handler and the real API: renewal reminders and the partner digest, the
end-customer notice, coupon deadline warnings, expiry and lapse; catch-up after missed runs; exactly once
across reruns, crashes and time budgets; work proportional to what is due. Concurrent runs, on the moto
server, are in tests/concurrency/test_sweeper_races.py; the world's calendar, the shop that builds it and
the readers of the events are in tests/support/sweeper.py.

The world: business licenses activated via `/v1/lookup` at 2026-11-27T10:00Z expire 2027-11-27T10:00Z;
the unused coupons of an order bought then have that same activation deadline. The sweeper's first look
at such a license is 90 days before its expiry (2027-08-29), at a coupon 30 days before its deadline.
Every sweep sets the application's clock to the sweep's `now`, as the production clock would be.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from devtools.gateway import LambdaContext, LocalGateway
from licensing.contracts.base import DomainEvent
from licensing.core.clock import iso
from licensing.infra import bus
from licensing.infra.bus import RecordingPublisher
from licensing.licenses.index import DUE_SHARDS
from licensing.licenses.keys import generate_key
from licensing.store.table import BaseItem, LicenseItem, SweepNoticeItem, SweepStateItem
from licensing.sweeper import notices
from licensing.sweeper import repository as sweeps
from licensing.sweeper import run as sweeper
from licensing.sweeper.rules import REMINDER, Owed
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.environment import TABLE
from tests.support.sweeper import (
    EXPIRY,
    FIRST_LOOK_DAY,
    LOCKED,
    NEW_EXPIRY,
    START,
    THIRTY_DAY,
    Shop,
    coupon_warnings,
    digested_keys,
    digests,
    keys_of,
    of_type,
    reminders,
    run_at,
    sweeper_events,
    sweeper_ran_until,
    workspace,
)

# ------------------------------------------------------------------------------------------- the world


def first_look_then_quiet_until_the_30_day_threshold(sweep: Callable[..., Run]) -> None:
    """The licenses' first look (nothing is sent), then hourly runs that find nothing due until the day of
    the 30-day threshold (the coupons' first look is that day too)."""
    sweeper_ran_until(FIRST_LOOK_DAY)
    assert sweep(run_at(90)).events == []
    sweeper_ran_until(THIRTY_DAY)


def lock_state() -> SweepStateItem:
    return SweepStateItem.get(sweeps.STATE_PK, sweeps.STATE_SK, consistent_read=True)


def stored(key: str) -> LicenseItem:
    return LicenseItem.get(f"LICENSE#{key}", "LICENSE", consistent_read=True)


def table_snapshot() -> list[dict[str, Any]]:
    return sorted((i.to_simple_dict() for i in BaseItem.scan()), key=lambda i: (i["PK"], i["SK"]))


# ------------------------------------------------------------------------------------------ the events


@dataclass
class Run:
    """One sweep: the handler's summary and the events it published."""

    summary: dict[str, Any]
    events: list[DomainEvent]


def reminder_ids(run: Run) -> dict[str, str]:
    """Each reminded license's RenewalReminderDue event id."""
    return {e.detail["license_key"]: e.event_id for e in of_type(run.events, "RenewalReminderDue")}


def assert_each_names_its_keys_and_partner(published: Iterable[DomainEvent]) -> None:
    for event in sweeper_events(published):
        assert event.detail["partner_id"].startswith("ptn_"), event
        named = event.detail.get("license_keys") or [event.detail.get("license_key")]
        assert named and all(named), event


# ------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _clock(frozen_now: Any) -> None:
    """Every test runs on the frozen clock (it starts at START)."""


@pytest.fixture
def shop(api: Api, webhook: WebhookSender, frozen_now: Any) -> Shop:
    return Shop(api, webhook, frozen_now)


@pytest.fixture
def other(admin: Api) -> Partner:
    return Partner.create(admin, name="Other Reseller", email="ops@other.example")


@pytest.fixture
def sweep(gateway: LocalGateway, frozen_now: Any, recorded_events: RecordingPublisher) -> Callable[..., Run]:
    """Invoke the sweeper's handler with a scheduled event at `now` (the app clock moved there first)."""
    handler = gateway.handler("functions.sweeper.app")

    def sweep(now: datetime, *, timeout_ms: int = 900_000) -> Run:
        frozen_now(now)
        before = len(recorded_events.events)
        event = {"source": "aws.events", "detail-type": "Scheduled Event", "time": iso(now), "detail": {}}
        summary = handler(event, LambdaContext("sweeper", timeout_ms))
        published = recorded_events.events[before:]
        assert_each_names_its_keys_and_partner(published)
        return Run(summary, published)

    return sweep


def crash_after(count: int, real: Callable[..., Any]) -> Callable[..., Any]:
    """`real`, until it has been called `count` times: then the Lambda dies."""
    calls = itertools.count(1)

    def dying(*args: Any) -> Any:
        if next(calls) > count:
            raise RuntimeError("the Lambda died mid-run")
        return real(*args)

    return dying


def out_of_time_after(count: int) -> Callable[[], bool]:
    """A time budget that runs out after `count` items."""
    calls = itertools.count(1)
    return lambda: next(calls) > count


# ---------------------------------------------------------------------------- reminders and the digest


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_reminders_at_30_14_7_and_1_days_one_event_per_license_one_digest_per_partner(
    shop: Shop, partner: Partner, other: Partner, sweep
) -> None:
    first, second = shop.licenses(partner, 2)
    (third,) = shop.licenses(other, 1)
    first_look_then_quiet_until_the_30_day_threshold(sweep)  # the first look sends nothing
    for days in (30, 14, 7, 1):
        run = sweep(run_at(days))
        assert reminders(run.events) == sorted([(first, days), (second, days), (third, days)]), days
        assert digests(run.events) == {partner.id: sorted([first, second]), other.id: [third]}, days
        in_between = sweep(run_at(days - 0.5))
        assert reminders(in_between.events) == [], days
        assert digests(in_between.events) == {}, days


def test_one_digest_lists_every_license_of_the_partner_whatever_threshold_it_reached(
    shop: Shop, partner: Partner, sweep, frozen_now
) -> None:
    (older,) = shop.licenses(partner, 1)
    frozen_now(START + timedelta(days=16))
    (newer,) = shop.licenses(partner, 1)  # expires 16 days later: its 30 days are the other's 14
    sweeper_ran_until(FIRST_LOOK_DAY)
    assert reminders(sweep(run_at(30)).events) == [(older, 30)]

    run = sweep(run_at(14))

    assert reminders(run.events) == sorted([(older, 14), (newer, 30)])
    (digest,) = of_type(run.events, "PartnerRenewalDigest")
    assert digest.detail["license_keys"] == [older, newer]  # soonest expiry first
    assert [(e["license_key"], e["threshold_days"], e["expires_at"]) for e in digest.detail["licenses"]] == [
        (older, 14, "2027-11-27T10:00:00Z"),
        (newer, 30, "2027-12-13T10:00:00Z"),
    ]


def test_a_reminder_and_its_digest_carry_the_license_and_the_partner(
    shop: Shop, partner: Partner, sweep
) -> None:
    (key,) = shop.licenses(partner, 1, customer_ref="CUST-1")
    first_look_then_quiet_until_the_30_day_threshold(sweep)

    run = sweep(run_at(30))

    (reminder,) = of_type(run.events, "RenewalReminderDue")
    entry = {
        "license_key": key,
        "threshold_days": 30,
        "expires_at": "2027-11-27T10:00:00Z",
        "product": "business",
        "devices": 5,
        "customer_ref": "CUST-1",
        "workspace_id": workspace(key),
    }
    assert reminder.detail == {"partner_id": partner.id, **entry}
    (digest,) = of_type(run.events, "PartnerRenewalDigest")
    assert digest.detail == {
        "partner_id": partner.id,
        "run_at": "2027-10-28T11:00:00Z",
        "license_keys": [key],
        "licenses": [entry],
    }
    assert run.summary == {
        "now": "2027-10-28T11:00:00Z",
        "complete": True,
        "skipped": None,
        "visited": 1,
        "published": {"PartnerRenewalDigest": 1, "RenewalReminderDue": 1},
    }


def test_a_partners_own_thresholds_are_used_instead_of_the_defaults(
    shop: Shop, partner: Partner, other: Partner, sweep
) -> None:
    assert partner.api.patch("/v1/settings", {"reminder_days": [60, 10]}).status == 200
    (own,) = shop.licenses(partner, 1)
    (default,) = shop.licenses(other, 1)
    sweeper_ran_until(FIRST_LOOK_DAY)

    sent = {days: reminders(sweep(run_at(days)).events) for days in (90, 60, 30, 14, 10, 7, 1)}

    assert sent == {
        90: [],
        60: [(own, 60)],
        30: [(default, 30)],
        14: [(default, 14)],
        10: [(own, 10)],
        7: [(default, 7)],
        1: [(default, 1)],
    }


def test_thresholds_changed_after_a_look_apply_from_the_next_look(
    shop: Shop, partner: Partner, sweep, frozen_now
) -> None:
    """Known limit: a license's next look was scheduled with the thresholds in force at its last look, so
    a threshold added in between is caught up at that next look (the 30-day one here), labelled with the
    threshold it stands for; later thresholds come on time. The partner is never told twice."""
    (key,) = shop.licenses(partner, 1)
    sweeper_ran_until(FIRST_LOOK_DAY)
    sweep(run_at(90))  # scheduled the next look for the default 30-day threshold
    frozen_now(run_at(80))
    assert partner.api.patch("/v1/settings", {"reminder_days": [60, 10]}).status == 200

    assert reminders(sweep(run_at(60)).events) == []
    assert reminders(sweep(run_at(30)).events) == [(key, 60)]
    assert reminders(sweep(run_at(10)).events) == [(key, 10)]
    assert reminders(sweep(run_at(1)).events) == []


# ------------------------------------------------------------------------------ the end-customer notice


def test_the_end_customer_notice_three_days_before_once_with_the_customer_email_when_known(
    shop: Shop, partner: Partner, sweep
) -> None:
    (jane,) = shop.licenses(partner, 1, customer_ref="jane@customer.example")
    (cust,) = shop.licenses(partner, 1, customer_ref="CUST-1")
    first_look_then_quiet_until_the_30_day_threshold(sweep)
    sweep(run_at(7))

    run = sweep(run_at(3))

    notices = {e.detail["license_key"]: e.detail for e in of_type(run.events, "EndCustomerExpiryNotice")}
    common = {
        "partner_id": partner.id,
        "expires_at": "2027-11-27T10:00:00Z",
        "product": "business",
        "devices": 5,
    }
    assert notices == {
        jane: {
            **common,
            "license_key": jane,
            "workspace_id": workspace(jane),
            "customer_ref": "jane@customer.example",
            "customer_email": "jane@customer.example",
        },
        cust: {
            **common,
            "license_key": cust,
            "workspace_id": workspace(cust),
            "customer_ref": "CUST-1",
            "customer_email": None,
        },
    }
    assert reminders(run.events) == []  # the notice is not a partner reminder
    for days in (2.5, 2, 1, 0.5):
        assert keys_of(sweep(run_at(days)).events, "EndCustomerExpiryNotice") == [], days


def test_a_license_renewed_before_the_notice_never_gets_it_nor_more_reminders_for_its_old_term(
    shop: Shop, partner: Partner, sweep, frozen_now
) -> None:
    key, kept = shop.licenses(partner, 2)
    first_look_then_quiet_until_the_30_day_threshold(sweep)
    old_thirty = sweep(run_at(30))
    assert reminders(old_thirty.events) == sorted([(key, 30), (kept, 30)])
    frozen_now(run_at(20))
    shop.renew(partner, key)
    assert partner.api.get(f"/v1/licenses/{key}").json()["expires_at"] == "2028-11-27T10:00:00Z"

    old_term = [sweep(run_at(days)) for days in (14, 7, 3, 1, 0, -3)]

    sent = [event for run in old_term for event in run.events]
    assert reminders(sent) == [(kept, 1), (kept, 7), (kept, 14)]
    assert keys_of(sent, "EndCustomerExpiryNotice") == [kept]
    assert keys_of(sent, "LicenseExpired") == [kept]
    assert key not in digested_keys(sent)

    sweeper_ran_until("2028-08-29")  # the renewed term's first look: nothing due in between
    new_thirty = sweep(run_at(30, NEW_EXPIRY))
    (reminder,) = of_type(new_thirty.events, "RenewalReminderDue")
    assert (reminder.detail["license_key"], reminder.detail["threshold_days"]) == (key, 30)
    assert reminder.detail["expires_at"] == "2028-11-27T10:00:00Z"
    (old,) = [e for e in of_type(old_thirty.events, "RenewalReminderDue") if e.detail["license_key"] == key]
    assert reminder.event_id != old.event_id  # a new term: not deduplicated away by the consumers
    assert digests(new_thirty.events) == {partner.id: [key]}


def test_a_license_renewed_while_the_sweeper_holds_its_old_index_entry_is_left_alone(
    shop: Shop, partner: Partner, sweep, monkeypatch
) -> None:
    renewed, kept = shop.licenses(partner, 2)
    first_look_then_quiet_until_the_30_day_threshold(sweep)
    real_visit = sweeper._visit

    def renewal_races_the_sweeper(license: LicenseItem, *args: Any) -> None:
        if license.key == renewed and stored(renewed).expires_at == EXPIRY:
            shop.renew(partner, renewed)  # after the due query read it, before the visit writes it
        real_visit(license, *args)

    monkeypatch.setattr(sweeper, "_visit", renewal_races_the_sweeper)

    run = sweep(run_at(30))

    assert reminders(run.events) == [(kept, 30)]
    assert digests(run.events) == {partner.id: [kept]}
    assert stored(renewed).sweep_term == "license:2028-11-27T10:00:00Z"
    assert stored(renewed).due_at == datetime(2028, 8, 29, 10, 0, tzinfo=UTC)  # its new term's first look


# ------------------------------------------------------------------------------ coupons, expiry, lapse


def test_coupon_warnings_at_30_and_7_days_grouped_per_partner_once_each_then_the_lapse(
    shop: Shop, partner: Partner, other: Partner, sweep
) -> None:
    mine = shop.coupons(partner, 3)
    (theirs,) = shop.coupons(other, 1)
    sweeper_ran_until(FIRST_LOOK_DAY)

    assert sweep(run_at(31)).events == []
    thirty = sweep(run_at(30))
    again = sweep(run_at(29))
    seven = sweep(run_at(7))
    lapse = sweep(run_at(0))
    after = [sweep(run_at(days)) for days in (-1, -30)]

    assert coupon_warnings(thirty.events) == {(partner.id, 30): sorted(mine), (other.id, 30): [theirs]}
    assert [e.detail_type for e in thirty.events] == ["CouponDeadlineWarning"] * 2
    assert again.events == []
    assert coupon_warnings(seven.events) == {(partner.id, 7): sorted(mine), (other.id, 7): [theirs]}
    assert [e.detail_type for e in seven.events] == ["CouponDeadlineWarning"] * 2
    assert keys_of(lapse.events, "CouponLapsed") == sorted([*mine, theirs])
    assert {e.detail_type for e in lapse.events} == {"CouponLapsed"}
    assert [run.events for run in after] == [[], []]
    assert all(stored(key).GSI4PK is None for key in [*mine, theirs])  # out of the due index
    assert partner.api.get(f"/v1/licenses/{mine[0]}").json()["status"] == "lapsed"


def test_a_coupon_warning_and_a_lapse_carry_the_coupons_and_the_partner(
    shop: Shop, partner: Partner, sweep
) -> None:
    first, second = shop.coupons(partner, 2)
    sweeper_ran_until(FIRST_LOOK_DAY)

    (warning,) = sweep(run_at(30)).events
    lapses = sweep(run_at(0)).events

    coupon = {"activation_deadline": "2027-11-27T10:00:00Z", "product": "business", "devices": 5}
    assert warning.detail == {
        "partner_id": partner.id,
        "threshold_days": 30,
        "license_keys": sorted([first, second]),
        "coupons": [{"license_key": key, **coupon} for key in sorted([first, second])],
    }
    assert {e.detail_type for e in lapses} == {"CouponLapsed"}
    assert {e.detail["license_key"]: e.detail for e in lapses} == {
        key: {"partner_id": partner.id, "license_key": key, "activation_deadline": "2027-11-27T10:00:00Z"}
        for key in (first, second)
    }


def test_the_expiry_is_recorded_once_as_license_expired_and_nothing_follows(
    shop: Shop, partner: Partner, sweep
) -> None:
    (key,) = shop.licenses(partner, 1)
    sweeper_ran_until(FIRST_LOOK_DAY)
    for days in (90, 30, 14, 7, 3, 1):
        sweep(run_at(days))

    expired = sweep(run_at(0))
    later = [sweep(run_at(days)).events for days in (-1, -10)]

    (event,) = expired.events
    assert event.detail_type == "LicenseExpired"
    assert event.detail == {
        "partner_id": partner.id,
        "license_key": key,
        "expires_at": "2027-11-27T10:00:00Z",
        "workspace_id": workspace(key),
    }
    assert later == [[], []]
    assert stored(key).GSI4PK is None and stored(key).due_at is None
    assert partner.api.get(f"/v1/licenses/{key}").json()["status"] == "expired"


def test_a_coupon_used_for_a_renewal_never_lapses_and_the_license_starts_a_new_term(
    shop: Shop, partner: Partner, sweep, frozen_now
) -> None:
    (license_key,) = shop.licenses(partner, 1)
    (coupon,) = shop.coupons(partner, 1)
    first_look_then_quiet_until_the_30_day_threshold(sweep)
    thirty = sweep(run_at(30))
    assert reminders(thirty.events) == [(license_key, 30)]
    assert coupon_warnings(thirty.events) == {(partner.id, 30): [coupon]}

    frozen_now(run_at(20))
    redeemed = partner.api.post(f"/v1/licenses/{license_key}/renew-with-coupon", {"coupon_key": coupon})
    assert redeemed.status == 200, redeemed.body
    later = [sweep(run_at(days)).events for days in (14, 7, 3, 1, 0, -1)]

    assert later == [[]] * 6
    assert stored(coupon).GSI4PK is None


# -------------------------------------------------------------------------------- exactly once, reruns


def test_a_second_run_at_the_same_now_publishes_nothing(shop: Shop, partner: Partner, sweep) -> None:
    shop.licenses(partner, 2, customer_ref="jane@customer.example")
    shop.coupons(partner, 2)
    first_look_then_quiet_until_the_30_day_threshold(sweep)
    first = sweep(run_at(3))  # 7-day reminders caught up, the notice, the 7-day coupon warning
    assert Counter(e.detail_type for e in first.events) == {
        "RenewalReminderDue": 2,
        "PartnerRenewalDigest": 1,
        "EndCustomerExpiryNotice": 2,
        "CouponDeadlineWarning": 1,
    }

    second = sweep(run_at(3))

    assert second.events == []
    assert (second.summary["visited"], second.summary["published"]) == (0, {})


def test_catch_up_after_weeks_without_runs_sends_only_the_nearest_threshold(
    shop: Shop, partner: Partner, sweep
) -> None:
    (key,) = shop.licenses(partner, 1)
    (coupon,) = shop.coupons(partner, 1)
    # no checkpoint: the schedule was never on; the first run looks back 100 days

    late = sweep(run_at(5))

    assert reminders(late.events) == [(key, 7)]  # not 30 and 14
    assert digests(late.events) == {partner.id: [key]}
    assert coupon_warnings(late.events) == {(partner.id, 7): [coupon]}  # not 30
    assert late.summary["published"] == {
        "CouponDeadlineWarning": 1,
        "PartnerRenewalDigest": 1,
        "RenewalReminderDue": 1,
    }
    after_expiry = sweep(run_at(-2))  # missed again: the notice and the 1-day reminder are stale now
    assert sorted((e.detail_type, e.detail["license_key"]) for e in after_expiry.events) == sorted(
        [("LicenseExpired", key), ("CouponLapsed", coupon)]
    )


def test_a_first_run_after_expiry_records_the_expiry_without_stale_reminders(
    shop: Shop, partner: Partner, sweep
) -> None:
    (key,) = shop.licenses(partner, 1, customer_ref="jane@customer.example")

    run = sweep(run_at(-1))

    assert [(e.detail_type, e.detail["license_key"]) for e in run.events] == [("LicenseExpired", key)]


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_a_crash_mid_run_then_a_rerun_sends_every_due_notice_exactly_once(
    shop: Shop, partner: Partner, other: Partner, sweep, monkeypatch, recorded_events: RecordingPublisher
) -> None:
    mine = shop.licenses(partner, 5)
    theirs = shop.licenses(other, 3)
    first_look_then_quiet_until_the_30_day_threshold(sweep)
    monkeypatch.setattr(sweeper, "_visit", crash_after(3, sweeper._visit))

    before = len(recorded_events.events)
    with pytest.raises(RuntimeError, match="died mid-run"):
        sweep(run_at(30))

    crashed = recorded_events.events[before:]  # the three visits committed their own reminders
    assert len(reminders(crashed)) == 3 and of_type(crashed, "PartnerRenewalDigest") == []
    assert len(sweeps.waiting_lines()) == 3  # their digest lines wait for the next run
    assert lock_state().lock_owner is None  # the lock went with the crash: the rerun is not blocked
    monkeypatch.undo()
    rerun = sweep(run_at(30))

    assert rerun.summary["skipped"] is None and rerun.summary["complete"] is True
    assert reminders([*crashed, *rerun.events]) == sorted((key, 30) for key in [*mine, *theirs])
    assert digested_keys(rerun.events) == sorted([*mine, *theirs])
    assert len({e.event_id for e in [*crashed, *rerun.events]}) == len(crashed) + len(rerun.events)
    for event in of_type(rerun.events, "PartnerRenewalDigest"):
        owner = mine if event.detail["partner_id"] == partner.id else theirs
        assert set(event.detail["license_keys"]) <= set(owner)
    assert sweeps.waiting_lines() == []
    assert sweep(run_at(30)).events == []


def test_a_crash_after_the_visits_leaves_the_digest_to_the_next_run_with_its_lines(
    shop: Shop, partner: Partner, sweep, monkeypatch, recorded_events: RecordingPublisher
) -> None:
    """A run that dies after its visits, before its digests: the reminders went out with the visits, and
    the next run (whatever else it finds) sends the digest of exactly those licenses, once."""
    keys = shop.licenses(partner, 3)
    first_look_then_quiet_until_the_30_day_threshold(sweep)
    monkeypatch.setattr(notices, "announce", crash_after(0, notices.announce))
    before = len(recorded_events.events)

    with pytest.raises(RuntimeError, match="died mid-run"):
        sweep(run_at(30))

    first = recorded_events.events[before:]
    assert reminders(first) == sorted((key, 30) for key in keys)
    assert of_type(first, "PartnerRenewalDigest") == []
    monkeypatch.undo()
    again = sweep(run_at(30) + timedelta(hours=1))
    assert reminders(again.events) == []
    assert digests(again.events) == {partner.id: sorted(keys)}
    assert sweep(run_at(30) + timedelta(hours=2)).events == []


def test_a_digest_part_another_run_took_in_part_is_sent_again_with_the_rest(
    shop: Shop, partner: Partner, sweep, monkeypatch, recorded_events: RecordingPublisher
) -> None:
    """Two overlapping runs hold different lines of one partner: the one that announces first takes its
    lines; the other's transaction fails on those lines alone and is written again with the rest, so
    every license is in exactly one digest and no line is left waiting."""
    keys = shop.licenses(partner, 4)
    first_look_then_quiet_until_the_30_day_threshold(sweep)
    monkeypatch.setattr(notices, "announce", crash_after(0, notices.announce))
    with pytest.raises(RuntimeError, match="died mid-run"):
        sweep(run_at(30))
    monkeypatch.undo()
    lines = sorted(sweeps.waiting_lines(), key=lambda line: line.SK)
    assert len(lines) == 4
    before = len(recorded_events.events)

    first = notices.announce(lines[:2], run_at(30))  # the run that got there first, with two lines
    second = notices.announce(lines, run_at(30))  # the other run: all four in memory

    assert (first["PartnerRenewalDigest"], second["PartnerRenewalDigest"]) == (1, 1)
    assert sweeps.waiting_lines() == []
    sent = of_type(recorded_events.events[before:], "PartnerRenewalDigest")
    listed = [key for event in sent for key in event.detail["license_keys"]]
    assert sorted(listed) == sorted(keys)  # each license once
    assert [len(event.detail["license_keys"]) for event in sent] == [2, 2]


def test_a_license_that_kept_changing_during_its_visit_is_visited_by_a_later_run(
    shop: Shop, partner: Partner, sweep, monkeypatch
) -> None:
    """The sweeper gives a license that changes under it three attempts, then leaves it 'for the next run'
    (its log says so): the next run must still find it, even when the run moved past its bucket."""
    (busy,) = shop.licenses(partner, 1)
    first_look_then_quiet_until_the_30_day_threshold(sweep)  # busy is due at 10:00 on the 30-day day
    real_add_visit = sweeps.add_visit
    edits = itertools.count(1)

    def edited_meanwhile(tx: Any, license: LicenseItem, **kwargs: Any) -> None:
        edited = partner.api.patch(f"/v1/licenses/{busy}", {"note": f"edit {next(edits)}"})
        assert edited.status == 200, edited.body
        real_add_visit(tx, license, **kwargs)

    monkeypatch.setattr(sweeps, "add_visit", edited_meanwhile)
    after_midnight = datetime(2027, 10, 29, 0, 30, tzinfo=UTC)  # the runs of the 28th were missed
    assert sweep(after_midnight).events == []
    assert next(edits) == 4  # it tried three times and gave up
    monkeypatch.undo()

    later = [sweep(after_midnight + timedelta(hours=1)), sweep(run_at(14))]

    assert [reminders(run.events) for run in later] == [[(busy, 30)], [(busy, 14)]]


# -------------------------------------------------------------------------------------- the time budget


def test_a_run_out_of_time_leaves_the_rest_to_the_next_run_nothing_twice_nothing_skipped(
    shop: Shop, partner: Partner, other: Partner, sweep, frozen_now, recorded_events: RecordingPublisher
) -> None:
    mine = shop.licenses(partner, 5)
    theirs = shop.licenses(other, 3)
    first_look_then_quiet_until_the_30_day_threshold(sweep)
    now = run_at(30)
    frozen_now(now)
    before = len(recorded_events.events)

    stopped = sweeper.run(now, out_of_time=out_of_time_after(3))
    finished = sweeper.run(now)

    published = recorded_events.events[before:]
    assert (stopped.visited, finished.visited) == (3, 5)
    assert finished.complete is True
    assert reminders(published) == sorted((key, 30) for key in [*mine, *theirs])
    assert digested_keys(published) == sorted([*mine, *theirs])
    assert len({e.event_id for e in published}) == len(published)
    assert sweeper.run(now).visited == 0


def test_a_run_out_of_time_says_it_is_incomplete(shop: Shop, partner: Partner, sweep, frozen_now) -> None:
    shop.licenses(partner, 4)
    first_look_then_quiet_until_the_30_day_threshold(sweep)  # they wait in the 30-day run's bucket
    now = run_at(30)
    frozen_now(now)

    stopped = sweeper.run(now, out_of_time=out_of_time_after(2))

    assert stopped.visited == 2
    assert stopped.complete is False


def test_the_handler_stops_a_minute_before_the_lambda_timeout_and_says_so(
    shop: Shop, partner: Partner, sweep
) -> None:
    keys = shop.licenses(partner, 2)
    first_look_then_quiet_until_the_30_day_threshold(sweep)

    hurried = sweep(run_at(30), timeout_ms=30_000)  # less than the one-minute safety margin left

    assert (hurried.summary["visited"], hurried.events) == (0, [])
    assert hurried.summary["complete"] is False
    assert reminders(sweep(run_at(30)).events) == sorted((key, 30) for key in keys)


# ------------------------------------------------------------------------------------------- the lock


def test_a_run_while_another_holds_the_lock_is_skipped_and_the_notices_wait(
    shop: Shop, partner: Partner, sweep
) -> None:
    keys = shop.licenses(partner, 2)
    first_look_then_quiet_until_the_30_day_threshold(sweep)
    assert sweeps.acquire("other-run", wall_now=time.time(), lease_seconds=900, now=run_at(30)) is not None

    skipped = sweep(run_at(30))

    assert skipped.summary == {
        "now": "2027-10-28T11:00:00Z",
        "complete": False,
        "skipped": LOCKED,
        "visited": 0,
        "published": {},
    }
    assert skipped.events == []
    sweeps.release("other-run", swept_until=None)
    assert reminders(sweep(run_at(30)).events) == sorted((key, 30) for key in keys)


def test_a_lock_left_by_a_killed_run_frees_itself_when_its_lease_ends(
    shop: Shop, partner: Partner, sweep
) -> None:
    (key,) = shop.licenses(partner, 1)
    first_look_then_quiet_until_the_30_day_threshold(sweep)
    sweeps.acquire("killed-run", wall_now=time.time() - 16 * 60, lease_seconds=15 * 60, now=run_at(31))

    run = sweep(run_at(30))

    assert run.summary["skipped"] is None
    assert reminders(run.events) == [(key, 30)]
    assert lock_state().lock_owner is None


def test_a_crashed_run_leaves_the_lock_free_and_the_checkpoint_unmoved(
    shop: Shop, partner: Partner, sweep, monkeypatch
) -> None:
    shop.licenses(partner, 2)
    sweeper_ran_until(FIRST_LOOK_DAY)
    monkeypatch.setattr(sweeper, "_visit", crash_after(1, sweeper._visit))

    with pytest.raises(RuntimeError):
        sweep(run_at(90))

    assert (lock_state().lock_owner, lock_state().lock_until) == (None, None)
    assert lock_state().swept_until == FIRST_LOOK_DAY
    monkeypatch.undo()
    rerun = sweep(run_at(89))  # the next run, a day later: the one license the crash did not reach
    assert (rerun.summary["skipped"], rerun.summary["complete"], rerun.summary["visited"]) == (None, True, 1)
    assert lock_state().swept_until == "2027-08-30"


# -------------------------------------------------------------------------------------- stable event ids


def test_the_same_license_kind_threshold_and_term_always_give_the_same_event_id(
    shop: Shop, partner: Partner, sweep
) -> None:
    first, second = shop.licenses(partner, 2)
    first_look_then_quiet_until_the_30_day_threshold(sweep)
    client = boto3.client("dynamodb")
    keys = [{"PK": {"S": f"LICENSE#{key}"}, "SK": {"S": "LICENSE"}} for key in (first, second)]
    before_thirty = [client.get_item(TableName=TABLE, Key=key, ConsistentRead=True)["Item"] for key in keys]

    thirty = sweep(run_at(30))
    for item in before_thirty:  # the same licenses, the same term, not reminded yet: replay it
        client.put_item(TableName=TABLE, Item=item)
    replayed = sweep(run_at(29))  # another run, at another moment
    fourteen = sweep(run_at(14))

    assert sorted(e.event_id for e in replayed.events) == sorted(e.event_id for e in thirty.events)
    at_thirty, at_fourteen = reminder_ids(thirty), reminder_ids(fourteen)
    assert len({at_thirty[first], at_thirty[second], at_fourteen[first], at_fourteen[second]}) == 4
    (digest_thirty,) = of_type(thirty.events, "PartnerRenewalDigest")
    (digest_fourteen,) = of_type(fourteen.events, "PartnerRenewalDigest")
    assert digest_thirty.event_id != digest_fourteen.event_id


# ---------------------------------------------------------------------------------------------- scale


def test_a_run_visits_only_the_due_licenses_not_the_whole_table(
    shop: Shop, partner: Partner, sweep, frozen_now, ddb_calls
) -> None:
    due = shop.licenses(partner, 3)
    frozen_now(START + timedelta(hours=2))
    shop.coupons(partner, 12)  # first look at 12:00 on the 30-day run's day: same buckets, not due yet
    frozen_now(START + timedelta(days=100))
    shop.coupons(partner, 15)  # first look 100 days later
    first_look_then_quiet_until_the_30_day_threshold(sweep)
    ddb_calls.reset()

    run = sweep(run_at(30))

    assert run.summary["visited"] == 3
    assert reminders(run.events) == sorted((key, 30) for key in due)
    assert "Scan" not in ddb_calls.calls
    # one due bucket per shard, and the digest lines an earlier run may have left
    assert ddb_calls.calls.count("Query") == DUE_SHARDS + 1


class EventBridgeLimits(RecordingPublisher):
    """Records like the dev publisher, but refuses what EventBridge refuses: a PutEvents request (batched
    as the real publisher batches them) whose entries total more than 256 KB."""

    MAX_REQUEST_BYTES = 256 * 1024

    def __init__(self) -> None:
        super().__init__()
        self.refused_sizes: list[int] = []

    def publish(self, published: Sequence[DomainEvent]) -> list[str]:
        rejected: list[str] = []
        for batch in bus.batches(published, "bus"):
            size = sum(len(json.dumps(entry).encode()) for entry in (e.as_entry("bus") for e in batch))
            if size > self.MAX_REQUEST_BYTES:
                self.refused_sizes.append(size)
                rejected += [event.event_id for event in batch]
            else:
                self.events.extend(batch)
        return rejected


def test_a_partner_with_a_thousand_licenses_due_at_once_does_not_block_the_outbox(
    shop: Shop, partner: Partner, other: Partner, sweep
) -> None:
    """An MSP that onboarded 1,200 customers on one day hears about all of them in one run: whatever the
    digest looks like, it must fit EventBridge, or the outbox (every partner's notices) is stuck."""
    (small,) = shop.licenses(other, 1)
    first_look_then_quiet_until_the_30_day_threshold(sweep)
    now = run_at(30)
    big = [generate_key() for _ in range(1200)]
    with SweepNoticeItem.batch_write() as batch:  # the lines a run that died before its digests left
        for key in big:
            license = LicenseItem(
                f"LICENSE#{key}", "LICENSE", key=key, partner_id=partner.id, product="business", devices=5,
                workspace_id=str(uuid.uuid4()), customer_ref=f"it-{key[:5].lower()}@customer.example",
            )  # fmt: skip
            batch.save(notices.line(license, Owed(REMINDER, 30), EXPIRY, now))
    limits = EventBridgeLimits()
    bus.set_publisher(limits)

    run = sweep(now)

    assert limits.refused_sizes == []
    assert run.summary["complete"] is True
    assert reminders(limits.events) == [(small, 30)]  # the others' went out with their visits
    assert digested_keys(limits.events) == sorted([*big, small])
    assert sweeps.waiting_lines() == []


# ------------------------------------------------------------------------------------------ bad events


@pytest.mark.parametrize(
    "event",
    [
        {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}},
        {"source": "aws.events", "detail-type": "Scheduled Event", "time": "tomorrow morning"},
        {"time": None},
    ],
    ids=["no time", "not a time", "null time"],
)
def test_an_event_without_a_valid_time_is_refused_and_nothing_is_written(
    event: dict[str, Any], shop: Shop, partner: Partner, gateway: LocalGateway, recorded_events
) -> None:
    shop.licenses(partner, 1)
    before, published = table_snapshot(), len(recorded_events.events)

    with pytest.raises(ValueError, match="the sweeper needs a scheduled event with an ISO 8601 `time`"):
        gateway.handler("functions.sweeper.app")(event, LambdaContext("sweeper", 900_000))

    assert table_snapshot() == before
    assert len(recorded_events.events) == published


def test_a_run_before_the_checkpoint_says_that_window_was_swept_already(
    shop: Shop, partner: Partner, sweep
) -> None:
    shop.licenses(partner, 2)
    sweeper_ran_until(THIRTY_DAY)

    replay = sweep(run_at(45))  # two weeks before the day the checkpoint stands at

    assert replay.events == []
    assert replay.summary["visited"] == 0
    assert replay.summary["skipped"] == (
        f"{iso(run_at(45))} is before the sweeper's checkpoint ({THIRTY_DAY}): that window was swept "
        "already, so nothing was visited"
    )
    assert lock_state().swept_until == THIRTY_DAY and lock_state().lock_owner is None
