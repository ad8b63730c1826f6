"""Device-days and amounts on fixed scenarios, and their properties (licensing.billing.usage)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from licensing.billing.errors import InvalidMonth
from licensing.billing.usage import Billable, Month, days_counted, device_days, line_amount, statement
from licensing.catalog.catalog import load_catalog
from licensing.licenses.monthly import closed, end_of_day, opened, resized

NOV = Month(2026, 11)


def at(day: int, hour: int = 12, minute: int = 0, month: Month = NOV) -> datetime:
    return datetime(month.year, month.month, day, hour, minute, tzinfo=UTC)


def test_a_license_activated_mid_month_counts_from_its_first_day_even_late_in_it() -> None:
    periods = opened(None, at(10, 23, 59), 5)
    assert device_days(periods, NOV) == (21 * 5, 5)  # 10th..30th


def test_devices_raised_on_the_10th_count_the_10th_at_the_higher_count() -> None:
    periods = resized(opened(None, at(1, 0), 5), at(10, 15), 8)
    assert device_days(periods, NOV) == (9 * 5 + 21 * 8, 8)


def test_devices_lowered_on_the_10th_count_the_10th_at_the_higher_count_too() -> None:
    periods = resized(opened(None, at(1, 0), 8), at(10, 15), 3)
    assert device_days(periods, NOV) == (10 * 8 + 20 * 3, 8)


def test_suspended_on_the_15th_and_reinstated_on_the_18th_skips_the_16th_and_17th() -> None:
    periods = opened(closed(opened(None, at(1, 9), 2), at(15, 8)), at(18, 20), 2)
    assert device_days(periods, NOV) == ((30 - 2) * 2, 2)


def test_cancelled_on_the_20th_counts_the_20th_and_not_the_21st() -> None:
    periods = closed(opened(None, at(1, 9), 4), end_of_day(at(20, 16)))
    assert device_days(periods, NOV) == (20 * 4, 4)


def test_a_license_cancelled_the_day_before_the_month_bills_nothing_in_it() -> None:
    periods = closed(
        opened(None, at(1, 9, month=Month(2026, 10)), 4), end_of_day(at(31, 16, month=Month(2026, 10)))
    )
    assert device_days(periods, NOV) == (0, 0)
    assert device_days(periods, Month(2026, 10)) == (31 * 4, 4)


def test_a_period_across_two_months_bills_each_day_once() -> None:
    periods = closed(opened(None, at(20, 9, month=Month(2026, 10)), 3), at(10, 9))
    october, november = device_days(periods, Month(2026, 10)), device_days(periods, NOV)
    assert (october.device_days, november.device_days) == (12 * 3, 10 * 3)


@pytest.mark.parametrize(
    ("month", "days"),
    [(Month(2026, 2), 28), (Month(2028, 2), 29), (Month(2026, 11), 30), (Month(2026, 12), 31)],
)
def test_months_of_28_29_30_and_31_days(month: Month, days: int) -> None:
    periods = opened(None, month.start - timedelta(days=3), 1)
    assert (month.days, device_days(periods, month).device_days) == (days, days)
    # a full month of one device costs exactly the monthly price, whatever its length
    assert line_amount(days, days, 329, Decimal(0)) == 329


def test_month_so_far_counts_today_and_not_the_days_after() -> None:
    periods = opened(None, at(1, 0), 2)
    now = at(12, 8)
    assert days_counted(NOV, now) == 12
    assert device_days(periods, NOV, now) == (24, 2)
    assert days_counted(NOV, NOV.start - timedelta(seconds=1)) == 0


def test_amounts_are_rounded_half_even_once_per_line() -> None:
    # 15 device-days of 30 at 329: 164.5 -> 164 (half to even); with 10 % off: 148.05 -> 148
    assert line_amount(15, 30, 329, Decimal(0)) == 164
    assert line_amount(45, 30, 329, Decimal(0)) == 494  # 493.5 -> 494
    assert line_amount(15, 30, 329, Decimal(10)) == 148
    assert line_amount(1, 31, 199, Decimal("12.5")) == 6  # 5.6169... -> 6


def billable(key: str, periods: list, product: str = "business") -> Billable:
    return Billable(key, product, None, None, periods)


def test_a_partner_discount_applies_to_every_line_and_subtotals_sum_the_lines() -> None:
    licenses = [
        billable("A", opened(None, at(1, 0), 10)),
        billable("B", opened(None, at(16, 0), 10)),
        billable("C", opened(None, at(1, 0), 3), product="enterprise"),
    ]
    found = statement(NOV, licenses, currency="EUR", discount_percent=Decimal(20), catalog=load_catalog())
    assert [(line.key, line.device_days, line.amount) for line in found.lines] == [
        ("A", 300, 2632),  # 10 x 329 x 0.8
        ("B", 150, 1316),
        ("C", 90, 1198),  # 3 x 499 x 0.8 = 1197.6
    ]
    assert [tuple(s) for s in found.subtotals] == [("business", 450, 3948), ("enterprise", 90, 1198)]
    assert (found.total, found.minimum_applied, found.complete) == (5146, False, True)


def test_the_minimum_monthly_charge_raises_a_small_total() -> None:
    licenses = [billable("A", opened(None, at(30, 0), 1))]  # one device-day: 329 / 30 = 10.97 -> 11
    found = statement(NOV, licenses, currency="USD", discount_percent=Decimal(0), catalog=load_catalog())
    assert [line.amount for line in found.lines] == [12]  # 359 / 30 = 11.97
    assert (found.total, found.minimum_applied) == (1000, True)


def test_a_month_without_usage_has_no_lines_no_total_and_no_minimum() -> None:
    licenses = [billable("A", opened(None, at(1, 0, month=Month(2026, 12)), 1))]
    found = statement(NOV, licenses, currency="EUR", discount_percent=Decimal(0), catalog=load_catalog())
    assert (found.lines, found.total, found.minimum_applied) == ([], 0, False)


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "26-11", "2026-1", "2026/11", "", "2026-11-01", "0999-01"]
)
def test_malformed_months_are_refused(text: str) -> None:
    with pytest.raises(InvalidMonth):
        Month.parse(text)


# ---------------------------------------------------------------- properties

MONTHS = st.builds(Month, st.integers(2024, 2030), st.integers(1, 12))
MOMENTS = st.integers(
    int(datetime(2023, 12, 1, tzinfo=UTC).timestamp()), int(datetime(2031, 2, 1, tzinfo=UTC).timestamp())
)


@st.composite
def histories(draw: st.DrawFn) -> list:
    """Any sequence of activation, device changes, suspensions, reinstatements and a cancellation."""
    moments = sorted(draw(st.lists(MOMENTS, min_size=1, max_size=12)))
    periods = opened(None, datetime.fromtimestamp(moments[0], UTC), draw(st.integers(1, 500)))
    for moment in moments[1:]:
        when = datetime.fromtimestamp(moment, UTC)
        action = draw(st.sampled_from(["resize", "suspend", "reinstate", "cancel"]))
        is_open = periods[-1][1] is None
        if action == "resize" and is_open:
            periods = resized(periods, when, draw(st.integers(1, 500)))
        elif action == "suspend" and is_open:
            periods = closed(periods, when)
        elif action == "reinstate" and not is_open:
            periods = opened(periods, when, draw(st.integers(1, 500)))
        elif action == "cancel":
            return closed(periods, end_of_day(when))
    return periods


@given(histories(), MONTHS, st.one_of(st.none(), MOMENTS))
def test_device_days_are_never_negative_nor_above_max_devices_times_days(periods, month, now) -> None:
    moment = None if now is None else datetime.fromtimestamp(now, UTC)
    used = device_days(periods, month, moment)
    most = max(int(p[2]) for p in periods)
    assert 0 <= used.device_days <= most * days_counted(month, moment)
    assert used.devices_max <= most
    assert (used.device_days == 0) == (used.devices_max == 0)


@given(histories(), st.integers(2024, 2030))
def test_the_months_of_a_year_bill_each_day_once(periods, year) -> None:
    """Summed over the months, device-days equal the day-by-day count over the whole year."""
    months = [Month(year, m) for m in range(1, 13)]
    total = sum(device_days(periods, month).device_days for month in months)
    start, days = (
        datetime(year, 1, 1, tzinfo=UTC),
        (datetime(year + 1, 1, 1, tzinfo=UTC) - datetime(year, 1, 1, tzinfo=UTC)).days,
    )
    expected = 0
    for n in range(days):
        day = int((start + timedelta(days=n)).timestamp())
        counts = [int(p[2]) for p in periods if p[0] < day + 86_400 and (p[1] is None or p[1] > day)]
        expected += max(counts, default=0)
    assert total == expected


@given(
    st.lists(histories(), min_size=0, max_size=8),
    MONTHS,
    st.decimals(0, 60, places=2),
    st.sampled_from(["EUR", "USD"]),
)
def test_the_total_is_the_sum_of_the_lines_unless_the_minimum_applied(
    licenses, month, discount, currency
) -> None:
    catalog = load_catalog()
    billables = [
        billable(f"K{n}", periods, product=("home", "business", "enterprise")[n % 3])
        for n, periods in enumerate(licenses)
    ]
    found = statement(month, billables, currency=currency, discount_percent=discount, catalog=catalog)
    lines = sum(line.amount for line in found.lines)
    assert sum(s.amount for s in found.subtotals) == lines
    assert all(line.device_days > 0 and line.amount >= 0 for line in found.lines)
    if found.minimum_applied:
        assert lines < found.total == catalog.minimum_charge(currency)
    else:
        assert found.total == lines
