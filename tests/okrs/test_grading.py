"""Tests for end-of-cycle scores, grades and success."""

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sasaran.okrs.grading import (
    VALID_SCORES,
    Grade,
    InvalidScore,
    grade_colour,
    objective_score,
    succeeded,
    suggest_score,
    validate_score,
)


def test_valid_scores_are_the_tenths_from_0_to_1():
    assert VALID_SCORES == (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


# --- suggest_score ----------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "expected"),
    [
        (None, 0.0),
        (0.0, 0.0),
        (0.04, 0.0),
        (0.05, 0.1),  # half up
        (0.15, 0.2),
        (0.25, 0.3),  # not banker's rounding to 0.2
        (0.35, 0.4),
        (0.45, 0.5),
        (0.65, 0.7),
        (0.849, 0.8),
        (0.95, 1.0),
        (1.0, 1.0),
        (1.7, 1.0),  # over-achievement is clamped
        (-0.3, 0.0),
        (math.inf, 1.0),
        (-math.inf, 0.0),
        (math.nan, 0.0),
        (0.1 + 0.2, 0.3),  # 0.30000000000000004
        (2 / 3, 0.7),
    ],
)
def test_suggest_score_rounds_half_up_to_one_decimal(progress, expected):
    assert suggest_score(progress) == expected


# --- validate_score ---------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0.0, 0.0),
        (0, 0.0),
        (1, 1.0),
        (1.0, 1.0),
        (0.7, 0.7),
        (0.1 + 0.2, 0.3),  # float noise is tolerated
        (0.7 + 1e-10, 0.7),
        (0.7 - 1e-10, 0.7),
    ],
)
def test_validate_score_returns_the_canonical_grid_value(score, expected):
    got = validate_score(score)
    assert got == expected
    assert got in VALID_SCORES
    assert type(got) is float


@pytest.mark.parametrize(
    "score",
    [0.75, 0.05, -0.1, 1.1, 2, -1, 0.7 + 1e-8, math.nan, math.inf, True, False, "0.5", None],
)
def test_validate_score_refuses_values_off_the_grid(score):
    with pytest.raises(InvalidScore) as excinfo:
        validate_score(score)
    assert excinfo.value.field == "score"
    assert isinstance(excinfo.value, ValueError)


def test_invalid_score_message_names_the_value():
    with pytest.raises(InvalidScore) as excinfo:
        validate_score(0.75)
    message = "A score is between 0.0 and 1.0 in steps of 0.1 (got 0.75)."
    assert excinfo.value.message == message
    assert str(excinfo.value) == message


# --- objective_score --------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], None),
        ([(None, 1.0)], None),  # unscored KRs are not counted
        ([(0.5, 0.0)], None),  # weight 0 is not counted
        ([(0.5, -1.0)], None),
        ([(0.0, 1.0)], 0.0),
        ([(0.7, 1.0)], 0.7),
        ([(0.4, 1.0), (1.0, 1.0)], 0.7),
        ([(0.3, 2.0), (0.6, 1.0)], 0.4),
        ([(0.1, 1.0), (0.2, 1.0), (0.2, 1.0)], 1 / 6),  # not rounded to 0.17
        ([(0.5, 1.0), (0.0, 0.0), (None, 3.0)], 0.5),
        ([(1.0, 1.0), (0.0, 7.0)], 0.125),
        ([(1.0, 1.0), (0.0, 0.005)], 1 / 1.005),
    ],
)
def test_objective_score_is_the_unrounded_weighted_mean(items, expected):
    if expected is None:
        assert objective_score(items) is None
    else:
        assert objective_score(items) == pytest.approx(expected, rel=1e-15)


def test_it_decides_success_and_colour_on_the_unrounded_score():
    # 1.0 with weight 1 and 0.0 with weight 0.005: 0.995..., which shows as 1.00.
    score = objective_score([(1.0, 1.0), (0.0, 0.005)])
    assert score < 1.0
    assert succeeded("committed", score) is False
    assert succeeded("aspirational", score) is True
    # Just under the green edge stays yellow, however close.
    under_green = objective_score([(0.7, 1.0), (0.6, 1e-9)])
    assert grade_colour(under_green) is Grade.YELLOW
    assert succeeded("aspirational", under_green) is False


# --- grade_colour and succeeded ---------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (1.0, Grade.GREEN),
        (0.7, Grade.GREEN),
        (0.69, Grade.YELLOW),
        (0.4, Grade.YELLOW),
        (0.39, Grade.RED),
        (0.0, Grade.RED),
    ],
)
def test_grade_colour_bands(score, grade):
    assert grade_colour(score) is grade


@pytest.mark.parametrize(
    ("kind", "score", "expected"),
    [
        ("committed", 1.0, True),
        ("committed", 0.99, False),
        ("committed", 0.7, False),
        ("aspirational", 1.0, True),
        ("aspirational", 0.7, True),
        ("aspirational", 0.69, False),
        ("aspirational", 0.0, False),
    ],
)
def test_committed_objectives_need_1_and_aspirational_ones_0_7(kind, score, expected):
    assert succeeded(kind, score) is expected


@pytest.mark.parametrize("kind", ["", "Committed", "moonshot"])
def test_unknown_objective_kind_is_refused(kind):
    with pytest.raises(ValueError):
        succeeded(kind, 1.0)


# --- properties -------------------------------------------------------------


@given(st.none() | st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_suggested_score_is_always_a_valid_score(progress):
    score = suggest_score(progress)
    assert score in VALID_SCORES
    assert validate_score(score) == score


@given(st.floats(min_value=0, max_value=1, allow_nan=False))
def test_suggested_score_is_within_half_a_step_of_progress(progress):
    assert abs(suggest_score(progress) - progress) <= 0.05 + 1e-12


@given(st.sampled_from(VALID_SCORES))
def test_every_valid_score_validates_to_itself(score):
    assert validate_score(score) == score


@given(
    st.lists(
        st.tuples(
            st.none() | st.sampled_from(VALID_SCORES),
            st.floats(min_value=-1, max_value=100, allow_nan=False),
        ),
        max_size=10,
    )
)
def test_objective_score_lies_between_its_counted_scores(items):
    counted = [s for s, w in items if s is not None and w > 0]
    got = objective_score(items)
    if not counted:
        assert got is None
    else:
        assert min(counted) <= got <= max(counted)


def _exact_mean(items) -> Fraction | None:
    counted = [(Fraction(str(s)), Fraction(w)) for s, w in items if s is not None and w > 0]
    if not counted:
        return None
    return sum(s * w for s, w in counted) / sum(w for _, w in counted)


def _exact_colour(mean: Fraction) -> Grade:
    if mean >= Fraction(7, 10):
        return Grade.GREEN
    return Grade.YELLOW if mean >= Fraction(4, 10) else Grade.RED


@given(
    st.lists(
        st.tuples(
            st.none() | st.sampled_from(VALID_SCORES),
            st.floats(min_value=0, max_value=1e15, allow_nan=False, allow_subnormal=True),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_colour_and_success_follow_the_exact_weighted_mean(items):
    """Whatever the weights, the stored score falls on the same side of 0.4, 0.7 and 1.0 as
    the exact weighted mean of the scores: no rounding decides a colour or a success."""
    exact = _exact_mean(items)
    score = objective_score(items)
    if exact is None:
        assert score is None
        return
    assert abs(Fraction(score) - exact) <= Fraction(1, 10**15)
    assert grade_colour(score) is _exact_colour(exact)
    assert succeeded("committed", score) is (exact >= 1)
    assert succeeded("aspirational", score) is (exact >= Fraction(7, 10))


@given(st.floats(min_value=1e-300, max_value=1.0), st.sampled_from(VALID_SCORES[:-1]))
def test_any_counted_score_below_1_keeps_a_committed_objective_from_success(weight, other):
    score = objective_score([(1.0, 1.0), (other, weight)])
    assert not succeeded("committed", score)
