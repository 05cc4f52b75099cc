"""Closing a cycle: suggested scores, edits with reasons, objective scores, retrospectives and
a frozen cycle."""

import importlib

import pytest

from sasaran.audit.models import AuditEntry
from sasaran.errors import Conflict, Forbidden, Invalid
from sasaran.okrs import actions, grading
from sasaran.okrs.models import Cycle, KeyResult, Objective, Retrospective
from tests.okrs.helpers import key_result, objective


@pytest.fixture
def graded(actor_of, owner, cycle, product):
    actor = actor_of(owner)
    obj = objective(actor, cycle, product, kind="aspirational")
    a = key_result(actor, obj, start_value=0.0, target_value=100.0, weight=1.0)
    b = key_result(actor, obj, start_value=0.0, target_value=100.0, weight=3.0)
    actions.create_checkin(actor, a.pk, value=64.0, confidence=4)  # suggests 0.6
    actions.create_checkin(actor, b.pk, value=85.0, confidence=4)  # suggests 0.9 (half up)
    return obj, a, b


def test_close_suggests_scores_and_scores_objectives(graded, actor_of, admin, cycle):
    obj, a, b = graded
    actions.close_cycle(actor_of(admin), cycle)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.score, b.score) == (0.6, 0.9)
    assert Objective.objects.get(pk=obj.pk).score == pytest.approx((0.6 + 0.9 * 3) / 4, abs=0.005)
    assert Cycle.objects.get(pk=cycle.pk).state == "closed"


def test_close_with_edited_score_needs_reason(graded, actor_of, admin, cycle):
    obj, a, _ = graded
    with pytest.raises(Invalid):
        actions.close_cycle(actor_of(admin), cycle, scores={a.pk: (1.0, "")})
    assert Cycle.objects.get(pk=cycle.pk).state == "active"
    assert KeyResult.objects.get(pk=a.pk).score is None
    actions.close_cycle(
        actor_of(admin),
        cycle,
        scores={a.pk: (1.0, "Target was set too high")},
        retrospectives={
            obj.pk: {
                "what_worked": "Weekly demos",
                "learnings": "Ship smaller",
                "root_causes": "Late hiring",
            }
        },
    )
    a.refresh_from_db()
    assert (a.score, a.score_reason) == (1.0, "Target was set too high")
    assert Retrospective.objects.get(objective=obj).learnings == "Ship smaller"


def test_score_must_be_in_tenths(graded, actor_of, admin, cycle):
    _, a, _ = graded
    with pytest.raises(Invalid):
        actions.close_cycle(actor_of(admin), cycle, scores={a.pk: (0.75, "why not")})


def test_owner_edits_score_after_close_and_objective_follows(graded, actor_of, admin, owner, cycle):
    obj, a, b = graded
    actions.close_cycle(actor_of(admin), cycle)
    actions.grade_key_result(actor_of(owner), KeyResult.objects.get(pk=a.pk), 0.3, "Data was wrong")
    assert Objective.objects.get(pk=obj.pk).score == pytest.approx((0.3 + 0.9 * 3) / 4, abs=0.005)
    assert AuditEntry.objects.filter(action="grade", object_id=a.pk).exists()


def test_closed_cycle_refuses_member_edits_but_not_admin(graded, actor_of, admin, owner, cycle):
    obj, a, _ = graded
    actions.close_cycle(actor_of(admin), cycle)
    obj = Objective.objects.select_related("cycle").get(pk=obj.pk)
    with pytest.raises(Conflict):
        actions.update_objective(actor_of(owner), obj, title="Rewritten history")
    with pytest.raises(Conflict):
        key_result(actor_of(owner), obj)
    actions.update_objective(actor_of(admin), obj, title="Corrected title")
    entry = AuditEntry.objects.filter(object_type="objective", action="update").latest("id")
    assert entry.note == "admin change in closed cycle"


def test_only_admins_close_and_closing_twice_conflicts(graded, actor_of, admin, owner, cycle):
    with pytest.raises(Forbidden):
        actions.close_cycle(actor_of(owner), cycle)
    actions.close_cycle(actor_of(admin), cycle)
    with pytest.raises(Conflict):
        actions.close_cycle(actor_of(admin), Cycle.objects.get(pk=cycle.pk))


def test_retrospective_can_be_written_after_close(graded, actor_of, admin, owner, cycle):
    obj, _, _ = graded
    actions.close_cycle(actor_of(admin), cycle)
    obj = Objective.objects.select_related("cycle").get(pk=obj.pk)
    actions.save_retrospective(actor_of(owner), obj, what_worked="Pairing")
    assert Retrospective.objects.get(objective=obj).what_worked == "Pairing"


def test_grading_waits_for_the_close(graded, actor_of, owner):
    _, a, _ = graded
    with pytest.raises(Conflict):
        actions.grade_key_result(actor_of(owner), KeyResult.objects.get(pk=a.pk), 0.8, "Early")
    assert KeyResult.objects.get(pk=a.pk).score is None


def test_cycle_dates_keep_quarters_inside_the_year(actor_of, admin, workspace):
    import datetime as dt

    boss = actor_of(admin)
    year = actions.create_cycle(
        boss, name="FY", start_date=dt.date(2030, 1, 1), end_date=dt.date(2030, 12, 31)
    )
    q1 = actions.create_cycle(
        boss,
        name="Q1",
        start_date=dt.date(2030, 1, 1),
        end_date=dt.date(2030, 3, 31),
        parent_id=year.pk,
    )
    with pytest.raises(Invalid):
        actions.update_cycle(boss, q1, end_date=dt.date(2031, 6, 30))
    with pytest.raises(Invalid):
        actions.update_cycle(boss, year, end_date=dt.date(2030, 2, 1))
    other = actions.create_cycle(
        boss, name="FY31", start_date=dt.date(2031, 1, 1), end_date=dt.date(2031, 12, 31)
    )
    with pytest.raises(Invalid):  # a cycle with quarters cannot itself sit in a cycle
        actions.update_cycle(boss, year, parent_id=other.pk)
    with pytest.raises(Invalid) as err:
        actions.create_cycle(
            boss, name="Far", start_date=dt.date(2030, 1, 1), end_date=dt.date(9999, 12, 31)
        )
    assert err.value.errors[0]["field"] == "end_date"


def test_cycle_actions_refuse_another_workspace(actor_of, outsider, cycle):
    from sasaran.accounts.queries import actor_for
    from sasaran.errors import NotFound

    stranger = actor_for(outsider)
    with pytest.raises(NotFound):
        actions.close_cycle(stranger, cycle)
    with pytest.raises(NotFound):
        actions.update_cycle(stranger, cycle, name="Mine now")
    assert Cycle.objects.get(pk=cycle.pk).state == "active"


@pytest.fixture
def nearly_met(actor_of, owner, cycle, product):
    """A committed objective: one KR fully met, one of weight 0.005 not started."""
    actor = actor_of(owner)
    obj = objective(actor, cycle, product, kind="committed")
    done = key_result(actor, obj, start_value=0.0, target_value=10.0, weight=1.0)
    key_result(actor, obj, start_value=0.0, target_value=10.0, weight=0.005)
    actions.create_checkin(actor, done.pk, value=10.0, confidence=5)
    return obj


def test_a_committed_objective_short_of_1_does_not_succeed_though_it_shows_1_00(
    nearly_met, actor_of, admin, cycle
):
    actions.close_cycle(actor_of(admin), cycle)
    score = Objective.objects.get(pk=nearly_met.pk).score
    assert f"{score:.2f}" == "1.00"
    assert score == pytest.approx(1 / 1.005)
    assert not grading.succeeded("committed", score)


def test_migration_rescores_objectives_stored_rounded(nearly_met, actor_of, admin, cycle):
    from django.apps import apps

    rescore = importlib.import_module(
        "sasaran.okrs.migrations.0004_objective_scores_unrounded"
    ).rescore
    actions.close_cycle(actor_of(admin), cycle)
    Objective.objects.filter(pk=nearly_met.pk).update(score=1.0)  # as stored before the fix
    rescore(apps, None)
    assert Objective.objects.get(pk=nearly_met.pk).score == pytest.approx(1 / 1.005)
