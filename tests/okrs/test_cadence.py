"""okrs/cadence.py: where the current check-in period began, and whether a key result is due."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sasaran.okrs.cadence import Cadence, is_due, period_start, resolve, weeks_of_days

days = st.dates(min_value=dt.date(1971, 1, 1), max_value=dt.date(2999, 12, 31))
cadences = st.builds(Cadence, every_weeks=st.sampled_from([1, 2, 3]), weekday=st.integers(0, 6))


@given(days, cadences)
def test_the_period_starts_on_the_cadence_weekday_within_one_period(today, cadence):
    start = period_start(today, cadence)
    assert start.weekday() == cadence.weekday
    assert start <= today < start + dt.timedelta(weeks=cadence.every_weeks)


@given(days, cadences, st.integers(0, 60))
def test_every_day_of_a_period_has_the_same_start(today, cadence, offset):
    start = period_start(today, cadence)
    later = today + dt.timedelta(days=offset)
    same_period = later < start + dt.timedelta(weeks=cadence.every_weeks)
    assert (period_start(later, cadence) == start) == same_period


@given(days, cadences)
def test_the_next_period_starts_one_period_later(today, cadence):
    start = period_start(today, cadence)
    following = start + dt.timedelta(weeks=cadence.every_weeks)
    assert period_start(following, cadence) == following


def test_a_weekly_monday_cadence_starts_on_the_last_monday():
    monday = Cadence(every_weeks=1, weekday=0)
    assert period_start(dt.date(2026, 11, 25), monday) == dt.date(2026, 11, 23)  # a Wednesday
    assert period_start(dt.date(2026, 11, 23), monday) == dt.date(2026, 11, 23)  # the Monday
    assert period_start(dt.date(2026, 11, 22), monday) == dt.date(2026, 11, 16)  # a Sunday


def test_two_weekly_periods_are_the_same_weeks_for_every_team():
    thursdays = Cadence(every_weeks=2, weekday=3)
    assert period_start(dt.date(2026, 11, 25), thursdays) == dt.date(2026, 11, 12)
    assert period_start(dt.date(2026, 11, 26), thursdays) == dt.date(2026, 11, 26)


def test_due_when_never_checked_in_or_not_since_the_period_began():
    began = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    assert is_due(None, began)
    assert is_due(began - dt.timedelta(seconds=1), began)
    assert not is_due(began, began)
    assert not is_due(began + dt.timedelta(days=2), began)


def test_a_team_leaves_what_it_does_not_set_to_the_workspace():
    default = Cadence(every_weeks=2, weekday=4)
    assert resolve(None, None, default=default) == default
    assert resolve(1, None, default=default) == Cadence(1, 4)
    assert resolve(None, 0, default=default) == Cadence(2, 0)


@pytest.mark.parametrize(("days", "weeks"), [(1, 1), (3, 1), (7, 1), (10, 1), (14, 2), (30, 4)])
def test_the_workspace_cadence_in_days_reads_as_whole_weeks(days, weeks):
    assert weeks_of_days(days) == weeks


def test_a_cadence_refuses_nonsense():
    with pytest.raises(ValueError):
        Cadence(every_weeks=0)
    with pytest.raises(ValueError):
        Cadence(weekday=7)
