"""Key-result attainment and progress arithmetic, and the weighted roll-up to objectives."""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import StrEnum

# Values are bounded well inside float range and inside 2**53, where floats stop holding whole
# numbers exactly: a start of -1e308 and a target of 1e308 overflow the ratios to inf/NaN.
MAX_MAGNITUDE = 1e15


class Kind(StrEnum):
    NUMBER = "number"
    PERCENTAGE = "percentage"
    CURRENCY = "currency"
    BOOLEAN = "boolean"
    MILESTONES = "milestones"
    TASKS = "tasks"


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    STAY_AT_OR_ABOVE = "stay_at_or_above"
    STAY_AT_OR_BELOW = "stay_at_or_below"


NUMERIC_KINDS = frozenset({Kind.NUMBER, Kind.PERCENTAGE, Kind.CURRENCY})
STAY_DIRECTIONS = frozenset({Direction.STAY_AT_OR_ABOVE, Direction.STAY_AT_OR_BELOW})


class InvalidKeyResult(ValueError):
    """A key result whose numbers cannot describe progress; `field` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _number(x: float) -> str:
    # Messages are read by people: "10", not "10.0".
    if math.isfinite(x) and float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def validate_numeric(direction: Direction | str, start: float, target: float) -> None:
    """Raise InvalidKeyResult when start/target cannot define progress in `direction`."""
    direction = Direction(direction)
    if not math.isfinite(start):
        raise InvalidKeyResult("start_value", "The start value must be a finite number.")
    if not math.isfinite(target):
        raise InvalidKeyResult("target_value", "The target value must be a finite number.")
    values = f"(start {_number(start)}, target {_number(target)})"
    if direction is Direction.INCREASE and target < start:
        raise InvalidKeyResult(
            "target_value",
            f"An increasing key result needs a target above its start value {values}.",
        )
    if direction is Direction.DECREASE and target > start:
        raise InvalidKeyResult(
            "target_value",
            f"A decreasing key result needs a target below its start value {values}.",
        )


def _reached(direction: Direction, target: float, current: float) -> bool:
    if direction in (Direction.INCREASE, Direction.STAY_AT_OR_ABOVE):
        return current >= target
    return current <= target


def numeric_attainment(
    direction: Direction | str, start: float, target: float, current: float | None
) -> float:
    """Share of the way from start to target, unclamped: over-achievement exceeds 1."""
    direction = Direction(direction)
    if current is None:
        # No check-in yet: the KR stands where it started.
        current = start
    if direction in STAY_DIRECTIONS or start == target:
        # Nothing to travel: the line is either held/reached or not.
        return 1.0 if _reached(direction, target, current) else 0.0
    if direction is Direction.INCREASE:
        return (current - start) / (target - start)
    return (start - current) / (start - target)


def milestones_attainment(items: Iterable[tuple[float, bool]]) -> float | None:
    """Done weight over total weight of (weight, done) milestones; None (unknown, not 0%) when
    nothing weighs: an empty checklist has nothing to count."""
    total = 0.0
    done = 0.0
    for weight, is_done in items:
        # Non-positive weights are ignored, as in weighted_mean, so they cannot cancel others.
        if not weight > 0:
            continue
        total += weight
        if is_done:
            done += weight
    return done / total if total > 0 else None


def tasks_attainment(done: int, total: int, cancelled: int) -> float | None:
    """Done tasks over the tasks still meant to be done; None (unknown, not 0%) when there are
    none."""
    remaining = total - cancelled
    return done / remaining if remaining > 0 else None


def clamp01(x: float) -> float:
    """Clamp to [0, 1]; NaN counts as no progress rather than poisoning roll-ups."""
    if math.isnan(x):
        return 0.0
    return min(max(x, 0.0), 1.0)


def kr_attainment(
    kind: Kind | str,
    direction: Direction | str,
    start: float,
    target: float,
    current: float | None,
    *,
    milestones: Iterable[tuple[float, bool]] = (),
    tasks: tuple[int, int, int] = (0, 0, 0),
) -> float | None:
    """Unclamped attainment of a key result of any kind; None when a checklist or a task list
    has nothing to count."""
    kind = Kind(kind)
    if kind is Kind.BOOLEAN:
        # Stored as 0 or 1; a projected value (the forecast) counts only once it reaches 1.
        return 1.0 if current is not None and current >= 1 else 0.0
    if kind is Kind.MILESTONES:
        return milestones_attainment(milestones)
    if kind is Kind.TASKS:
        return tasks_attainment(*tasks)
    return numeric_attainment(direction, start, target, current)


def kr_progress(
    kind: Kind | str,
    direction: Direction | str,
    start: float,
    target: float,
    current: float | None,
    *,
    milestones: Iterable[tuple[float, bool]] = (),
    tasks: tuple[int, int, int] = (0, 0, 0),
) -> float | None:
    """Progress of a key result in [0, 1]; None (unknown: not counted in its objective) when
    it has nothing to count."""
    attainment = kr_attainment(
        kind, direction, start, target, current, milestones=milestones, tasks=tasks
    )
    return None if attainment is None else clamp01(attainment)


def weighted_mean(items: Iterable[tuple[float | None, float]]) -> float | None:
    """Weighted mean of (progress, weight); None when nothing counts, since unknown is not 0."""
    counted = [(p, w) for p, w in items if p is not None and w > 0]
    if not counted:
        return None
    mean = math.fsum(p * w for p, w in counted) / math.fsum(w for _, w in counted)
    # Rounding can nudge the mean a hair outside its inputs (e.g. all 0.1 -> 0.10000000000000002).
    values = [p for p, _ in counted]
    return min(max(mean, min(values)), max(values))
