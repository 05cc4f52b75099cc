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


# --- who grades: the objective's owner, its team's leads, admins ---------------------------

from sasaran.accounts.models import Role, TeamMember  # noqa: E402
from sasaran.errors import Forbidden  # noqa: E402
from sasaran.okrs import actions  # noqa: E402
from sasaran.okrs.models import KeyResult, Objective, Retrospective  # noqa: E402
from tests.conftest import _member  # noqa: E402
from tests.okrs.helpers import key_result, objective  # noqa: E402


@pytest.fixture
def head(workspace, product):
    """The head of the Product department: a plain member (not an admin) who leads Product."""
    user = _member(workspace, "head@example.com", Role.MEMBER, "Hana Head", [product])
    TeamMember.objects.filter(user=user, team=product).update(is_lead=True)
    return user


@pytest.fixture
def closed(actor_of, admin, owner, teammate, cycle, product, growth):
    """A closed cycle with an objective of Product owned by `owner`, whose KR `teammate` owns,
    and an objective of Growth (beneath Product) owned by the admin."""
    obj = objective(actor_of(owner), cycle, product, title="Delight users")
    kr = key_result(actor_of(owner), obj, title="NPS 20 to 50", owner_id=teammate.pk)
    actions.create_checkin(actor_of(owner), kr.pk, value=35.0, confidence=4)  # 0.5
    sub = objective(actor_of(admin), cycle, growth, title="Grow")
    sub_kr = key_result(actor_of(admin), sub, title="Signups 20 to 50")
    actions.close_cycle(actor_of(admin), cycle)
    return KeyResult.objects.get(pk=kr.pk), KeyResult.objects.get(pk=sub_kr.pk)


def _score(kr):
    return KeyResult.objects.get(pk=kr.pk).score


def test_the_objectives_owner_grades_its_krs_and_writes_its_retrospective(actor_of, owner, closed):
    kr, _ = closed
    actions.grade_key_result(actor_of(owner), kr, 0.7, "The survey came late")
    assert _score(kr) == 0.7
    actions.save_retrospective(actor_of(owner), kr.objective, learnings="Survey earlier")
    assert Retrospective.objects.get(objective=kr.objective).learnings == "Survey earlier"


def test_a_team_lead_grades_the_teams_and_its_sub_teams_krs(actor_of, head, closed):
    kr, sub_kr = closed
    actions.grade_key_result(actor_of(head), kr, 0.6, "Close to the line")
    actions.grade_key_result(actor_of(head), sub_kr, 0.1, "Barely started")
    assert (_score(kr), _score(sub_kr)) == (0.6, 0.1)
    actions.save_retrospective(actor_of(head), sub_kr.objective, what_worked="Nothing yet")
    assert Objective.objects.get(pk=kr.objective_id).score == 0.6


def test_another_member_of_the_team_may_not_grade_nor_write_the_retrospective(
    actor_of, teammate, seller, closed
):
    kr, _ = closed
    # Not even the KR's own owner: grading is the objective owner's and the leads' judgement.
    for member in (teammate, seller):
        with pytest.raises(Forbidden):
            actions.grade_key_result(actor_of(member), kr, 0.9, "I say so")
        with pytest.raises(Forbidden):
            actions.save_retrospective(actor_of(member), kr.objective, learnings="x")
    assert _score(kr) == 0.5
    assert not Retrospective.objects.exists()


def test_a_lead_of_another_team_may_not_grade(actor_of, workspace, sales, closed):
    other = _member(workspace, "salesboss@example.com", Role.MEMBER, "Sam", [sales])
    TeamMember.objects.filter(user=other).update(is_lead=True)
    kr, _ = closed
    with pytest.raises(Forbidden):
        actions.grade_key_result(actor_of(other), kr, 0.9, "I say so")


def test_an_admin_still_grades_everything(actor_of, admin, closed):
    kr, sub_kr = closed
    actions.grade_key_result(actor_of(admin), kr, 0.8, "Recount")
    actions.grade_key_result(actor_of(admin), sub_kr, 0.2, "Recount")
    assert (_score(kr), _score(sub_kr)) == (0.8, 0.2)


def test_the_grading_page_lists_only_what_the_reader_may_grade(
    client, owner, head, teammate, admin, closed
):
    kr, sub_kr = closed
    url = f"/cycles/{kr.objective.cycle_id}/grade/"
    seen = {}
    for user in (owner, head, teammate, admin):
        client.force_login(user)
        html = client.get(url).content.decode()
        seen[user.email] = (f'id="score-{kr.pk}"' in html, f'id="score-{sub_kr.pk}"' in html)
    assert seen == {
        "owner@example.com": (True, False),
        "head@example.com": (True, True),
        "teammate@example.com": (False, False),
        "admin@example.com": (True, True),
    }


def test_grading_page_saves_an_objective_and_refuses_others(
    client, owner, teammate, closed, django_assert_max_num_queries
):
    kr, sub_kr = closed
    url = f"/cycles/{kr.objective.cycle_id}/grade/"
    client.force_login(owner)
    post = {
        "objective": str(kr.objective_id),
        f"score-{kr.pk}": "0.8",
        f"reason-{kr.pk}": "",
        f"learnings-{kr.objective_id}": "Ask earlier",
    }
    refused = client.post(url, post)
    # No reason for a departure from the suggestion: nothing of the objective is kept.
    assert refused.status_code == 422
    assert f'id="reason-{kr.pk}-error"' in refused.content.decode()
    assert "Ask earlier" in refused.content.decode()
    assert _score(kr) == 0.5 and not Retrospective.objects.exists()
    post[f"reason-{kr.pk}"] = "The last survey came after the close"
    done = client.post(url, post)
    assert done.status_code == 302
    assert _score(kr) == 0.8
    assert Retrospective.objects.get(objective_id=kr.objective_id).learnings == "Ask earlier"
    # Another objective (not the owner's) cannot be posted to.
    other = client.post(url, {"objective": str(sub_kr.objective_id), f"score-{sub_kr.pk}": "1.0"})
    assert other.status_code == 403
    client.force_login(teammate)
    assert client.post(url, post).status_code == 403
    client.force_login(owner)
    with django_assert_max_num_queries(16):
        client.get(url)


def test_the_objective_page_links_owner_to_grading_and_not_a_plain_member(
    client, owner, teammate, closed
):
    kr, _ = closed
    client.force_login(owner)
    assert (
        "Grade and write the retrospective"
        in client.get(f"/objectives/{kr.objective_id}/").content.decode()
    )
    client.force_login(teammate)
    assert (
        "Grade and write the retrospective"
        not in client.get(f"/objectives/{kr.objective_id}/").content.decode()
    )


def test_team_leads_are_set_on_the_team_page_and_the_api(
    client, api_client, admin, owner, teammate, product
):
    client.force_login(admin)
    response = client.post(
        f"/settings/teams/{product.pk}/",
        {"form": "members", "members": [str(owner.pk), str(teammate.pk)], "leads": [str(owner.pk)]},
    )
    assert response.status_code == 302
    assert list(
        TeamMember.objects.filter(team=product, is_lead=True).values_list("user_id", flat=True)
    ) == [owner.pk]
    team = api_client(admin).get(f"/api/v1/teams/{product.pk}").json()
    assert team["lead_ids"] == [owner.pk]
    patched = api_client(admin).patch(
        f"/api/v1/teams/{product.pk}", {"lead_ids": [999]}, content_type="application/json"
    )
    # A lead must be a member: refused, and nothing changes.
    assert patched.status_code == 422
    assert patched.json()["errors"][0]["field"] == "lead_ids"
    assert TeamMember.objects.get(team=product, user=owner).is_lead
