"""A monthly license's usage periods (licensing.licenses.monthly): how activation, device changes,
suspension and cancellation move them, and when a license is listed for billing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from licensing.licenses.monthly import NO_END, billing_keys, closed, end_of_day, opened, resized, seconds

T0 = datetime(2026, 11, 3, 8, 30, tzinfo=UTC)


def test_end_of_day_is_the_next_utc_midnight() -> None:
    assert end_of_day(T0) == datetime(2026, 11, 4, tzinfo=UTC)
    assert end_of_day(datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC)) == datetime(2026, 12, 1, tzinfo=UTC)
    assert end_of_day(datetime(2026, 12, 1, tzinfo=UTC)) == datetime(2026, 12, 2, tzinfo=UTC)


def test_activation_resize_suspension_and_reinstatement() -> None:
    t1, t2, t3 = (T0 + timedelta(days=d) for d in (7, 12, 15))
    periods = opened(None, T0, 5)
    periods = resized(periods, t1, 9)
    periods = closed(periods, t2)
    assert resized(periods, t2, 3) == periods  # suspended: nothing is open to resize
    periods = opened(periods, t3, 9)
    assert periods == [
        [seconds(T0), seconds(t1), 5],
        [seconds(t1), seconds(t2), 9],
        [seconds(t3), None, 9],
    ]


def test_closing_twice_keeps_the_first_end() -> None:
    once = closed(opened(None, T0, 2), T0 + timedelta(hours=1))
    assert closed(once, T0 + timedelta(hours=5)) == once


@given(st.lists(st.tuples(st.sampled_from(["resize", "close", "open"]), st.integers(1, 500)), max_size=30))
def test_periods_never_overlap_and_only_the_last_is_open(steps: list[tuple[str, int]]) -> None:
    periods = opened(None, T0, 1)
    for minute, (step, devices) in enumerate(steps, start=1):
        now = T0 + timedelta(minutes=minute)
        periods = {"resize": resized, "open": opened}.get(step, lambda p, n, _d: closed(p, n))(
            periods, now, devices
        )
    assert all(end is not None for _, end, _ in periods[:-1])
    for (start, end, _), (next_start, _, _) in pairwise(periods):
        assert start <= end <= next_start


def test_only_an_activated_monthly_license_of_a_partner_is_billed() -> None:
    base = {"key": "K", "plan": "monthly", "activated_at": T0, "partner_id": "ptn_1"}
    assert billing_keys(base) == ("PARTNER#ptn_1#MONTHLY", f"{NO_END}#K")
    assert billing_keys({**base, "ends_at": datetime(2026, 12, 1, tzinfo=UTC)}) == (
        "PARTNER#ptn_1#MONTHLY",
        "2026-11-30#K",
    )
    assert billing_keys({**base, "plan": None}) is None
    assert billing_keys({**base, "activated_at": None}) is None
    assert billing_keys({**base, "partner_id": None}) is None
