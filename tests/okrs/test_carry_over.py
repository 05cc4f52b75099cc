"""Carrying unfinished key results into the next cycle (okrs.actions.carry_over)."""

import datetime as dt

import pytest

from sasaran.audit.models import AuditEntry
from sasaran.errors import Forbidden, Invalid
from sasaran.okrs import actions
from sasaran.okrs.models import KeyResult, Objective
from tests.okrs.helpers import key_result, objective


@pytest.fixture
def next_cycle(actor_of, admin, cycle):
    return actions.create_cycle(
        actor_of(admin),
        name="Next quarter",
        start_date=cycle.end_date + dt.timedelta(days=1),
        end_date=cycle.end_date + dt.timedelta(days=91),
    )


@pytest.fixture
def source(actor_of, admin, owner, cycle, company, product):
    top = objective(actor_of(admin), cycle, company, title="Win the market")
    obj = objective(actor_of(owner), cycle, product, title="Delight users", parent_id=top.pk)
    nps = key_result(actor_of(owner), obj, title="NPS 20 to 50", unit="points")
    actions.create_checkin(actor_of(owner), nps.pk, value=35.0, confidence=3)
    launch = key_result(
        actor_of(owner),
        obj,
        title="Launch",
        kind="milestones",
        milestones=[{"title": "Beta", "weight": 1}, {"title": "GA", "weight": 3}],
    )
    beta = launch.milestones.get(title="Beta")
    actions.create_checkin(actor_of(owner), launch.pk, milestones_done=[beta.pk], confidence=4)
    return obj, nps, launch


def test_it_copies_krs_under_a_linked_objective_starting_at_the_current_value(
    actor_of, owner, cycle, next_cycle, source
):
    obj, nps, launch = source
    result = actions.carry_over(actor_of(owner), cycle, next_cycle, [nps.pk, launch.pk])
    assert len(result.created) == 2
    new_obj = Objective.objects.get(cycle=next_cycle)
    assert new_obj.origin_id == obj.pk
    assert (new_obj.title, new_obj.team_id, new_obj.owner_id) == (
        obj.title,
        obj.team_id,
        obj.owner_id,
    )
    # The parent lives in the old cycle, so the copy is not aligned to it, and the result says so.
    assert new_obj.parent_id is None
    assert result.unaligned == [new_obj]
    new_nps = KeyResult.objects.get(origin=nps)
    assert new_nps.objective_id == new_obj.pk
    assert (new_nps.start_value, new_nps.current_value, new_nps.target_value) == (35.0, 35.0, 50.0)
    assert new_nps.progress == 0.0 and new_nps.unit == "points"
    new_launch = KeyResult.objects.get(origin=launch)
    assert [(m.title, m.weight, m.done) for m in new_launch.milestones.all()] == [
        ("Beta", 1.0, True),
        ("GA", 3.0, False),
    ]
    assert new_launch.progress == 0.25
    assert list(nps.carried.all()) == [new_nps]
    assert AuditEntry.objects.filter(action="carry-over").count() == 2


def test_carrying_again_reuses_the_objective_and_skips_copied_krs(
    actor_of, owner, cycle, next_cycle, source
):
    _, nps, launch = source
    actions.carry_over(actor_of(owner), cycle, next_cycle, [nps.pk])
    again = actions.carry_over(actor_of(owner), cycle, next_cycle, [nps.pk, launch.pk])
    assert [kr.origin_id for kr in again.created] == [launch.pk]
    assert [kr.origin_id for kr in again.already] == [nps.pk]
    assert Objective.objects.filter(cycle=next_cycle).count() == 1
    assert KeyResult.objects.filter(objective__cycle=next_cycle).count() == 2


def test_it_keeps_alignment_when_the_parent_was_carried_too(
    actor_of, admin, cycle, next_cycle, source
):
    obj, nps, _ = source
    top_kr = key_result(actor_of(admin), obj.parent, title="Share 10 to 20")
    actions.carry_over(actor_of(admin), cycle, next_cycle, [top_kr.pk])
    actions.carry_over(actor_of(admin), cycle, next_cycle, [nps.pk])
    new_top = Objective.objects.get(cycle=next_cycle, origin=obj.parent)
    assert Objective.objects.get(cycle=next_cycle, origin=obj).parent_id == new_top.pk


def test_it_refuses_other_teams_viewers_and_bad_targets(
    actor_of, admin, seller, viewer, cycle, next_cycle, source
):
    _, nps, _ = source
    with pytest.raises(Forbidden):
        actions.carry_over(actor_of(seller), cycle, next_cycle, [nps.pk])
    with pytest.raises(Forbidden):
        actions.carry_over(actor_of(viewer), cycle, next_cycle, [nps.pk])
    with pytest.raises(Invalid) as same:
        actions.carry_over(actor_of(admin), cycle, cycle, [nps.pk])
    assert same.value.errors[0]["field"] == "target_cycle"
    actions.close_cycle(actor_of(admin), next_cycle)
    with pytest.raises(Invalid):
        actions.carry_over(actor_of(admin), cycle, next_cycle, [nps.pk])
    assert not KeyResult.objects.filter(origin__isnull=False).exists()


def test_it_is_atomic(actor_of, owner, cycle, next_cycle, source):
    _, nps, _ = source
    with pytest.raises(Invalid):
        actions.carry_over(actor_of(owner), cycle, next_cycle, [nps.pk, 999999])
    assert not Objective.objects.filter(cycle=next_cycle).exists()


def test_carrying_twice_creates_nothing_new(actor_of, owner, cycle, next_cycle, source):
    _, nps, launch = source
    actions.carry_over(actor_of(owner), cycle, next_cycle, [nps.pk, launch.pk])
    objectives, krs = Objective.objects.count(), KeyResult.objects.count()
    again = actions.carry_over(actor_of(owner), cycle, next_cycle, [nps.pk, launch.pk])
    assert again.created == [] and again.objectives == []
    assert {kr.origin_id for kr in again.already} == {nps.pk, launch.pk}
    assert (Objective.objects.count(), KeyResult.objects.count()) == (objectives, krs)


def test_an_objective_made_by_hand_with_the_same_title_and_team_takes_the_carried_krs(
    actor_of, owner, cycle, next_cycle, product, source
):
    obj, nps, launch = source
    planned = objective(actor_of(owner), next_cycle, product, title="  delight USERS ")
    key_result(actor_of(owner), planned, title="nps 20 to 50")
    result = actions.carry_over(actor_of(owner), cycle, next_cycle, [nps.pk, launch.pk])
    # Not duplicated: the planned objective takes the launch, and its NPS KR counts as there.
    assert Objective.objects.filter(cycle=next_cycle).count() == 1
    assert [kr.origin_id for kr in result.created] == [launch.pk]
    assert [kr.objective_id for kr in result.created] == [planned.pk]
    assert [kr.title for kr in result.already] == ["nps 20 to 50"]
    assert result.objectives == [] and result.unaligned == []


def test_a_parent_carried_in_the_same_run_becomes_the_copys_parent(
    actor_of, admin, cycle, next_cycle, source
):
    obj, nps, _ = source
    top = obj.parent
    # The child comes first in the cycle's order: the parent's copy must still be made first.
    top.position, obj.position = 5, 0
    top.save()
    obj.save()
    top_kr = key_result(actor_of(admin), top, title="Share 10 to 20")
    result = actions.carry_over(actor_of(admin), cycle, next_cycle, [nps.pk, top_kr.pk])
    new_top = Objective.objects.get(cycle=next_cycle, origin=top)
    assert Objective.objects.get(cycle=next_cycle, origin=obj).parent_id == new_top.pk
    # The top objective had no parent: nothing was lost.
    assert result.unaligned == []


def test_a_parent_whose_cycle_spans_the_target_stays_the_parent(
    actor_of, admin, owner, workspace, cycle, next_cycle, company, product
):
    year = actions.create_cycle(
        actor_of(admin),
        name="The year",
        start_date=cycle.start_date,
        end_date=next_cycle.end_date,
    )
    for quarter in (cycle, next_cycle):
        actions.update_cycle(actor_of(admin), quarter, parent_id=year.pk)
    yearly = objective(actor_of(admin), year, company, title="Grow the company")
    obj = objective(actor_of(owner), cycle, product, title="Ship it", parent_id=yearly.pk)
    kr = key_result(actor_of(owner), obj)
    result = actions.carry_over(actor_of(owner), cycle, next_cycle, [kr.pk])
    assert result.objectives[0].parent_id == yearly.pk
    assert result.unaligned == []


def test_the_result_names_copies_left_without_their_parent(
    actor_of, owner, cycle, next_cycle, source
):
    obj, nps, _ = source
    result = actions.carry_over(actor_of(owner), cycle, next_cycle, [nps.pk])
    assert [o.origin_id for o in result.unaligned] == [obj.pk]
    assert result.unaligned[0].parent_id is None
