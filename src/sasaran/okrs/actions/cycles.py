"""Cycles: create, change (dates, nesting, state), delete."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from sasaran.audit.log import changed, record, snapshot
from sasaran.errors import Conflict, Invalid, NotFound
from sasaran.events import publish
from sasaran.okrs import events, rollup
from sasaran.okrs.actions._common import (
    AnyActor,
    _apply,
    _choice,
    _created_at,
    _cycle,
    _date,
    _id,
    _text,
)
from sasaran.okrs.models import Cycle, CycleState, KeyResult
from sasaran.okrs.permissions import require_admin
from sasaran.params import UNSET, given

EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(9000, 12, 31)


def _check_cycle_fields(actor: AnyActor, fields: dict, cycle: Cycle | None = None) -> None:
    _text(fields, "name", required=True, max_length=100)
    _id(fields, "parent_id")
    for name in ("start_date", "end_date"):
        _date(fields, name)
        if fields.get(name) is not None and not EARLIEST <= fields[name] <= LATEST:
            raise Invalid(_("Choose a date between the years 1900 and 9000."), field=name)
    start = fields.get("start_date", cycle.start_date if cycle else None)
    end = fields.get("end_date", cycle.end_date if cycle else None)
    if start is not None and end is not None and end < start:
        raise Invalid(_("The end date must not be before the start date."), field="end_date")
    if cycle is not None and ("start_date" in fields or "end_date" in fields):
        # Quarters inside a year stay inside it, and KR due dates stay inside their cycle.
        for child in cycle.children.all():
            if child.start_date < start or child.end_date > end:
                raise Invalid(
                    _("The cycle %(name)s inside it would fall outside these dates.")
                    % {"name": child.name},
                    field="end_date",
                )
        if (
            KeyResult.objects.filter(objective__cycle=cycle, due_date__isnull=False)
            .exclude(due_date__range=(start, end))
            .exists()
        ):
            raise Invalid(
                _("Some key results are due outside these dates; change their due dates first."),
                field="end_date",
            )
    if "name" in fields:
        clash = Cycle.objects.filter(workspace_id=actor.workspace_id, name=fields["name"])
        if cycle is not None:
            clash = clash.exclude(pk=cycle.pk)
        if clash.exists():
            raise Invalid(_("A cycle with this name already exists."), field="name")
    parent_id = fields.get("parent_id", cycle.parent_id if cycle else None)
    if parent_id is not None:
        parent = _cycle(actor, parent_id)
        if cycle is not None and cycle.children.exists():
            raise Invalid(
                _("Cycles nest one level deep (a quarter inside a year)."), field="parent_id"
            )
        if cycle is not None and parent.pk == cycle.pk:
            raise Invalid(_("A cycle cannot sit inside itself."), field="parent_id")
        if parent.parent_id is not None:
            raise Invalid(
                _("Cycles nest one level deep (a quarter inside a year)."), field="parent_id"
            )
        if start and end and (start < parent.start_date or end > parent.end_date):
            raise Invalid(
                _("A cycle must lie within the dates of the cycle it sits in."), field="parent_id"
            )


@transaction.atomic
def create_cycle(
    actor: AnyActor,
    *,
    name: str,
    start_date: dt.date,
    end_date: dt.date,
    state: str = CycleState.PLANNING,
    parent_id: int | None = None,
    created_at: dt.datetime | None = None,
) -> Cycle:
    fields = given(locals(), "actor")
    require_admin(actor)
    for key in ("name", "start_date", "end_date"):
        if fields.get(key) in (None, ""):
            raise Invalid(_("This field is required."), field=key)
    _choice(fields, "state", [CycleState.PLANNING, CycleState.ACTIVE])
    if state == CycleState.CLOSED:
        raise Invalid(_("Create the cycle first, then close it."), field="state")
    _check_cycle_fields(actor, fields)
    _created_at(fields)
    cycle = Cycle.objects.create(workspace_id=actor.workspace_id, **fields)
    record(
        actor,
        action="create",
        obj=cycle,
        after=snapshot(cycle),
    )
    if cycle.state == CycleState.ACTIVE:
        publish(events.CycleActivated.by(actor, cycle_id=cycle.pk))
    _start_parent(actor, cycle)
    return cycle


def _start_parent(actor: AnyActor, cycle: Cycle) -> None:
    """A quarter cannot run inside a year still being planned: activating it starts the year."""
    if cycle.state != CycleState.ACTIVE or cycle.parent_id is None:
        return
    parent = Cycle.objects.select_for_update().get(pk=cycle.parent_id)
    if parent.state != CycleState.PLANNING:
        return
    before = snapshot(parent)
    parent.state = CycleState.ACTIVE
    parent.save(update_fields=["state"])
    b, a = changed(before, snapshot(parent))
    note = f"activated with {cycle.name}"
    record(actor, action="update", obj=parent, before=b, after=a, note=note)
    publish(events.CycleActivated.by(actor, cycle_id=parent.pk))


@transaction.atomic
def update_cycle(
    actor: AnyActor,
    cycle: Cycle,
    *,
    name: str = UNSET,
    start_date: dt.date = UNSET,
    end_date: dt.date = UNSET,
    state: str = UNSET,
    parent_id: int | None = UNSET,
) -> Cycle:
    fields = given(locals(), "actor", "cycle")
    require_admin(actor)
    if cycle.workspace_id != actor.workspace_id:
        raise NotFound(_("No such cycle."))
    if "state" in fields:
        _choice(fields, "state", [s.value for s in CycleState])
        if fields["state"] == CycleState.CLOSED and not cycle.is_closed:
            raise Invalid(
                _("Close a cycle through its close action, which grades it."), field="state"
            )
    note = ""
    if cycle.is_closed and fields.get("state", CycleState.CLOSED) != CycleState.CLOSED:
        note = "cycle reopened"
    _check_cycle_fields(actor, fields, cycle)
    before = snapshot(cycle)
    was_active = cycle.state == CycleState.ACTIVE
    dates_changed = any(k in fields for k in ("start_date", "end_date"))
    state_changed = fields.get("state", cycle.state) != cycle.state
    _apply(cycle, fields)
    if note:
        cycle.closed_at = None
    cycle.save()
    b, a = changed(before, snapshot(cycle))
    record(
        actor,
        action="update",
        obj=cycle,
        before=b,
        after=a,
        note=note,
    )
    if cycle.state == CycleState.ACTIVE and not was_active:
        publish(events.CycleActivated.by(actor, cycle_id=cycle.pk))
    _start_parent(actor, cycle)
    if dates_changed:
        # Expected progress, status and forecast all hang on the cycle's dates.
        rollup.recompute_workspace(actor.workspace, actor=actor, cause="cycle dates")
    elif state_changed:
        # A planned cycle's statuses read "not started" until it is activated.
        rollup.recompute_workspace(actor.workspace, actor=actor, cause="cycle state")
    return cycle


@transaction.atomic
def delete_cycle(actor: AnyActor, cycle: Cycle) -> None:
    require_admin(actor)
    if cycle.workspace_id != actor.workspace_id:
        raise NotFound(_("No such cycle."))
    if cycle.objectives.exists() or cycle.children.exists():
        raise Conflict(_("The cycle still holds objectives or cycles; remove them first."))
    record(
        actor,
        action="delete",
        obj=cycle,
        before=snapshot(cycle),
    )
    cycle.delete()
