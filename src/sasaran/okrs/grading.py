"""End-of-cycle scoring of key results and objectives, and what a score means."""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction


class Grade(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


VALID_SCORES = tuple(round(i / 10, 1) for i in range(11))
_TOLERANCE = 1e-9
# Where a score changes colour or meaning: yellow from 0.4, green (and aspirational success)
# from 0.7, committed success at 1.0.
_EDGES = (Fraction(4, 10), Fraction(7, 10), Fraction(1))


class InvalidScore(ValueError):
    """A score outside 0.0-1.0 or off the 0.1 grid; `field` names the form field."""

    field = "score"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _round_half_up(x: float, places: str) -> float:
    # Via str, so 0.25 rounds as the 0.25 people typed rather than as its binary neighbour.
    return float(Decimal(str(x)).quantize(Decimal(places), rounding=ROUND_HALF_UP))


def suggest_score(progress: float | None) -> float:
    """The score a key result's final progress suggests: one decimal, half up, in [0, 1]."""
    if progress is None or math.isnan(progress):
        return 0.0
    return _round_half_up(min(max(progress, 0.0), 1.0), "0.1")


def validate_score(score: float) -> float:
    """Return the canonical grid value of `score`, or raise InvalidScore."""
    message = f"A score is between 0.0 and 1.0 in steps of 0.1 (got {score!r})."
    # bool is an int subclass; True must not pass as 1.0.
    if isinstance(score, bool) or not isinstance(score, int | float):
        raise InvalidScore(message)
    for valid in VALID_SCORES:
        if abs(score - valid) <= _TOLERANCE:
            return valid
    raise InvalidScore(message)


def objective_score(items: Iterable[tuple[float | None, float]]) -> float | None:
    """Weighted mean of key-result (score, weight), unrounded; None when nothing counts.

    Colour and success are decided on this value (grade_colour, succeeded), so it is computed
    exactly (scores are tenths, weights binary floats: both are exact fractions) and the float
    returned sits on the same side of every band edge (0.4, 0.7, 1.0) as the exact mean. Round it
    only to show it."""
    # Via str: a score of 0.7 is the 7/10 people chose, not its binary neighbour.
    counted = [(Fraction(str(s)), Fraction(w)) for s, w in items if _counts(s, w)]
    if not counted:
        return None
    total = sum(w for _, w in counted)
    mean = sum(s * w for s, w in counted) / total
    score = float(mean)
    for edge in _EDGES:
        # float(mean) rounds to the nearest double, which may be the edge itself when the exact
        # mean lies a hair below it: step one unit down so `score >= edge` stays false.
        if mean < edge and score >= float(edge):
            score = math.nextafter(float(edge), -math.inf)
    return score


def _counts(score: float | None, weight: float) -> bool:
    return score is not None and weight > 0 and math.isfinite(weight)


def grade_colour(score: float) -> Grade:
    """Traffic-light colour of a score."""
    if score >= 0.7:
        return Grade.GREEN
    if score >= 0.4:
        return Grade.YELLOW
    return Grade.RED


_SUCCESS_SCORE = {"committed": 1.0, "aspirational": 0.7}


def succeeded(objective_kind: str, score: float) -> bool:
    """Whether an objective met its bar: committed ones must be fully met, aspirational 0.7."""
    try:
        bar = _SUCCESS_SCORE[objective_kind]
    except KeyError:
        raise ValueError(f"Unknown objective kind {objective_kind!r}.") from None
    return score >= bar
