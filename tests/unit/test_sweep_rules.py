"""The sweeper's pure rules (`sweep_rules.visit`): what a license or a coupon is owed at a moment, the
markers done after the visit, and when to look next. No AWS: moments in, decisions out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from licensing.sweeper.rules import EXPIRED, LAPSED, NOTICE, REMINDER, WARNING, Owed, Visit, visit

EXPIRY = datetime(2027, 11, 27, 10, 0, tzinfo=UTC)  # a license's term
DEADLINE = EXPIRY  # a coupon's term: its activation deadline
DEFAULT = (30, 14, 7, 1)
REMINDER_MARKERS = ["reminder:30", "reminder:14", "reminder:7", "reminder:1"]
EVERY_LICENSE_MARKER = [*REMINDER_MARKERS, "end_customer_notice", "expired"]
EVERY_COUPON_MARKER = ["coupon_warning:30", "coupon_warning:7", "lapsed"]


def days_before(days: float, term: datetime = EXPIRY) -> datetime:
    return term - timedelta(days=days)


def license_visit(
    now: datetime, done: list[str] | None = None, thresholds: tuple[int, ...] = DEFAULT
) -> Visit:
    return visit(activated=True, term=EXPIRY, done=done or [], reminder_days=thresholds, now=now)


def coupon_visit(now: datetime, done: list[str] | None = None) -> Visit:
    return visit(activated=False, term=DEADLINE, done=done or [], reminder_days=DEFAULT, now=now)


def walk(
    moments: list[datetime], thresholds: tuple[int, ...] = DEFAULT, *, activated: bool = True
) -> list[Visit]:
    """Visit at each moment in turn, carrying the markers forward as the sweeper stores them."""
    visits, done = [], []
    for now in moments:
        result = visit(activated=activated, term=EXPIRY, done=done, reminder_days=thresholds, now=now)
        visits.append(result)
        done = result.done
    return visits


# ------------------------------------------------------------------------------------------- licenses


def test_the_first_look_sends_nothing_and_schedules_the_first_threshold() -> None:
    assert license_visit(days_before(90)) == Visit(send=[], done=[], next_due=days_before(30))


def test_each_threshold_is_sent_once_at_its_moment_then_the_notice_and_the_expiry() -> None:
    moments = [
        days_before(90),
        days_before(30),
        days_before(30) + timedelta(hours=1),  # the next hourly run: nothing new
        days_before(14),
        days_before(7),
        days_before(3),
        days_before(1),
        EXPIRY,
    ]

    visits = walk(moments)

    assert [v.send for v in visits] == [
        [],
        [Owed(REMINDER, 30)],
        [],
        [Owed(REMINDER, 14)],
        [Owed(REMINDER, 7)],
        [Owed(NOTICE)],
        [Owed(REMINDER, 1)],
        [Owed(EXPIRED)],
    ]
    assert [v.next_due for v in visits] == [
        days_before(30),
        days_before(14),
        days_before(14),
        days_before(7),
        days_before(3),
        days_before(1),
        EXPIRY,
        None,
    ]
    assert visits[-1].done == [
        "reminder:30",
        "reminder:14",
        "reminder:7",
        "end_customer_notice",
        "reminder:1",
        "expired",
    ]


def test_a_threshold_already_done_is_not_sent_again() -> None:
    again = license_visit(days_before(30) + timedelta(hours=5), done=["reminder:30"])

    assert again == Visit(send=[], done=["reminder:30"], next_due=days_before(14))


def test_just_before_a_threshold_nothing_is_owed_yet() -> None:
    early = license_visit(days_before(30) - timedelta(seconds=1))

    assert early == Visit(send=[], done=[], next_due=days_before(30))


def test_catch_up_sends_only_the_nearest_threshold_reached_and_marks_the_older_ones_done() -> None:
    late = license_visit(days_before(5))  # no visit since long before the 30-day threshold

    assert late.send == [Owed(REMINDER, 7)]
    assert late.done == ["reminder:30", "reminder:14", "reminder:7"]
    assert late.next_due == days_before(3)


def test_catch_up_after_a_partial_history_skips_only_what_is_stale() -> None:
    late = license_visit(days_before(2), done=["reminder:30"])

    assert late.send == [Owed(REMINDER, 7), Owed(NOTICE)]
    assert late.done == ["reminder:30", "reminder:14", "reminder:7", "end_customer_notice"]
    assert late.next_due == days_before(1)


def test_stale_thresholds_marked_done_by_a_catch_up_are_never_sent_later() -> None:
    first, second = walk([days_before(5), days_before(4)])

    assert first.send == [Owed(REMINDER, 7)]
    assert second == Visit(send=[], done=first.done, next_due=days_before(3))


def test_past_expiry_only_the_expiry_is_recorded_no_reminder_and_no_end_customer_notice() -> None:
    after = license_visit(EXPIRY + timedelta(hours=1), done=["reminder:30"])

    assert after.send == [Owed(EXPIRED)]
    assert sorted(after.done) == sorted(EVERY_LICENSE_MARKER)
    assert after.next_due is None


def test_at_the_very_moment_of_expiry_the_license_is_expired_not_reminded() -> None:
    assert license_visit(EXPIRY).send == [Owed(EXPIRED)]


def test_the_expiry_is_recorded_once() -> None:
    assert license_visit(EXPIRY + timedelta(days=3), done=EVERY_LICENSE_MARKER) == Visit(
        send=[], done=EVERY_LICENSE_MARKER, next_due=None
    )


def test_next_due_is_none_once_everything_is_done() -> None:
    assert license_visit(days_before(20), done=EVERY_LICENSE_MARKER).next_due is None
    assert coupon_visit(days_before(20), done=EVERY_COUPON_MARKER).next_due is None


def test_no_marker_is_recorded_twice() -> None:
    after = license_visit(EXPIRY + timedelta(days=1), done=["reminder:30", "reminder:14"])

    assert len(after.done) == len(set(after.done))


# ------------------------------------------------------------------------------------- custom thresholds


def test_a_partners_own_thresholds_replace_the_defaults() -> None:
    moments = [days_before(d) for d in (90, 60, 30, 14, 10, 7, 3, 1, 0)]

    visits = walk(moments, thresholds=(60, 10))

    assert [v.send for v in visits] == [
        [],
        [Owed(REMINDER, 60)],
        [],  # not visited in production (not due), and nothing owed if it were
        [],
        [Owed(REMINDER, 10)],
        [],
        [Owed(NOTICE)],
        [],
        [Owed(EXPIRED)],
    ]
    assert visits[0].next_due == days_before(60)
    assert visits[1].next_due == days_before(10)


def test_a_threshold_on_the_notice_day_sends_both() -> None:
    assert license_visit(days_before(3), done=["reminder:7"], thresholds=(7, 3)).send == [
        Owed(REMINDER, 3),
        Owed(NOTICE),
    ]


def test_without_thresholds_only_the_notice_and_the_expiry_remain() -> None:
    first_look = license_visit(days_before(90), thresholds=())

    assert first_look.next_due == days_before(3)
    assert license_visit(days_before(3), thresholds=()).send == [Owed(NOTICE)]


# --------------------------------------------------------------------------------------------- coupons


def test_coupon_warnings_at_30_and_7_days_then_the_lapse() -> None:
    moments = [days_before(31), days_before(30), days_before(20), days_before(7), DEADLINE]

    visits = walk(moments, activated=False)

    assert [v.send for v in visits] == [[], [Owed(WARNING, 30)], [], [Owed(WARNING, 7)], [Owed(LAPSED)]]
    assert [v.next_due for v in visits] == [
        days_before(30),
        days_before(7),
        days_before(7),
        DEADLINE,
        None,
    ]
    assert visits[-1].done == EVERY_COUPON_MARKER


def test_a_coupon_gets_no_renewal_reminders_nor_an_end_customer_notice() -> None:
    near = coupon_visit(days_before(3), done=["coupon_warning:30", "coupon_warning:7"])

    assert near == Visit(send=[], done=["coupon_warning:30", "coupon_warning:7"], next_due=DEADLINE)


def test_a_coupon_caught_up_late_gets_only_the_7_day_warning() -> None:
    late = coupon_visit(days_before(2))

    assert late.send == [Owed(WARNING, 7)]
    assert late.done == ["coupon_warning:30", "coupon_warning:7"]
    assert late.next_due == DEADLINE


def test_a_coupon_past_its_deadline_only_lapses() -> None:
    after = coupon_visit(DEADLINE + timedelta(days=4))

    assert after.send == [Owed(LAPSED)]
    assert after.next_due is None


# ------------------------------------------------------------------------------------------------ misc


@pytest.mark.parametrize(
    ("owed", "marker"),
    [
        (Owed(REMINDER, 14), "reminder:14"),
        (Owed(WARNING, 7), "coupon_warning:7"),
        (Owed(NOTICE), "end_customer_notice"),
        (Owed(EXPIRED), "expired"),
        (Owed(LAPSED), "lapsed"),
    ],
)
def test_markers_name_the_kind_and_for_reminders_and_warnings_the_threshold(owed: Owed, marker: str) -> None:
    assert owed.marker == marker


def test_visiting_does_not_change_the_markers_it_was_given() -> None:
    done = ["reminder:30"]

    license_visit(days_before(7), done=done)

    assert done == ["reminder:30"]
