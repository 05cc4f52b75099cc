"""Check-ins through the action: derived values move in the same transaction, bad input is
refused with the field named and nothing is lost."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaran.audit.models import AuditEntry
from sasaran.errors import Conflict, Forbidden, Invalid, NotFound
from sasaran.okrs import actions
from sasaran.okrs.models import CheckIn, Cycle, CycleState, KeyResult, Objective, Visibility
from tests.okrs.helpers import key_result, objective


@pytest.fixture
def setup(actor_of, admin, owner, cycle, company, product):
    boss = actor_of(admin)
    company_obj = objective(boss, cycle, company, title="Win the market")
    team_obj = objective(actor_of(owner), cycle, product, parent_id=company_obj.pk)
    kr = key_result(actor_of(owner), team_obj)
    return company_obj, team_obj, kr


def test_checkin_updates_kr_objective_and_parent_at_once(setup, actor_of, owner):
    company_obj, team_obj, kr = setup
    actions.create_checkin(actor_of(owner), kr.pk, value=35.0, confidence=4, wins="Survey done")
    kr.refresh_from_db()
    team_obj.refresh_from_db()
    company_obj.refresh_from_db()
    assert kr.current_value == 35.0
    assert kr.progress == pytest.approx(0.5)
    assert kr.confidence == 4
    assert team_obj.progress == pytest.approx(0.5)
    assert company_obj.progress == pytest.approx(0.5)


def test_backdated_checkin_older_than_latest_keeps_current_value(setup, actor_of, owner):
    _, _, kr = setup
    actor = actor_of(owner)
    actions.create_checkin(actor, kr.pk, value=40.0, confidence=4)
    actions.create_checkin(
        actor, kr.pk, value=25.0, confidence=2, checked_in_at=timezone.now() - dt.timedelta(days=7)
    )
    kr.refresh_from_db()
    assert kr.current_value == 40.0
    assert kr.confidence == 4
    assert CheckIn.objects.filter(key_result=kr).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"value": 30.0, "confidence": 0}, "confidence"),
        ({"value": 30.0, "confidence": 6}, "confidence"),
        ({"value": 30.0, "confidence": True}, "confidence"),
        ({"value": None, "confidence": 3}, "value"),
        ({"value": True, "confidence": 3}, "value"),
        ({"value": float("nan"), "confidence": 3}, "value"),
        ({"value": 30.0, "confidence": 3, "checked_in_at": "future"}, "checked_in_at"),
        ({"value": 30.0, "confidence": 3, "checked_in_at": "before-cycle"}, "checked_in_at"),
    ],
)
def test_it_refuses_bad_checkins_and_loses_nothing(setup, actor_of, owner, cycle, kwargs, field):
    _, team_obj, kr = setup
    if kwargs.get("checked_in_at") == "future":
        kwargs["checked_in_at"] = timezone.now() + dt.timedelta(days=1)
    elif kwargs.get("checked_in_at") == "before-cycle":
        kwargs["checked_in_at"] = dt.datetime.combine(
            cycle.start_date - dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC
        )
    actions.create_checkin(actor_of(owner), kr.pk, value=30.0, confidence=3)
    before = KeyResult.objects.values().get(pk=kr.pk)
    with pytest.raises(Invalid) as err:
        actions.create_checkin(actor_of(owner), kr.pk, **kwargs)
    assert err.value.errors[0]["field"] == field
    assert KeyResult.objects.values().get(pk=kr.pk) == before
    assert CheckIn.objects.filter(key_result=kr).count() == 1


def test_teammate_may_check_in_on_team_kr(setup, actor_of, teammate):
    _, _, kr = setup
    actions.create_checkin(actor_of(teammate), kr.pk, value=22.0, confidence=3)
    assert CheckIn.objects.get(key_result=kr).author == teammate


def test_viewer_and_other_team_cannot_check_in(setup, actor_of, viewer, seller):
    _, _, kr = setup
    for user in (viewer, seller):
        with pytest.raises(Forbidden):
            actions.create_checkin(actor_of(user), kr.pk, value=22.0, confidence=3)
    assert not CheckIn.objects.exists()


def test_private_kr_is_not_found_for_other_team(setup, actor_of, owner, seller):
    _, team_obj, kr = setup
    actions.update_objective(actor_of(owner), team_obj, visibility=Visibility.PRIVATE)
    with pytest.raises(NotFound):
        actions.create_checkin(actor_of(seller), kr.pk, value=22.0, confidence=3)


def test_closed_cycle_refuses_member_checkin_but_audits_admin_one(
    setup, actor_of, owner, admin, cycle
):
    _, _, kr = setup
    actions.close_cycle(actor_of(admin), cycle)
    with pytest.raises(Conflict):
        actions.create_checkin(actor_of(owner), kr.pk, value=30.0, confidence=3)
    actions.create_checkin(actor_of(admin), kr.pk, value=30.0, confidence=3)
    entry = AuditEntry.objects.filter(action="check-in", object_id=kr.pk).get()
    assert entry.actor == admin
    assert "closed cycle" in entry.note


def test_status_override_lasts_until_next_checkin(setup, actor_of, owner):
    _, _, kr = setup
    actor = actor_of(owner)
    actions.update_key_result(
        actor, kr, status_override="at_risk", status_override_reason="Key hire left"
    )
    kr.refresh_from_db()
    assert (kr.status, kr.status_override) == ("at_risk", "at_risk")
    actions.create_checkin(actor, kr.pk, value=45.0, confidence=5)
    kr.refresh_from_db()
    assert kr.status_override == ""
    assert kr.status == "on_track"


def test_override_needs_a_reason(setup, actor_of, owner):
    _, _, kr = setup
    with pytest.raises(Invalid) as err:
        actions.update_key_result(actor_of(owner), kr, status_override="off_track")
    assert err.value.errors[0]["field"] == "status_override_reason"


def test_low_confidence_lowers_status(setup, actor_of, owner):
    _, team_obj, kr = setup
    actions.create_checkin(actor_of(owner), kr.pk, value=49.0, confidence=1)
    kr.refresh_from_db()
    assert kr.status == "off_track"


def test_milestone_checkin_counts_done_weight(actor_of, owner, cycle, product):
    actor = actor_of(owner)
    obj = objective(actor, cycle, product)
    kr = actions.create_key_result(
        actor,
        obj,
        title="Ship the new onboarding",
        kind="milestones",
        milestones=[
            {"title": "Design", "weight": 1},
            {"title": "Build", "weight": 3},
            {"title": "Launch", "weight": 0},
        ],
    )
    design, build, _launch = kr.milestones.all()
    actions.create_checkin(actor, kr.pk, milestones_done=[design.pk, build.pk], confidence=4)
    kr.refresh_from_db()
    assert kr.progress == pytest.approx(1.0)
    assert kr.status == "done"
    with pytest.raises(Invalid):
        actions.create_checkin(actor, kr.pk, milestones_done=[999999], confidence=4)


def test_boolean_checkin_takes_true_or_false(actor_of, owner, cycle, product):
    actor = actor_of(owner)
    obj = objective(actor, cycle, product)
    kr = actions.create_key_result(actor, obj, title="SOC 2 report signed", kind="boolean")
    actions.create_checkin(actor, kr.pk, value=True, confidence=5)
    kr.refresh_from_db()
    assert (kr.current_value, kr.progress) == (1.0, 1.0)
    with pytest.raises(Invalid):
        actions.create_checkin(actor, kr.pk, value=0.5, confidence=5)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "tasks"},
        {"kind": "milestones", "milestones": []},
        {"kind": "milestones", "milestones": [{"title": "Someday", "weight": 0}]},
    ],
)
def test_a_kr_with_nothing_to_count_is_unknown_not_zero_in_its_objective(
    actor_of, owner, cycle, product, fields
):
    actor = actor_of(owner)
    obj = objective(actor, cycle, product)
    counted = key_result(actor, obj, start_value=0.0, target_value=10.0)
    actions.create_checkin(actor, counted.pk, value=8.0, confidence=4)
    empty = actions.create_key_result(actor, obj, title="Finish the migration", **fields)
    done = [m.pk for m in empty.milestones.all()] if fields["kind"] == "milestones" else None
    actions.create_checkin(
        actor, empty.pk, confidence=3, progress_note="Planning", milestones_done=done
    )
    empty.refresh_from_db()
    assert (empty.progress, empty.attainment, empty.status) == (None, None, None)
    assert (empty.forecast_value, empty.forecast_progress) == (None, None)
    # The objective is the 80% of the one KR that counts, not (80% + 0%) / 2.
    assert Objective.objects.get(pk=obj.pk).progress == pytest.approx(0.8)


def test_every_checkin_is_audited_with_before_and_after(setup, actor_of, owner):
    _, _, kr = setup
    actions.create_checkin(actor_of(owner), kr.pk, value=35.0, confidence=4)
    entry = AuditEntry.objects.get(action="check-in")
    assert entry.before["current_value"] == 20.0
    assert entry.after["current_value"] == 35.0
    assert entry.objective_id == kr.objective_id


def test_backdated_milestone_checkin_fills_history_without_moving_the_present(
    actor_of, owner, cycle, product
):
    actor = actor_of(owner)
    obj = objective(actor, cycle, product)
    kr = actions.create_key_result(
        actor,
        obj,
        title="Launch",
        kind="milestones",
        milestones=[{"title": t} for t in ("Design", "Build", "Test", "Launch")],
    )
    a, b, c, _d = kr.milestones.all()
    actions.create_checkin(actor, kr.pk, milestones_done=[a.pk, b.pk, c.pk], confidence=4)
    old = actions.create_checkin(
        actor,
        kr.pk,
        milestones_done=[a.pk],
        confidence=3,
        checked_in_at=timezone.now() - dt.timedelta(days=14),
    )
    kr.refresh_from_db()
    assert kr.progress == pytest.approx(0.75)
    assert kr.current_value == pytest.approx(0.75)
    assert old.value == pytest.approx(0.25)
    assert sorted(kr.milestones.filter(done=True).values_list("pk", flat=True)) == [
        a.pk,
        b.pk,
        c.pk,
    ]


def test_milestone_forecast_follows_the_recorded_progress(actor_of, owner, cycle, product):
    actor = actor_of(owner)
    kr = actions.create_key_result(
        actor,
        objective(actor, cycle, product),
        title="Launch",
        kind="milestones",
        milestones=[{"title": t} for t in ("Design", "Build", "Test", "Launch")],
    )
    ms = list(kr.milestones.values_list("pk", flat=True))
    now = timezone.now()
    for days_ago, done in ((20, ms[:1]), (10, ms[:2]), (0, ms[:3])):
        actions.create_checkin(
            actor,
            kr.pk,
            milestones_done=done,
            confidence=4,
            checked_in_at=now - dt.timedelta(days=days_ago),
            now=now,
        )
    kr.refresh_from_db()
    # 0.25 -> 0.75 in 20 days, 60 days to go: the line passes 1.0 well before the due date.
    assert kr.forecast_progress == 1.0


def test_boolean_forecast_is_not_done_by_a_falling_line(actor_of, owner, cycle, product):
    actor = actor_of(owner)
    kr = actions.create_key_result(
        actor, objective(actor, cycle, product), title="SOC 2 signed", kind="boolean"
    )
    now = timezone.now()
    for days_ago, value in ((20, True), (10, False), (0, False)):
        actions.create_checkin(
            actor,
            kr.pk,
            value=value,
            confidence=2,
            checked_in_at=now - dt.timedelta(days=days_ago),
            now=now,
        )
    kr.refresh_from_db()
    assert kr.forecast_progress == 0.0


def test_check_ins_are_kept_so_what_has_them_is_not_deleted(setup, actor_of, owner):
    _, team_obj, kr = setup
    actions.create_checkin(actor_of(owner), kr.pk, value=30.0, confidence=3)
    with pytest.raises(Conflict, match="weight to 0"):
        actions.delete_key_result(actor_of(owner), KeyResult.objects.get(pk=kr.pk))
    with pytest.raises(Conflict, match="weights"):
        actions.delete_objective(actor_of(owner), Objective.objects.get(pk=team_obj.pk))
    assert CheckIn.objects.filter(key_result=kr).count() == 1
    assert KeyResult.objects.filter(pk=kr.pk).exists()
    # Without check-ins a key result still goes.
    spare = key_result(actor_of(owner), team_obj, title="Spare")
    actions.delete_key_result(actor_of(owner), spare)
    assert not KeyResult.objects.filter(pk=spare.pk).exists()


@pytest.fixture
def ended(actor_of, owner, admin, workspace, product):
    """A KR of a quarter that ended yesterday and was then closed."""
    today = timezone.now().date()
    past = Cycle.objects.create(
        workspace=workspace,
        name="Last quarter",
        start_date=today - dt.timedelta(days=91),
        end_date=today - dt.timedelta(days=1),
        state=CycleState.ACTIVE,
    )
    kr = key_result(actor_of(owner), objective(actor_of(owner), past, product))
    actions.close_cycle(actor_of(admin), past)
    return kr


@pytest.mark.parametrize("who", ["owner", "admin"])
@pytest.mark.parametrize("when", [None, "before the cycle"])
def test_it_rejects_checkin_on_closed_cycle_as_closed_before_judging_its_date(
    ended, actor_of, request, who, when
):
    """The closed cycle is the reason, whatever the date: 409, not the back-dating 422."""
    at = None if when is None else timezone.now() - dt.timedelta(days=200)
    with pytest.raises(Conflict) as refused:
        actions.create_checkin(
            actor_of(request.getfixturevalue(who)),
            ended.pk,
            value=30.0,
            confidence=3,
            checked_in_at=at,
        )
    assert "closed" in refused.value.message
    assert not CheckIn.objects.filter(key_result=ended).exists()


def test_admin_corrects_a_closed_cycle_with_a_checkin_dated_within_it(ended, actor_of, admin):
    at = timezone.now() - dt.timedelta(days=2)
    actions.create_checkin(actor_of(admin), ended.pk, value=30.0, confidence=3, checked_in_at=at)
    ended.refresh_from_db()
    assert ended.current_value == 30.0
