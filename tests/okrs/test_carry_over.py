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
    created = actions.carry_over(actor_of(owner), cycle, next_cycle, [nps.pk, launch.pk])
    assert len(created) == 2
    new_obj = Objective.objects.get(cycle=next_cycle)
    assert new_obj.origin_id == obj.pk
    assert (new_obj.title, new_obj.team_id, new_obj.owner_id) == (
        obj.title,
        obj.team_id,
        obj.owner_id,
    )
    # The parent lives in the old cycle, so the copy is not aligned to it.
    assert new_obj.parent_id is None
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
    assert [kr.origin_id for kr in again] == [launch.pk]
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
