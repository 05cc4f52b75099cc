"""Automatic and stale status of key results and objectives (an override is stored beside the
automatic status and wins until the next check-in: okrs.rollup.kr_status)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    DONE = "done"
    # The cycle has not started (still being planned, or its start date is ahead): there is no
    # pace to judge yet (set by okrs.rollup, which knows the cycle's state).
    NOT_STARTED = "not_started"


@dataclass(frozen=True)
class Thresholds:
    on_track: float = 0.7  # progress >= on_track * expected -> on_track
    at_risk: float = 0.4  # progress >= at_risk * expected -> at_risk, else off_track
    grace: float = 0.1  # early in the period there is too little signal to judge pace
    stale_days: int = 14


DEFAULT_THRESHOLDS = Thresholds()

_BADNESS = {
    Status.NOT_STARTED: -1,
    Status.DONE: 0,
    Status.ON_TRACK: 1,
    Status.AT_RISK: 2,
    Status.OFF_TRACK: 3,
}


def worse(a: Status, b: Status) -> Status:
    """The worse of two statuses (done < on_track < at_risk < off_track)."""
    return a if _BADNESS[a] >= _BADNESS[b] else b


def _time_fraction(now: datetime, start: datetime, due: datetime) -> float:
    if due <= start:
        # A period of no length is all-or-nothing.
        return 1.0 if now >= due else 0.0
    return min(max((now - start) / (due - start), 0.0), 1.0)


def expected_progress(now: datetime, start: datetime, due: datetime) -> float:
    """Progress a linear pace would have reached by `now`, in [0, 1]."""
    return _time_fraction(now, start, due)


def elapsed_fraction(now: datetime, start: datetime, due: datetime) -> float:
    """Share of the period that has passed, in [0, 1]."""
    return _time_fraction(now, start, due)


def _confidence_cap(confidence: int | None) -> Status | None:
    if confidence is None or confidence in (4, 5):
        return None
    if confidence == 3:
        return Status.AT_RISK
    if confidence in (1, 2):
        return Status.OFF_TRACK
    raise ValueError(f"Confidence is 1 to 5 (got {confidence!r}).")


def auto_status(
    progress: float | None,
    *,
    now: datetime,
    start: datetime,
    due: datetime,
    confidence: int | None = None,
    stay: bool = False,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Status | None:
    """Status from progress against a linear pace, made worse (never better) by low confidence.

    The cap applies to `done` too: an owner who reports the target reached with confidence 1
    is saying it will not hold (PRODUCT §2: the latest confidence can only make it worse)."""
    if progress is None:
        return None
    cap = _confidence_cap(confidence)
    # A stay KR holding its line mid-period has not finished: it must hold until the due date.
    if progress >= 1 and not (stay and now < due):
        status = Status.DONE
    elif elapsed_fraction(now, start, due) < thresholds.grace:
        status = Status.ON_TRACK
    else:
        expected = expected_progress(now, start, due)
        if progress >= thresholds.on_track * expected:
            status = Status.ON_TRACK
        elif progress >= thresholds.at_risk * expected:
            status = Status.AT_RISK
        else:
            status = Status.OFF_TRACK
    return status if cap is None else worse(status, cap)


def is_stale(
    last_checkin_at: datetime | None,
    *,
    now: datetime,
    since: datetime,
    stale_days: int = 14,
) -> bool:
    """True when nobody has checked in for more than `stale_days` since `since`."""
    if now < since:
        return False
    # A check-in from before `since` (e.g. during planning) must not make a new KR stale at once.
    reference = since if last_checkin_at is None else max(last_checkin_at, since)
    return now - reference > timedelta(days=stale_days)
