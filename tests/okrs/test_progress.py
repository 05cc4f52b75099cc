"""Tests for key-result progress arithmetic and the objective roll-up."""

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sasaran.okrs.progress import (
    NUMERIC_KINDS,
    STAY_DIRECTIONS,
    Direction,
    InvalidKeyResult,
    Kind,
    clamp01,
    kr_attainment,
    kr_progress,
    milestones_attainment,
    numeric_attainment,
    tasks_attainment,
    validate_numeric,
    weighted_mean,
)

INC = Direction.INCREASE
DEC = Direction.DECREASE
ABOVE = Direction.STAY_AT_OR_ABOVE
BELOW = Direction.STAY_AT_OR_BELOW

values = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
progresses = st.floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_infinity=False)
weights = st.floats(min_value=-10.0, max_value=1e6, allow_nan=False, allow_infinity=False)


def test_enum_sets_hold_the_right_members():
    assert NUMERIC_KINDS == {Kind.NUMBER, Kind.PERCENTAGE, Kind.CURRENCY}
    assert STAY_DIRECTIONS == {ABOVE, BELOW}


# --- validate_numeric -------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "start", "target"),
    [
        (INC, 0, 10),
        (INC, 5, 5),
        (INC, -10, -2),
        (DEC, 10, 0),
        (DEC, 5, 5),
        (DEC, -2, -10),
        (ABOVE, 0, 10),
        (ABOVE, 10, 0),
        (BELOW, 0, 10),
        (BELOW, 10, 0),
        ("increase", 1, 2),
    ],
)
def test_validate_numeric_accepts_targets_in_the_krs_direction(direction, start, target):
    validate_numeric(direction, start, target)


@pytest.mark.parametrize(
    ("direction", "start", "target", "message"),
    [
        (
            INC,
            10,
            5,
            "An increasing key result needs a target above its start value (start 10, target 5).",
        ),
        (
            DEC,
            5,
            10,
            "A decreasing key result needs a target below its start value (start 5, target 10).",
        ),
        (
            INC,
            1.5,
            0.25,
            "An increasing key result needs a target above its start value "
            "(start 1.5, target 0.25).",
        ),
    ],
)
def test_validate_numeric_refuses_a_target_in_the_wrong_direction(
    direction, start, target, message
):
    with pytest.raises(InvalidKeyResult) as excinfo:
        validate_numeric(direction, start, target)
    assert excinfo.value.field == "target_value"
    assert excinfo.value.message == message
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    ("direction", "start", "target", "field"),
    [
        (INC, math.nan, 10, "start_value"),
        (INC, math.inf, 10, "start_value"),
        (DEC, -math.inf, 10, "start_value"),
        (INC, 0, math.nan, "target_value"),
        (INC, 0, math.inf, "target_value"),
        (ABOVE, 0, math.inf, "target_value"),
        (BELOW, math.nan, 0, "start_value"),
    ],
)
def test_validate_numeric_refuses_non_finite_values_naming_the_field(
    direction, start, target, field
):
    with pytest.raises(InvalidKeyResult) as excinfo:
        validate_numeric(direction, start, target)
    assert excinfo.value.field == field


def test_invalid_key_result_is_a_value_error():
    assert issubclass(InvalidKeyResult, ValueError)


# --- numeric_attainment -----------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "start", "target", "current", "expected"),
    [
        # increase
        (INC, 0, 10, 5, 0.5),
        (INC, 0, 10, 0, 0.0),
        (INC, 0, 10, 10, 1.0),
        (INC, 0, 10, 15, 1.5),  # over-achievement
        (INC, 0, 10, -5, -0.5),  # went backwards
        (INC, 100, 200, 150, 0.5),
        (INC, -10, 10, 0, 0.5),
        # decrease
        (DEC, 100, 50, 75, 0.5),
        (DEC, 100, 50, 100, 0.0),
        (DEC, 100, 50, 50, 1.0),
        (DEC, 100, 50, 0, 2.0),  # over-achievement
        (DEC, 100, 50, 120, -0.4),
        (DEC, 0, -10, -5, 0.5),
        # start == target
        (INC, 5, 5, 5, 1.0),
        (INC, 5, 5, 6, 1.0),
        (INC, 5, 5, 4, 0.0),
        (DEC, 5, 5, 5, 1.0),
        (DEC, 5, 5, 4, 1.0),
        (DEC, 5, 5, 6, 0.0),
        # stay lines: only the target matters
        (ABOVE, 0, 99, 99, 1.0),
        (ABOVE, 0, 99, 100, 1.0),
        (ABOVE, 0, 99, 98.9, 0.0),
        (ABOVE, 200, 99, 98.9, 0.0),
        (BELOW, 0, 2, 2, 1.0),
        (BELOW, 0, 2, 1, 1.0),
        (BELOW, 0, 2, 2.1, 0.0),
    ],
)
def test_numeric_attainment_table(direction, start, target, current, expected):
    assert numeric_attainment(direction, start, target, current) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("direction", "start", "target", "expected"),
    [
        (INC, 0, 10, 0.0),
        (DEC, 10, 0, 0.0),
        (INC, 5, 5, 1.0),  # already at target
        (DEC, 5, 5, 1.0),
        (ABOVE, 100, 99, 1.0),  # starts above its line
        (ABOVE, 50, 99, 0.0),
        (BELOW, 1, 2, 1.0),
        (BELOW, 3, 2, 0.0),
    ],
)
def test_numeric_attainment_without_checkin_counts_current_as_start(
    direction, start, target, expected
):
    assert numeric_attainment(direction, start, target, None) == expected


def test_decrease_kr_progress_grows_as_value_falls():
    readings = [100, 90, 75, 60, 50]
    progress = [kr_progress(Kind.NUMBER, DEC, 100, 50, r) for r in readings]
    assert progress == sorted(progress)
    assert progress[0] == 0.0
    assert progress[-1] == 1.0


# --- milestones and tasks ---------------------------------------------------


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], None),  # an empty checklist has nothing to count
        ([(1, False)], 0.0),
        ([(1, True)], 1.0),
        ([(1, True), (1, False)], 0.5),
        ([(3, True), (1, False)], 0.75),
        ([(1, False), (3, True)], 0.75),
        ([(0, True), (0, False)], None),  # total weight 0: nothing to count
        ([(0, True), (2, False)], 0.0),  # weight 0 not counted
        ([(0, False), (2, True)], 1.0),
        ([(-1, True), (1, False)], 0.0),  # negative weight ignored, not subtracted
        ([(-1, True)], None),
        ([(0.5, True), (1.5, False)], 0.25),
    ],
)
def test_milestones_attainment_is_done_weight_over_total_weight(items, expected):
    got = milestones_attainment(items)
    assert got is None if expected is None else got == pytest.approx(expected)


def test_milestones_attainment_accepts_a_generator():
    assert milestones_attainment((w, d) for w, d in [(1, True), (1, False)]) == 0.5


@pytest.mark.parametrize(
    ("done", "total", "cancelled", "expected"),
    [
        (0, 0, 0, None),  # no linked tasks: nothing to count
        (0, 4, 0, 0.0),
        (2, 4, 0, 0.5),
        (4, 4, 0, 1.0),
        (2, 4, 2, 1.0),  # cancelled tasks leave the denominator
        (1, 4, 1, 1 / 3),
        (0, 3, 3, None),  # all cancelled: nothing to count
    ],
)
def test_tasks_attainment_is_done_over_not_cancelled(done, total, cancelled, expected):
    got = tasks_attainment(done, total, cancelled)
    assert got is None if expected is None else got == pytest.approx(expected)


# --- clamp01, kr_attainment, kr_progress ------------------------------------


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (-1.0, 0.0),
        (0.0, 0.0),
        (0.3, 0.3),
        (1.0, 1.0),
        (7.0, 1.0),
        (math.inf, 1.0),
        (-math.inf, 0.0),
        (math.nan, 0.0),
    ],
)
def test_clamp01_bounds_to_unit_interval(x, expected):
    assert clamp01(x) == expected


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (None, 0.0),
        (0, 0.0),
        (0.0, 0.0),
        (1, 1.0),
        (1.0, 1.0),
        (True, 1.0),
        (False, 0.0),
        (-1, 0.0),
        (0.6, 0.0),
        (3.2, 1.0),
    ],
)
def test_boolean_kr_is_done_once_current_reaches_one(current, expected):
    assert kr_attainment(Kind.BOOLEAN, INC, 0, 1, current) == expected


def test_milestones_kr_uses_its_milestones_not_its_values():
    got = kr_attainment(Kind.MILESTONES, INC, 0, 10, 10, milestones=[(1, True), (3, False)])
    assert got == 0.25


def test_tasks_kr_uses_its_task_counts():
    assert kr_attainment(Kind.TASKS, INC, 0, 10, 10, tasks=(1, 5, 1)) == 0.25


def test_tasks_kr_with_nothing_to_count_has_unknown_progress():
    assert kr_progress(Kind.TASKS, INC, 0, 0, None) is None
    assert kr_attainment(Kind.TASKS, INC, 0, 1, None, tasks=(0, 2, 2)) is None


def test_milestones_kr_with_an_empty_checklist_has_unknown_progress():
    assert kr_progress(Kind.MILESTONES, INC, 0, 1, None) is None
    assert kr_progress(Kind.MILESTONES, INC, 0, 1, None, milestones=[(0, True)]) is None
    assert kr_attainment(Kind.MILESTONES, INC, 0, 1, 1.0, milestones=[]) is None


@pytest.mark.parametrize("kind", sorted(NUMERIC_KINDS))
def test_numeric_kinds_share_the_numeric_formula(kind):
    assert kr_attainment(kind, INC, 0, 200, 50) == 0.25
    assert kr_attainment(kind.value, "decrease", 200, 0, 50) == 0.75


@pytest.mark.parametrize(
    ("direction", "start", "target", "current", "attainment"),
    [
        (INC, 0, 10, 25, 2.5),
        (DEC, 100, 50, 0, 2.0),
        (INC, 0, 10, -10, -1.0),
        (DEC, 100, 50, 150, -1.0),
    ],
)
def test_over_and_under_achievement_is_kept_in_attainment_but_clamped_in_progress(
    direction, start, target, current, attainment
):
    assert kr_attainment(Kind.NUMBER, direction, start, target, current) == attainment
    assert kr_progress(Kind.NUMBER, direction, start, target, current) == clamp01(attainment)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        kr_attainment("percentile", INC, 0, 1, 1)


def test_unknown_direction_is_refused():
    with pytest.raises(ValueError):
        numeric_attainment("sideways", 0, 1, 1)


# --- weighted_mean ----------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], None),
        ([(None, 1)], None),  # unknown progress is not counted
        ([(0.5, 0)], None),  # weight 0 is not counted
        ([(0.5, -1)], None),
        ([(0.0, 1)], 0.0),  # known zero stays zero, distinct from unknown
        ([(0.5, 1)], 0.5),
        ([(0.2, 1), (0.8, 1)], 0.5),
        ([(0.2, 3), (1.0, 1)], 0.4),
        ([(0.2, 1), (1.0, 0)], 0.2),  # weight 0 ignored
        ([(0.2, 1), (None, 5)], 0.2),  # None ignored
        ([(0.2, 1), (0.9, -2)], 0.2),  # negative weight ignored
    ],
)
def test_weighted_mean_table(items, expected):
    got = weighted_mean(items)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


def test_objective_with_mixed_direction_krs_averages_their_progress():
    krs = [
        (kr_progress(Kind.NUMBER, INC, 0, 100, 50), 1.0),  # 0.5
        (kr_progress(Kind.CURRENCY, DEC, 1000, 500, 900), 1.0),  # 0.2
        (kr_progress(Kind.PERCENTAGE, ABOVE, 0, 99, 99.5), 2.0),  # 1.0
        (kr_progress(Kind.NUMBER, BELOW, 0, 2, 3), 0.0),  # weight 0, not counted
    ]
    assert weighted_mean(krs) == pytest.approx((0.5 + 0.2 + 2 * 1.0) / 4)


def test_objective_roll_up_counts_child_objectives_and_skips_unknown_ones():
    own_krs = [(0.4, 1.0), (0.8, 1.0)]
    children = [(1.0, 2.0), (None, 5.0)]  # the second child has no counted KRs
    assert weighted_mean(own_krs + children) == pytest.approx((0.4 + 0.8 + 2.0) / 4)


def test_weighted_mean_accepts_a_generator():
    assert weighted_mean((p, 1.0) for p in (0.0, 1.0)) == 0.5


# --- properties -------------------------------------------------------------


@st.composite
def valid_numeric_krs(draw):
    direction = draw(st.sampled_from(list(Direction)))
    start = draw(values)
    target = draw(values)
    if direction is INC and target < start or direction is DEC and target > start:
        start, target = target, start
    return direction, start, target


@given(kr=valid_numeric_krs(), kind=st.sampled_from(sorted(NUMERIC_KINDS)), current=values)
def test_progress_is_always_between_0_and_1_for_valid_numeric_krs(kr, kind, current):
    direction, start, target = kr
    validate_numeric(direction, start, target)
    assert 0.0 <= kr_progress(kind, direction, start, target, current) <= 1.0


@given(
    kind=st.sampled_from(list(Kind)),
    kr=valid_numeric_krs(),
    current=st.none() | values,
    milestones=st.lists(st.tuples(weights, st.booleans()), max_size=8),
    tasks=st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50)).map(
        lambda t: (min(t[0], t[1]), t[1], min(t[2], t[1]))
    ),
)
def test_progress_is_always_between_0_and_1_for_any_kind(kind, kr, current, milestones, tasks):
    direction, start, target = kr
    got = kr_progress(kind, direction, start, target, current, milestones=milestones, tasks=tasks)
    nothing_to_count = (kind is Kind.MILESTONES and not any(w > 0 for w, _ in milestones)) or (
        kind is Kind.TASKS and tasks[1] - tasks[2] <= 0
    )
    if nothing_to_count:
        assert got is None
    else:
        assert 0.0 <= got <= 1.0


@given(kr=valid_numeric_krs(), a=values, b=values)
def test_progress_never_falls_as_current_moves_in_the_krs_direction(kr, a, b):
    direction, start, target = kr
    low, high = sorted((a, b))
    if direction in (INC, ABOVE):
        worse_value, better_value = low, high
    else:
        worse_value, better_value = high, low
    assert kr_progress(Kind.NUMBER, direction, start, target, worse_value) <= kr_progress(
        Kind.NUMBER, direction, start, target, better_value
    )


@given(kr=valid_numeric_krs())
def test_reaching_the_target_exactly_is_full_progress(kr):
    direction, start, target = kr
    assert kr_progress(Kind.NUMBER, direction, start, target, target) == 1.0


@given(kr=valid_numeric_krs())
def test_standing_at_start_is_no_progress_for_moving_krs(kr):
    direction, start, target = kr
    assume(direction not in STAY_DIRECTIONS and start != target)
    assert kr_progress(Kind.NUMBER, direction, start, target, start) == 0.0


@given(st.lists(st.tuples(st.none() | progresses, weights), max_size=12))
def test_weighted_mean_lies_between_its_counted_items(items):
    counted = [p for p, w in items if p is not None and w > 0]
    got = weighted_mean(items)
    if not counted:
        assert got is None
    else:
        assert min(counted) <= got <= max(counted)
