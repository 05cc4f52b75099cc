"""Tests for the straight-line forecast of key-result check-ins."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sasaran.okrs.forecast import Forecast, forecast, linear_fit
from sasaran.okrs.progress import Direction, Kind, kr_progress

START = datetime(2025, 1, 1, tzinfo=UTC)
DUE = START + timedelta(days=100)


def day(n: float) -> datetime:
    return START + timedelta(days=n)


def increase_0_to_100(value: float) -> float:
    return kr_progress(Kind.NUMBER, Direction.INCREASE, 0, 100, value)


def decrease_100_to_50(value: float) -> float:
    return kr_progress(Kind.NUMBER, Direction.DECREASE, 100, 50, value)


def project(points, *, start_value=0.0, progress_of=increase_0_to_100, window=6):
    return forecast(
        points,
        start_at=START,
        start_value=start_value,
        due=DUE,
        progress_of=progress_of,
        window=window,
    )


# --- linear_fit -------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ([(0, 0), (1, 1)], (1.0, 0.0)),
        ([(0, 5), (10, 5)], (0.0, 5.0)),
        ([(1, 3), (2, 5), (3, 7)], (2.0, 1.0)),
        ([(3, 7), (1, 3), (2, 5)], (2.0, 1.0)),  # order does not matter
        ([(0, 0), (1, 1), (2, 0), (3, 1)], (0.2, 0.2)),  # noisy: least squares
        ([(0, 10), (2, 6)], (-2.0, 10.0)),
        ([(1e7, 1), (1e7 + 10, 2)], (0.1, 1 - 1e6)),  # large x stays precise
    ],
)
def test_linear_fit_is_least_squares(points, expected):
    slope, intercept = linear_fit(points)
    assert slope == pytest.approx(expected[0])
    assert intercept == pytest.approx(expected[1])


@pytest.mark.parametrize(
    "points",
    [[], [(1, 1)], [(1, 1), (1, 2)], [(3, 0), (3, 5), (3, 9)]],
)
def test_linear_fit_is_none_without_a_determined_line(points):
    assert linear_fit(points) is None


# --- forecast ---------------------------------------------------------------


def test_no_checkins_means_no_forecast():
    assert project([]) == Forecast(None, None, None)


def test_single_checkin_is_fitted_against_the_start_value():
    got = project([(day(25), 20.0)])
    assert got.projected_value == pytest.approx(80.0)
    assert got.projected_progress == pytest.approx(0.8)
    assert got.will_reach_target is False


def test_steady_pace_to_the_target_will_reach_it():
    got = project([(day(25), 25.0), (day(50), 50.0)])
    assert got.projected_value == pytest.approx(100.0)
    assert got.projected_progress == 1.0
    assert got.will_reach_target is True


def test_overshooting_pace_is_clamped_in_progress_but_not_in_value():
    got = project([(day(10), 20.0), (day(20), 40.0)])
    assert got.projected_value == pytest.approx(200.0)
    assert got.projected_progress == 1.0
    assert got.will_reach_target is True


def test_falling_value_on_a_decrease_kr_is_projected_to_reach_its_target():
    got = project(
        [(day(20), 90.0), (day(40), 80.0)], start_value=100.0, progress_of=decrease_100_to_50
    )
    assert got.projected_value == pytest.approx(50.0)
    assert got.will_reach_target is True


def test_checkins_in_any_order_give_the_same_forecast():
    points = [(day(10), 12.0), (day(30), 28.0), (day(20), 21.0)]
    assert project(points) == project(sorted(points))


def test_only_the_most_recent_window_of_checkins_counts():
    early_burst = [(day(n), 10.0 * n) for n in (1, 2, 3)]  # pace of 10 a day
    recent_flat = [(day(n), 30.0) for n in (40, 50, 60)]
    got = project(early_burst + recent_flat, window=3)
    assert got.projected_value == pytest.approx(30.0)
    assert got.will_reach_target is False


def test_the_baseline_is_not_added_when_two_checkins_exist():
    # With the start value as a third point the fitted line would not be flat.
    got = project([(day(40), 60.0), (day(60), 60.0)])
    assert got.projected_value == pytest.approx(60.0)


@pytest.mark.parametrize(
    ("points", "expected_value"),
    [
        ([(day(30), 40.0), (day(30), 55.0)], 55.0),  # latest given wins on a tie
        ([(START, 70.0)], 70.0),  # single check-in at the start instant, with the baseline
        ([(day(5), 1.0), (day(5), 2.0), (day(5), 3.0)], 3.0),
    ],
)
def test_checkins_sharing_one_timestamp_project_the_latest_value_flat(points, expected_value):
    got = project(points)
    assert got.projected_value == expected_value
    assert got.projected_progress == increase_0_to_100(expected_value)


def test_progress_of_is_applied_to_the_projected_value():
    seen = []

    def progress_of(value: float) -> float:
        seen.append(value)
        return 0.5

    got = project([(day(10), 10.0), (day(20), 20.0)], progress_of=progress_of)
    assert seen == [pytest.approx(100.0)]
    assert got == Forecast(pytest.approx(100.0), 0.5, False)


def test_window_below_one_is_refused():
    with pytest.raises(ValueError):
        project([(day(1), 1.0)], window=0)


# --- properties -------------------------------------------------------------


@given(
    offsets=st.lists(st.integers(0, 100 * 86400), min_size=2, max_size=10, unique=True),
    slope_per_day=st.floats(min_value=-1e3, max_value=1e3, allow_nan=False),
    intercept=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    window=st.integers(2, 8),
)
def test_points_on_a_line_project_that_lines_value_at_due(
    offsets, slope_per_day, intercept, window
):
    slope = slope_per_day / 86400

    def line(seconds: float) -> float:
        return intercept + slope * seconds

    points = [(START + timedelta(seconds=s), line(s)) for s in offsets]
    got = project(points, start_value=-12345.0, progress_of=lambda v: 0.0, window=window)
    expected = line((DUE - START).total_seconds())
    scale = abs(intercept) + abs(slope_per_day) * 100 + 1
    assert got.projected_value == pytest.approx(expected, abs=1e-6 * scale)
