"""License status from its dates (DESIGN.md section 2, "License life cycle") and calendar months."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from licensing.core.clock import add_months
from licensing.licenses.lifecycle import (
    ACTIVATION_WINDOW_MONTHS,
    LicenseStatus,
    activation_deadline,
    expiry,
    status_of,
)

SECOND = timedelta(seconds=1)
PURCHASED = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Dates:
    activation_deadline: datetime
    activated_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    redeemed_at: datetime | None = None
    suspended_at: datetime | None = None
    ends_at: datetime | None = None


def coupon(purchased: datetime = PURCHASED) -> Dates:
    return Dates(activation_deadline=activation_deadline(purchased))


def activated(at: datetime, term_months: int = 12, purchased: datetime = PURCHASED) -> Dates:
    return Dates(activation_deadline(purchased), activated_at=at, expires_at=expiry(at, term_months))


moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))


# --- the status values --------------------------------------------------------------------------


def test_status_values_are_the_api_strings() -> None:
    assert {s.value for s in LicenseStatus} == {
        "unused",
        "active",
        "expired",
        "lapsed",
        "redeemed",
        "revoked",
        "suspended",
        "cancelled",
    }
    assert LicenseStatus.ACTIVE == "active"


# --- unused and lapsed --------------------------------------------------------------------------


def test_activation_window_is_twelve_months() -> None:
    assert ACTIVATION_WINDOW_MONTHS == 12
    assert activation_deadline(PURCHASED) == datetime(2027, 11, 27, 10, 0, tzinfo=UTC)


def test_a_fresh_coupon_is_unused() -> None:
    assert status_of(coupon(), PURCHASED) is LicenseStatus.UNUSED
    assert status_of(coupon(), PURCHASED + timedelta(days=200)) is LicenseStatus.UNUSED


def test_coupon_lapses_exactly_at_the_deadline() -> None:
    deadline = datetime(2027, 11, 27, 10, 0, tzinfo=UTC)
    assert status_of(coupon(), deadline - SECOND) is LicenseStatus.UNUSED
    assert status_of(coupon(), deadline) is LicenseStatus.LAPSED
    assert status_of(coupon(), deadline + SECOND) is LicenseStatus.LAPSED
    assert status_of(coupon(), deadline + timedelta(days=3650)) is LicenseStatus.LAPSED


def test_lapse_uses_calendar_months_from_a_leap_day() -> None:
    leap_purchase = datetime(2024, 2, 29, 12, 0, tzinfo=UTC)
    assert activation_deadline(leap_purchase) == datetime(2025, 2, 28, 12, 0, tzinfo=UTC)
    license = coupon(leap_purchase)
    assert status_of(license, datetime(2025, 2, 28, 11, 59, 59, tzinfo=UTC)) is LicenseStatus.UNUSED
    assert status_of(license, datetime(2025, 2, 28, 12, 0, tzinfo=UTC)) is LicenseStatus.LAPSED


@settings(max_examples=200, deadline=None)
@given(purchased=moments, now=moments)
def test_a_coupon_is_unused_strictly_before_its_deadline_and_lapsed_from_it(
    purchased: datetime, now: datetime
) -> None:
    deadline = activation_deadline(purchased)
    expected = LicenseStatus.UNUSED if now < deadline else LicenseStatus.LAPSED
    assert status_of(coupon(purchased), now) is expected


# --- active and expired -------------------------------------------------------------------------


def test_active_until_expiry_and_expired_exactly_at_it() -> None:
    at = datetime(2027, 1, 31, 9, 30, tzinfo=UTC)
    license = activated(at, term_months=12)
    assert license.expires_at == datetime(2028, 1, 31, 9, 30, tzinfo=UTC)
    assert status_of(license, at) is LicenseStatus.ACTIVE
    assert status_of(license, datetime(2028, 1, 31, 9, 29, 59, tzinfo=UTC)) is LicenseStatus.ACTIVE
    assert status_of(license, datetime(2028, 1, 31, 9, 30, tzinfo=UTC)) is LicenseStatus.EXPIRED
    assert status_of(license, datetime(2030, 1, 1, tzinfo=UTC)) is LicenseStatus.EXPIRED


def test_an_activated_license_never_lapses() -> None:
    # Activated the second before the deadline, for 3 years: active long after the deadline passed.
    deadline = activation_deadline(PURCHASED)
    license = activated(deadline - SECOND, term_months=36)
    assert status_of(license, deadline + timedelta(days=400)) is LicenseStatus.ACTIVE


@settings(max_examples=200, deadline=None)
@given(at=moments, term=st.sampled_from([12, 24, 36]), now=moments)
def test_activated_status_depends_only_on_expiry(at: datetime, term: int, now: datetime) -> None:
    license = activated(at, term_months=term, purchased=at - timedelta(days=30))
    assert license.expires_at is not None
    expected = LicenseStatus.ACTIVE if now < license.expires_at else LicenseStatus.EXPIRED
    assert status_of(license, now) is expected


# --- revoked and redeemed take precedence -------------------------------------------------------


def _every_dated_state() -> list[Dates]:
    at = PURCHASED + timedelta(days=10)
    return [coupon(), activated(at), activated(at, term_months=1)]


@pytest.mark.parametrize("now_offset_days", [0, 20, 100, 800, 2000])
def test_revoked_wins_over_everything(now_offset_days: int) -> None:
    now = PURCHASED + timedelta(days=now_offset_days)
    revoked_at = PURCHASED + timedelta(days=1)
    for license in _every_dated_state():
        assert status_of(replace(license, revoked_at=revoked_at), now) is LicenseStatus.REVOKED
        both = replace(license, revoked_at=revoked_at, redeemed_at=revoked_at)
        assert status_of(both, now) is LicenseStatus.REVOKED


@pytest.mark.parametrize("now_offset_days", [0, 20, 100, 800, 2000])
def test_redeemed_wins_over_unused_lapsed_active_and_expired(now_offset_days: int) -> None:
    now = PURCHASED + timedelta(days=now_offset_days)
    for license in _every_dated_state():
        redeemed = replace(license, redeemed_at=PURCHASED + timedelta(days=1))
        assert status_of(redeemed, now) is LicenseStatus.REDEEMED


def test_precedence_examples_without_the_marks() -> None:
    # Sanity check of the fixtures the precedence tests rely on: without the marks they differ.
    at = PURCHASED + timedelta(days=10)
    now = PURCHASED + timedelta(days=800)
    assert status_of(coupon(), now) is LicenseStatus.LAPSED
    assert status_of(activated(at, term_months=36), now) is LicenseStatus.ACTIVE
    assert status_of(activated(at, term_months=1), now) is LicenseStatus.EXPIRED


# --- calendar months ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2027, 1, 31, 8, 15, 30, tzinfo=UTC), 1, datetime(2027, 2, 28, 8, 15, 30, tzinfo=UTC)),
        (datetime(2028, 1, 31, 8, 15, 30, tzinfo=UTC), 1, datetime(2028, 2, 29, 8, 15, 30, tzinfo=UTC)),
        (datetime(2100, 1, 31, tzinfo=UTC), 1, datetime(2100, 2, 28, tzinfo=UTC)),  # 2100 is not leap
        (datetime(2000, 1, 31, tzinfo=UTC), 1, datetime(2000, 2, 29, tzinfo=UTC)),  # 2000 is
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 4, 30, tzinfo=UTC)),
        (datetime(2026, 11, 30, tzinfo=UTC), 3, datetime(2027, 2, 28, tzinfo=UTC)),
        (datetime(2026, 12, 15, tzinfo=UTC), 1, datetime(2027, 1, 15, tzinfo=UTC)),
        (datetime(2026, 12, 31, tzinfo=UTC), 12, datetime(2027, 12, 31, tzinfo=UTC)),
        (datetime(2026, 11, 27, tzinfo=UTC), 36, datetime(2029, 11, 27, tzinfo=UTC)),
        (datetime(2024, 2, 29, tzinfo=UTC), 12, datetime(2025, 2, 28, tzinfo=UTC)),
        (datetime(2024, 2, 29, tzinfo=UTC), 48, datetime(2028, 2, 29, tzinfo=UTC)),
        (datetime(2026, 5, 31, tzinfo=UTC), 0, datetime(2026, 5, 31, tzinfo=UTC)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start: datetime, months: int, expected: datetime) -> None:
    assert add_months(start, months) == expected


def test_expiry_is_activation_plus_the_term_in_calendar_months() -> None:
    assert expiry(datetime(2027, 1, 31, tzinfo=UTC), 1) == datetime(2027, 2, 28, tzinfo=UTC)
    assert expiry(datetime(2028, 1, 31, tzinfo=UTC), 1) == datetime(2028, 2, 29, tzinfo=UTC)
    assert expiry(datetime(2026, 11, 27, 10, tzinfo=UTC), 24) == datetime(2028, 11, 27, 10, tzinfo=UTC)


def test_add_months_keeps_the_time_zone() -> None:
    cet = timezone(timedelta(hours=1))
    result = add_months(datetime(2027, 1, 31, 23, 0, tzinfo=cet), 1)
    assert result == datetime(2027, 2, 28, 23, 0, tzinfo=cet)
    assert result.tzinfo is cet


@settings(max_examples=300, deadline=None)
@given(start=moments, months=st.integers(min_value=0, max_value=240))
def test_add_months_agrees_with_relativedelta(start: datetime, months: int) -> None:
    assert add_months(start, months) == start + relativedelta(months=months)


@settings(max_examples=300, deadline=None)
@given(start=moments, months=st.integers(min_value=0, max_value=240))
def test_add_months_properties(start: datetime, months: int) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.time() == start.time()
    assert result.tzinfo == start.tzinfo
    assert result.day <= start.day
    if start.day <= 28:
        assert result.day == start.day
    assert result >= start


@settings(max_examples=200, deadline=None)
@given(start=moments, a=st.integers(min_value=0, max_value=120), b=st.integers(min_value=0, max_value=120))
def test_add_months_is_monotonic(start: datetime, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert add_months(start, low) <= add_months(start, high)
