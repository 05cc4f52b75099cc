"""Tests for automatic, overridden and stale statuses."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sasaran.okrs.status import (
    Status,
    Thresholds,
    auto_status,
    elapsed_fraction,
    expected_progress,
    is_stale,
    worse,
)

ON = Status.ON_TRACK
RISK = Status.AT_RISK
OFF = Status.OFF_TRACK
DONE = Status.DONE

START = datetime(2025, 1, 1, tzinfo=UTC)
DUE = START + timedelta(days=100)


def day(n: float) -> datetime:
    return START + timedelta(days=n)


# --- time fractions ---------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "start", "due", "expected"),
    [
        (day(-5), START, DUE, 0.0),  # before the period
        (START, START, DUE, 0.0),
        (day(25), START, DUE, 0.25),
        (day(50), START, DUE, 0.5),
        (DUE, START, DUE, 1.0),
        (day(150), START, DUE, 1.0),  # after the period
        (day(-1), START, START, 0.0),  # zero-length period, before it
        (START, START, START, 1.0),  # zero-length period, at it
        (day(1), START, START, 1.0),
        (day(5), START, day(-10), 1.0),  # due before start, now after due
        (day(-20), START, day(-10), 0.0),  # due before start, now before due
    ],
)
def test_expected_progress_and_elapsed_fraction_table(now, start, due, expected):
    assert expected_progress(now, start, due) == pytest.approx(expected)
    assert elapsed_fraction(now, start, due) == pytest.approx(expected)


# --- worse ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (ON, ON, ON),
        (ON, RISK, RISK),
        (RISK, ON, RISK),
        (RISK, OFF, OFF),
        (OFF, ON, OFF),
        (OFF, RISK, OFF),
    ],
)
def test_worse_picks_the_worse_status(a, b, expected):
    assert worse(a, b) == expected


# --- auto_status ------------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "now", "expected"),
    [
        # at day 50 expected progress is 0.5: on_track from 0.35, at_risk from 0.2
        (0.5, day(50), ON),
        (0.35, day(50), ON),
        (0.3499, day(50), RISK),
        (0.2, day(50), RISK),
        (0.1999, day(50), OFF),
        (0.0, day(50), OFF),
        # at the due date expected is 1.0
        (0.7, DUE, ON),
        (0.69, DUE, RISK),
        (0.4, DUE, RISK),
        (0.39, DUE, OFF),
        # long after the due date the pace stays at 1.0
        (0.5, day(200), RISK),
        # done
        (1.0, day(50), DONE),
        (1.0, day(1), DONE),
        (1.0, DUE, DONE),
        (1.0, day(200), DONE),
    ],
)
def test_auto_status_judges_progress_against_a_linear_pace(progress, now, expected):
    assert auto_status(progress, now=now, start=START, due=DUE) == expected


def test_auto_status_of_unknown_progress_is_unknown():
    assert auto_status(None, now=day(50), start=START, due=DUE) is None
    assert auto_status(None, now=day(50), start=START, due=DUE, confidence=1) is None


@pytest.mark.parametrize(
    ("progress", "now", "expected"),
    [
        (0.0, day(-3), ON),  # before the period starts
        (0.0, START, ON),
        (0.0, day(9.99), ON),  # still inside the first 10%
        (0.0, day(10), OFF),  # grace is over: expected 0.1, 0.04 is needed for at_risk
        (0.05, day(10), RISK),
        (0.07, day(10), ON),
    ],
)
def test_grace_period_is_on_track_without_confidence(progress, now, expected):
    assert auto_status(progress, now=now, start=START, due=DUE) == expected


@pytest.mark.parametrize(
    ("confidence", "expected"),
    [(None, ON), (5, ON), (4, ON), (3, RISK), (2, OFF), (1, OFF)],
)
def test_confidence_overrules_the_grace_period(confidence, expected):
    got = auto_status(0.0, now=day(2), start=START, due=DUE, confidence=confidence)
    assert got == expected


@pytest.mark.parametrize(
    ("progress", "confidence", "expected"),
    [
        # on_track by pace (progress 0.5 at day 50)
        (0.5, None, ON),
        (0.5, 5, ON),
        (0.5, 4, ON),
        (0.5, 3, RISK),
        (0.5, 2, OFF),
        (0.5, 1, OFF),
        # at_risk by pace
        (0.3, 5, RISK),
        (0.3, 4, RISK),
        (0.3, 3, RISK),
        (0.3, 2, OFF),
        (0.3, 1, OFF),
        # off_track by pace: confidence never makes it better
        (0.1, 5, OFF),
        (0.1, 4, OFF),
        (0.1, 3, OFF),
        (0.1, 1, OFF),
    ],
)
def test_confidence_can_only_lower_the_status(progress, confidence, expected):
    got = auto_status(progress, now=day(50), start=START, due=DUE, confidence=confidence)
    assert got == expected


@pytest.mark.parametrize(
    ("confidence", "expected"),
    [(None, DONE), (5, DONE), (4, DONE), (3, RISK), (2, OFF), (1, OFF)],
)
@pytest.mark.parametrize("now", [day(50), DUE, day(200)])
def test_low_confidence_caps_done_too(confidence, expected, now):
    got = auto_status(1.0, now=now, start=START, due=DUE, confidence=confidence)
    assert got == expected


@given(
    progress=st.floats(min_value=0, max_value=1),
    now=st.floats(min_value=-10, max_value=200).map(day),
    confidence=st.sampled_from([None, 1, 2, 3, 4, 5]),
    stay=st.booleans(),
)
def test_confidence_never_makes_a_status_better(progress, now, confidence, stay):
    plain = auto_status(progress, now=now, start=START, due=DUE, stay=stay)
    got = auto_status(progress, now=now, start=START, due=DUE, stay=stay, confidence=confidence)
    assert worse(got, plain) == got
    if confidence in (1, 2):
        assert got == OFF
    if confidence == 3:
        assert got in (RISK, OFF)


@pytest.mark.parametrize("confidence", [0, 6, -1])
def test_confidence_outside_1_to_5_is_refused(confidence):
    with pytest.raises(ValueError):
        auto_status(0.5, now=day(50), start=START, due=DUE, confidence=confidence)


@pytest.mark.parametrize(
    ("progress", "now", "confidence", "expected"),
    [
        (1.0, day(50), None, ON),  # holding the line mid-period is on track, not done
        (1.0, day(5), None, ON),
        (1.0, day(50), 2, OFF),  # and confidence can lower it
        (1.0, DUE - timedelta(seconds=1), None, ON),
        (1.0, DUE, None, DONE),  # done only at the due date
        (1.0, day(120), None, DONE),
        (1.0, DUE, 1, OFF),  # done, but its owner doubts it holds
        (0.0, day(50), None, OFF),  # not holding the line
        (0.0, DUE, None, OFF),
    ],
)
def test_stay_kr_is_done_only_at_or_after_the_due_date(progress, now, confidence, expected):
    got = auto_status(progress, now=now, start=START, due=DUE, confidence=confidence, stay=True)
    assert got == expected


def test_custom_thresholds_move_the_boundaries():
    strict = Thresholds(on_track=0.9, at_risk=0.6, grace=0.0)
    assert auto_status(0.45, now=day(50), start=START, due=DUE, thresholds=strict) == ON
    assert auto_status(0.44, now=day(50), start=START, due=DUE, thresholds=strict) == RISK
    assert auto_status(0.29, now=day(50), start=START, due=DUE, thresholds=strict) == OFF
    assert auto_status(0.0, now=day(1), start=START, due=DUE, thresholds=strict) == OFF


def test_default_thresholds():
    assert Thresholds() == Thresholds(on_track=0.7, at_risk=0.4, grace=0.1, stale_days=14)


# --- is_stale ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_checkin_at", "now", "expected"),
    [
        (None, day(14), False),  # exactly 14 days since the start
        (None, day(14) + timedelta(seconds=1), True),
        (None, day(3), False),
        (day(10), day(24), False),  # exactly 14 days since the check-in
        (day(10), day(24) + timedelta(seconds=1), True),
        (day(10), day(20), False),
        (None, day(-1), False),  # before `since`: never stale
        (day(-30), day(-1), False),
        (day(-30), day(14), False),  # a check-in before `since` counts from `since`
        (day(-30), day(14) + timedelta(seconds=1), True),
    ],
)
def test_is_stale_after_more_than_14_days_without_checkin(last_checkin_at, now, expected):
    assert is_stale(last_checkin_at, now=now, since=START) is expected


def test_is_stale_uses_the_given_number_of_days():
    assert is_stale(None, now=day(3), since=START, stale_days=2) is True
    assert is_stale(None, now=day(2), since=START, stale_days=2) is False


# --- properties -------------------------------------------------------------

offsets = st.floats(min_value=-50, max_value=200, allow_nan=False, allow_infinity=False)


@given(a=offsets, b=offsets)
def test_expected_progress_is_in_unit_interval_and_never_falls_with_time(a, b):
    earlier, later = sorted((a, b))
    e1 = expected_progress(day(earlier), START, DUE)
    e2 = expected_progress(day(later), START, DUE)
    assert 0.0 <= e1 <= e2 <= 1.0


_BADNESS = [ON, RISK, OFF]


@given(
    progress=st.floats(min_value=0, max_value=0.999, allow_nan=False),
    now=offsets,
    confidence=st.integers(1, 5),
)
def test_confidence_never_makes_the_status_better(progress, now, confidence):
    without = auto_status(progress, now=day(now), start=START, due=DUE)
    with_confidence = auto_status(
        progress, now=day(now), start=START, due=DUE, confidence=confidence
    )
    assert _BADNESS.index(with_confidence) >= _BADNESS.index(without)


@given(
    low=st.floats(min_value=0, max_value=1, allow_nan=False),
    high=st.floats(min_value=0, max_value=1, allow_nan=False),
    now=offsets,
)
def test_more_progress_never_gives_a_worse_status(low, high, now):
    low, high = sorted((low, high))
    order = [DONE, ON, RISK, OFF]
    s_low = auto_status(low, now=day(now), start=START, due=DUE)
    s_high = auto_status(high, now=day(now), start=START, due=DUE)
    assert order.index(s_high) <= order.index(s_low)
