"""Straight-line projection of a key result's recent check-ins to its due date."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Forecast:
    projected_value: float | None
    projected_progress: float | None
    will_reach_target: bool | None


NO_FORECAST = Forecast(None, None, None)


def linear_fit(points: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """Least-squares (slope, intercept) of y on x; None when no line is determined."""
    if len(points) < 2:
        return None
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    if min(xs) == max(xs):
        return None
    n = len(points)
    mean_x = math.fsum(xs) / n
    mean_y = math.fsum(ys) / n
    # Centring first keeps large x (seconds since the cycle start) from losing precision.
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x


def forecast(
    points: Sequence[tuple[datetime, float]],
    *,
    start_at: datetime,
    start_value: float,
    due: datetime,
    progress_of: Callable[[float], float | None],
    window: int = 6,
) -> Forecast:
    """Project the value at `due` from the latest `window` check-ins (time, value)."""
    if not points:
        return NO_FORECAST
    if window < 1:
        raise ValueError(f"The forecast window needs at least one check-in (got {window}).")
    recent = sorted(points, key=lambda p: p[0])[-window:]
    if len(recent) < 2:
        # One check-in says nothing about pace on its own; the start value supplies the other end.
        recent = [(start_at, start_value), *recent]
    # Stable sort: on equal timestamps the check-in stays after the baseline and counts as latest.
    recent.sort(key=lambda p: p[0])
    fit = linear_fit([((t - start_at).total_seconds(), v) for t, v in recent])
    if fit is None:
        projected_value = recent[-1][1]
    else:
        slope, intercept = fit
        projected_value = slope * (due - start_at).total_seconds() + intercept
    projected_progress = progress_of(projected_value)
    if projected_progress is None:
        # Nothing to count (an empty checklist): a value, but no progress to reach.
        return Forecast(projected_value, None, None)
    return Forecast(projected_value, projected_progress, projected_progress >= 1.0)
