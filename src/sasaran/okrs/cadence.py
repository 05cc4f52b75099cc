"""The check-in rhythm: when the current cadence period began, and whether a key result is due.

A cadence is "every N weeks on a weekday" (Monday = 0). Its periods start on that weekday; with
N > 1 the weeks are counted from a fixed Monday (1970-01-05), so every team on the same cadence
shares the same on-weeks whatever cycle or date one looks from. Pure: standard library only.
"""

import datetime as dt
from dataclasses import dataclass

MONDAY = 0
WEEKDAYS = range(7)
EVERY_WEEKS = (1, 2)
# Week 0 of every multi-week cadence: a Monday, so weekday w's first period starts w days later.
EPOCH = dt.date(1970, 1, 5)


@dataclass(frozen=True)
class Cadence:
    every_weeks: int = 1
    weekday: int = MONDAY

    def __post_init__(self) -> None:
        if self.every_weeks < 1 or self.weekday not in WEEKDAYS:
            raise ValueError(f"bad cadence: every {self.every_weeks} weeks on day {self.weekday}")


def weeks_of_days(days: int) -> int:
    """The workspace's cadence is kept in days (stale = two of them); for due-ness it is read in
    whole weeks, at least one: 7 → 1, 14 → 2, 10 → 1, 3 → 1."""
    return max(1, round(days / 7))


def resolve(every_weeks: int | None, weekday: int | None, *, default: Cadence) -> Cadence:
    """A team's cadence; what it leaves unset (None) comes from the workspace default."""
    return Cadence(
        every_weeks=every_weeks if every_weeks is not None else default.every_weeks,
        weekday=weekday if weekday is not None else default.weekday,
    )


def period_start(today: dt.date, cadence: Cadence) -> dt.date:
    """The first day of the period `today` falls in: the latest cadence weekday on or before
    today that is an on-week (today itself when it is one)."""
    start = today - dt.timedelta(days=(today.weekday() - cadence.weekday) % 7)
    if cadence.every_weeks > 1:
        first = EPOCH + dt.timedelta(days=cadence.weekday)
        weeks = (start - first).days // 7
        start -= dt.timedelta(weeks=weeks % cadence.every_weeks)
    return start


def is_due(last_checkin_at: dt.datetime | None, period_started_at: dt.datetime) -> bool:
    """Due when never checked in, or not since the current period began."""
    return last_checkin_at is None or last_checkin_at < period_started_at
