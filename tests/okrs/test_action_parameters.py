"""Actions accept only the fields they name, typed and validated, whoever calls them (API,
pages, CLI, importer, rules): nothing else can ride along and change a row."""

import datetime as dt
import inspect

import pytest

from sasaran.accounts import actions as account_actions
from sasaran.accounts.models import Workspace
from sasaran.errors import Invalid
from sasaran.okrs import actions
from sasaran.okrs.models import Cycle, CycleState, KeyResult, Objective
from tests.okrs.helpers import key_result, objective

ACTION_MODULES = [actions, account_actions]


def public_actions():
    for module in ACTION_MODULES:
        for name in getattr(module, "__all__", dir(module)):
            func = getattr(module, name)
            if (
                inspect.isfunction(func)
                and not name.startswith("_")
                and func.__module__.startswith(module.__name__)
            ):
                yield f"{func.__module__}.{name}", func


ACTIONS = dict(public_actions())


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_no_action_takes_arbitrary_keywords(name):
    func = ACTIONS[name]
    kinds = {p.kind for p in inspect.signature(inspect.unwrap(func)).parameters.values()}
    assert inspect.Parameter.VAR_KEYWORD not in kinds, f"{name} takes **kwargs"


@pytest.fixture
def other_workspace_objective(db):
    ws = Workspace.objects.create(name="Other", slug="other")
    cycle = Cycle.objects.create(
        workspace=ws,
        name="Q",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 12, 31),
        state=CycleState.ACTIVE,
    )
    return Objective.objects.create(workspace=ws, cycle=cycle, title="Theirs")


def test_a_key_result_cannot_be_moved_to_another_workspace_or_graded_through_an_edit(
    actor_of, admin, cycle, product, other_workspace_objective
):
    obj = objective(actor_of(admin), cycle, product)
    kr = key_result(actor_of(admin), obj)
    with pytest.raises(TypeError, match="objective_id"):
        actions.update_key_result(
            actor_of(admin), kr, objective_id=other_workspace_objective.pk, score=1.0
        )
    kr = KeyResult.objects.get(pk=kr.pk)
    assert (kr.objective_id, kr.score) == (obj.pk, None)


@pytest.mark.parametrize(
    "field,value",
    [
        ("title", 123),
        ("title", ["a"]),
        ("due_date", "2026-12-01"),
        ("due_date", dt.datetime(2026, 12, 1, 9, 0)),
        ("owner_id", "5"),
        ("owner_id", True),
        ("weight", "1"),
        ("start_value", float("inf")),
        ("kind", "money"),
        ("milestones", [{"title": "A", "objective_id": 3}]),
    ],
)
def test_a_badly_typed_key_result_field_is_refused_by_name(
    actor_of, admin, cycle, product, field, value
):
    obj = objective(actor_of(admin), cycle, product)
    kr = key_result(actor_of(admin), obj)
    before = KeyResult.objects.filter(pk=kr.pk).values().get()
    with pytest.raises(Invalid) as refused:
        actions.update_key_result(actor_of(admin), kr, **{field: value})
    assert refused.value.errors[0]["field"] == field
    assert KeyResult.objects.filter(pk=kr.pk).values().get() == before


@pytest.mark.parametrize(
    "field,value",
    [
        ("team_id", "1"),
        ("parent_id", 1.5),
        ("rollup_children", "yes"),
        ("visibility", "everyone"),
        ("weight", None),
    ],
)
def test_a_badly_typed_objective_field_is_refused_by_name(
    actor_of, admin, cycle, product, field, value
):
    obj = objective(actor_of(admin), cycle, product)
    with pytest.raises(Invalid) as refused:
        actions.update_objective(actor_of(admin), obj, **{field: value})
    assert refused.value.errors[0]["field"] == field


def test_a_check_in_note_must_be_text(actor_of, admin, cycle, product):
    kr = key_result(actor_of(admin), objective(actor_of(admin), cycle, product))
    with pytest.raises(Invalid) as refused:
        actions.create_checkin(actor_of(admin), kr.pk, value=25.0, confidence=3, wins={"x": 1})
    assert refused.value.errors[0]["field"] == "wins"
    assert not kr.check_ins.exists()


def test_cycle_dates_must_be_dates(actor_of, admin):
    with pytest.raises(Invalid) as refused:
        actions.create_cycle(
            actor_of(admin), name="Q9", start_date="2026-01-01", end_date=dt.date(2026, 3, 31)
        )
    assert refused.value.errors[0]["field"] == "start_date"
    assert not Cycle.objects.filter(name="Q9").exists()


def test_team_and_member_updates_take_only_their_fields(actor_of, admin, product):
    with pytest.raises(TypeError, match="workspace_id"):
        account_actions.update_team(actor_of(admin), product, workspace_id=99)
    with pytest.raises(TypeError, match="is_staff"):
        account_actions.update_member(actor_of(admin), admin.memberships.get(), is_staff=True)


def test_an_override_reason_alone_or_of_the_wrong_type_is_refused(actor_of, admin, cycle, product):
    kr = key_result(actor_of(admin), objective(actor_of(admin), cycle, product))
    with pytest.raises(Invalid) as alone:
        actions.update_key_result(actor_of(admin), kr, status_override_reason="x" * 200_000)
    assert alone.value.errors[0]["field"] == "status_override_reason"
    with pytest.raises(Invalid) as typed:
        actions.update_key_result(
            actor_of(admin), kr, status_override="at_risk", status_override_reason=["why"]
        )
    assert typed.value.errors[0]["field"] == "status_override_reason"
    assert KeyResult.objects.get(pk=kr.pk).status_override == ""


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"value": 10**400}, "value"),
        ({"value": 25.0, "checked_in_at": "2026-12-01T10:00:00Z"}, "checked_in_at"),
    ],
)
def test_a_badly_typed_check_in_is_refused_by_name(actor_of, admin, cycle, product, kwargs, field):
    kr = key_result(actor_of(admin), objective(actor_of(admin), cycle, product))
    with pytest.raises(Invalid) as refused:
        actions.create_checkin(actor_of(admin), kr.pk, confidence=3, **kwargs)
    assert refused.value.errors[0]["field"] == field
    assert not kr.check_ins.exists()


def test_a_huge_weight_is_refused_not_a_crash(actor_of, admin, cycle, product):
    kr = key_result(actor_of(admin), objective(actor_of(admin), cycle, product))
    with pytest.raises(Invalid):
        actions.update_key_result(actor_of(admin), kr, weight=10**400)


def test_milestones_belong_only_to_a_milestones_key_result(actor_of, admin, cycle, product):
    obj = objective(actor_of(admin), cycle, product)
    with pytest.raises(Invalid) as refused:
        key_result(actor_of(admin), obj, milestones=[{"title": "Ship"}])
    assert refused.value.errors[0]["field"] == "milestones"


def test_an_edit_cannot_give_milestones_to_another_kind(actor_of, admin, cycle, product):
    kr = key_result(actor_of(admin), objective(actor_of(admin), cycle, product))
    with pytest.raises(Invalid) as refused:
        actions.update_key_result(actor_of(admin), kr, milestones=[{"title": "x", "weight": 1}])
    assert refused.value.errors[0]["field"] == "milestones"
    assert not kr.milestones.exists()
