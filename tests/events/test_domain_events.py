"""The okrs and accounts actions announce what happened: typed events, after the commit, with
the actor (a member, or Sasaran for a purpose); nothing is announced for a rolled-back change."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from sasaran.accounts import actions as account_actions
from sasaran.accounts.events import MemberAdded, WorkspaceSettingsChanged
from sasaran.accounts.queries import Grant, system_actor
from sasaran.audit.models import AuditEntry
from sasaran.errors import Invalid
from sasaran.events.base import EVENT_TYPES
from sasaran.okrs import actions, rollup
from sasaran.okrs import events as ev
from sasaran.okrs.models import CycleState, KeyResult
from tests.okrs.helpers import key_result, objective


@pytest.fixture
def kr(actor_of, owner, cycle, product):
    obj = objective(actor_of(owner), cycle, product)
    return key_result(actor_of(owner), obj, start_value=0.0, target_value=100.0)


def test_a_check_in_announces_itself_and_the_progress_and_status_it_moved(
    actor_of, owner, kr, published
):
    # A third into the cycle with nothing done, the new KR is off track.
    assert kr.status == "off_track"
    with published.commit():
        checkin = actions.create_checkin(actor_of(owner), kr.pk, value=50.0, confidence=4)
    (recorded,) = published.of(ev.CheckInRecorded)
    assert recorded.check_in_id == checkin.pk
    assert (recorded.key_result_id, recorded.value, recorded.confidence) == (kr.pk, 50.0, 4)
    assert (recorded.actor_id, recorded.on_behalf_of) == (owner.pk, "")
    (progress,) = published.of(ev.KeyResultProgressChanged)
    assert (progress.from_progress, progress.to_progress) == (0.0, pytest.approx(0.5))
    (status,) = published.of(ev.KeyResultStatusChanged)
    assert (status.from_status, status.to_status, status.cause) == (
        "off_track",
        "on_track",
        "check-in",
    )


def test_nothing_is_announced_when_the_change_rolls_back(actor_of, owner, kr, published):
    with published.commit():
        with pytest.raises(RuntimeError), transaction.atomic():
            actions.create_checkin(actor_of(owner), kr.pk, value=5.0, confidence=4)
            raise RuntimeError("the caller's transaction fails after the check-in")
    assert published == []
    assert not kr.check_ins.exists()


def test_a_refused_check_in_announces_nothing(actor_of, owner, kr, published):
    with published.commit(), pytest.raises(Invalid):
        actions.create_checkin(actor_of(owner), kr.pk, value=float("nan"), confidence=4)
    assert published == []


def test_an_override_and_an_edit_announce_the_status_they_set(actor_of, owner, kr, published):
    with published.commit():
        actions.update_key_result(
            actor_of(owner), kr, status_override="at_risk", status_override_reason="Hiring"
        )
    (status,) = published.of(ev.KeyResultStatusChanged)
    assert (status.from_status, status.to_status, status.cause) == (
        "off_track",
        "at_risk",
        "override",
    )
    published.clear()
    with published.commit():
        actions.update_key_result(actor_of(owner), kr, title="Raise NPS a lot")
    (updated,) = published.of(ev.KeyResultUpdated)
    assert updated.fields == ("title",)


def test_objectives_and_cycles_announce_creation_updates_activation_and_closing(
    actor_of, admin, owner, workspace, product, published
):
    today = timezone.now().date()
    with published.commit():
        cycle = actions.create_cycle(
            actor_of(admin),
            name="Next",
            start_date=today,
            end_date=today + dt.timedelta(days=90),
        )
        obj = objective(actor_of(owner), cycle, product)
        actions.update_objective(actor_of(owner), obj, title="Delight every customer")
        actions.update_cycle(actor_of(admin), cycle, state=CycleState.ACTIVE)
        actions.close_cycle(actor_of(admin), cycle)
    names = [e.name for e in published]
    assert names == [
        "okrs.objective_created",
        "okrs.objective_updated",
        "okrs.cycle_activated",
        "okrs.cycle_closed",
    ]
    assert published[1].fields == ("title",)
    assert {e.cycle_id for e in published} == {cycle.pk}


def test_member_added_and_settings_changed_come_from_accounts(
    actor_of, admin, workspace, published
):
    with published.commit():
        account_actions.add_member(actor_of(admin), email="new@example.com", role="viewer")
        account_actions.update_workspace(actor_of(admin), checkin_cadence_days=14)
    (added,) = published.of(MemberAdded)
    assert added.role == "viewer"
    (settings_changed,) = published.of(WorkspaceSettingsChanged)
    assert settings_changed.fields == ("checkin_cadence_days",)


def test_the_status_refresh_announces_and_audits_what_time_changed_as_sasaran(
    actor_of, owner, kr, workspace, published
):
    actions.create_checkin(actor_of(owner), kr.pk, value=40.0, confidence=4)
    later = timezone.now() + dt.timedelta(days=40)
    with published.commit():
        assert rollup.refresh_statuses(workspace, now=later) >= 1
    (status,) = published.of(ev.KeyResultStatusChanged)
    # 40% done when 78% of the time is gone: at risk.
    assert (status.from_status, status.to_status, status.cause) == ("on_track", "at_risk", "time")
    assert status.actor_id is None
    assert status.on_behalf_of == "the hourly status refresh"
    entry = AuditEntry.objects.get(object_type="keyresult", object_id=kr.pk, action="status")
    assert entry.actor_id is None and entry.on_behalf_of == "the hourly status refresh"
    assert (entry.before, entry.after) == ({"status": "on_track"}, {"status": "at_risk"})


def test_a_key_result_becomes_stale_once_and_fresh_again_with_a_check_in(
    actor_of, owner, kr, workspace, published
):
    actions.create_checkin(actor_of(owner), kr.pk, value=30.0, confidence=4)
    later = timezone.now() + dt.timedelta(days=15)  # two weekly cadences without a check-in
    with published.commit():
        rollup.refresh_statuses(workspace, now=later)
        rollup.refresh_statuses(workspace, now=later + dt.timedelta(hours=1))
    (stale,) = published.of(ev.KeyResultBecameStale)
    assert stale.key_result_id == kr.pk and stale.stale_days == 14
    assert KeyResult.objects.get(pk=kr.pk).stale_since == later
    actions.create_checkin(actor_of(owner), kr.pk, value=35.0, confidence=4)
    assert KeyResult.objects.get(pk=kr.pk).stale_since is None


def test_events_made_by_sasaran_say_for_what(kr, workspace, published):
    feed = system_actor(workspace, "KPI MRR", Grant.CHECK_IN)
    with published.commit():
        actions.create_checkin(feed, kr.pk, value=40.0, confidence=4)
    (recorded,) = published.of(ev.CheckInRecorded)
    assert (recorded.actor_id, recorded.on_behalf_of) == (None, "KPI MRR")


def _sample(hint, n):
    """A value of a field's type (the first of a union; None when the union allows it and n is
    odd, so optional fields are tried both ways)."""
    import types
    import typing

    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    if type(None) in options and n % 2:
        return None
    first = next(o for o in options if o is not type(None))
    if first is dt.datetime:
        return dt.datetime(2026, 12, 1, 9, 30, n, tzinfo=dt.UTC)
    if first is dt.date:
        return dt.date(2026, 12, 1 + n % 28)
    if typing.get_origin(first) is tuple:
        return ("title", "unit")
    return {int: n, float: n + 0.25, str: f"text {n}"}[first]


@pytest.mark.parametrize("name", sorted(n for n in EVENT_TYPES if not n.startswith("test.")))
def test_every_event_survives_its_json_form(name):
    import dataclasses
    import json
    import typing

    cls = EVENT_TYPES[name]
    hints = typing.get_type_hints(cls)
    for parity in (0, 1):
        values = {
            f.name: _sample(hints[f.name], i + parity)
            for i, f in enumerate(dataclasses.fields(cls))
        }
        event = cls(**values)
        # Through real JSON, as the outbox stores it.
        assert cls.from_payload(json.loads(json.dumps(event.to_payload()))) == event


def test_overlapping_refreshes_announce_a_change_once(actor_of, owner, kr, workspace, published):
    actions.create_checkin(actor_of(owner), kr.pk, value=40.0, confidence=4)
    later = timezone.now() + dt.timedelta(days=40)
    real = rollup.kr_status
    landed = []

    def other_refresh_lands_first(row, cycle, ws, now):
        # Between this refresh's read and its write, an overlapping one writes the same change.
        status = real(row, cycle, ws, now)
        if not landed:
            landed.append(row.pk)
            KeyResult.objects.filter(pk=row.pk).update(status=status, stale_since=later)
        return status

    rollup.kr_status = other_refresh_lands_first
    try:
        with published.commit():
            rollup.refresh_statuses(workspace, now=later)
    finally:
        rollup.kr_status = real
    assert landed == [kr.pk]
    assert published.of(ev.KeyResultStatusChanged) == []
    assert published.of(ev.KeyResultBecameStale) == []


def test_new_cycle_dates_announce_the_statuses_they_move(
    actor_of, admin, owner, kr, cycle, published
):
    actions.create_checkin(actor_of(owner), kr.pk, value=40.0, confidence=4)
    assert KeyResult.objects.get(pk=kr.pk).status == "on_track"
    with published.commit():
        # The cycle now ends in ten days: 40% done when 75% of the time is gone.
        actions.update_cycle(
            actor_of(admin), cycle, end_date=timezone.now().date() + dt.timedelta(days=10)
        )
    (status,) = published.of(ev.KeyResultStatusChanged)
    assert (status.to_status, status.cause, status.actor_id) == (
        "at_risk",
        "cycle dates",
        admin.pk,
    )
    entry = AuditEntry.objects.get(object_id=kr.pk, action="status")
    assert (entry.actor_id, entry.note) == (admin.pk, "cycle dates")


def test_moving_an_objective_to_another_cycle_announces_its_key_results_statuses(
    actor_of, owner, kr, workspace, published
):
    from sasaran.okrs.models import Cycle

    actions.create_checkin(actor_of(owner), kr.pk, value=40.0, confidence=4)
    today = timezone.now().date()
    late = Cycle.objects.create(
        workspace=workspace,
        name="Almost over",
        start_date=today - dt.timedelta(days=80),
        end_date=today + dt.timedelta(days=5),
        state=CycleState.ACTIVE,
    )
    with published.commit():
        actions.update_objective(actor_of(owner), kr.objective, cycle_id=late.pk)
    (status,) = published.of(ev.KeyResultStatusChanged)
    assert (status.from_status, status.to_status, status.cause) == (
        "on_track",
        "at_risk",
        "edit",
    )
