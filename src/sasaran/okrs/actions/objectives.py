"""Objectives: create, change (text, owner, team, cycle, alignment, weight), delete."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from sasaran.audit.log import changed, record, snapshot
from sasaran.errors import Conflict, Forbidden, Invalid
from sasaran.events import publish
from sasaran.okrs import events, rollup
from sasaran.okrs.actions._common import (
    AnyActor,
    _apply,
    _bool,
    _choice,
    _created_at,
    _cycle,
    _finite,
    _id,
    _member_id,
    _team,
    _text,
    _visible_or_404,
    kr_state,
    publish_kr_changes,
)
from sasaran.okrs.alignment import AlignmentLoop, ancestors, check_parent
from sasaran.okrs.models import CheckIn, Cycle, KeyResult, Objective, ObjectiveKind, Visibility
from sasaran.okrs.permissions import can_edit_in_team, can_see, guard_open, require_edit
from sasaran.params import UNSET, given


def _lock_upward(workspace_id: int, *starts: int | None) -> None:
    """Lock the objectives on the alignment chains above `starts`, deepest first.

    Check-ins lock child before parent. Re-aligning touches two chains (old and new parent);
    taking their union in one order (deepest first, then id) that agrees with every
    child-before-parent walk keeps the two kinds of write from waiting on each other in a
    circle.
    """
    parent_of = dict(
        Objective.objects.filter(workspace_id=workspace_id).values_list("id", "parent_id")
    )
    ids: set[int] = set()
    for start in starts:
        if start is not None:
            ids |= {start, *ancestors(start, parent_of)}
    depth = {i: len(ancestors(i, parent_of)) for i in ids}
    for obj_id in sorted(ids, key=lambda i: (-depth[i], i)):
        list(Objective.objects.select_for_update().filter(pk=obj_id).values_list("pk"))


def _check_parent(
    actor: AnyActor, objective: Objective | None, parent_id: int | None, cycle: Cycle
):
    if parent_id is None:
        return None
    _id({"parent_id": parent_id}, "parent_id")
    parent = (
        Objective.objects.select_related("cycle")
        .filter(workspace_id=actor.workspace_id, pk=parent_id)
        .first()
    )
    if parent is None or not can_see(actor, parent):
        raise Invalid(_("No objective you can see has that id."), field="parent_id")
    if parent.cycle_id not in (cycle.pk, cycle.parent_id):
        raise Invalid(
            _("An objective aligns to one in the same cycle or in the cycle that contains it."),
            field="parent_id",
        )
    if objective is not None:
        parent_of = dict(
            Objective.objects.filter(workspace_id=actor.workspace_id).values_list("id", "parent_id")
        )
        try:
            check_parent(objective.pk, parent_id, parent_of)
        except AlignmentLoop:
            raise Invalid(
                _("Aligning this objective there would create a loop."), field="parent_id"
            ) from None
    return parent


def _check_objective_fields(fields: dict) -> None:
    _text(fields, "title", required=True)
    _bool(fields, "rollup_children")
    _text(fields, "description", max_length=20000)
    _choice(fields, "kind", [k.value for k in ObjectiveKind])
    _choice(fields, "visibility", [v.value for v in Visibility])
    _finite(fields, "weight", minimum=0)


@transaction.atomic
def create_objective(
    actor: AnyActor,
    *,
    title: str,
    cycle_id: int,
    description: str = "",
    owner_id: int | None = UNSET,
    team_id: int | None = None,
    parent_id: int | None = None,
    kind: str = ObjectiveKind.COMMITTED,
    visibility: str = Visibility.WORKSPACE,
    rollup_children: bool = True,
    weight: float = 1.0,
    origin_id: int | None = None,
    created_at: dt.datetime | None = None,
) -> Objective:
    """A new objective (owned by its creator unless `owner_id` says otherwise). `origin_id`
    names the objective it was carried over from; `created_at` back-dates it (imports)."""
    fields = given(locals(), "actor")
    if not fields.get("title"):
        raise Invalid(_("The title cannot be empty."), field="title")
    if fields.get("cycle_id") is None:
        raise Invalid(_("cycle_id is required."), field="cycle_id")
    _check_objective_fields(fields)
    cycle = _cycle(actor, fields["cycle_id"])
    team = _team(actor, fields.get("team_id"))
    _check_origin(actor, fields)
    _created_at(fields)
    fields.setdefault("owner_id", actor.user_id)
    _member_id(actor, fields, "owner_id")
    if not can_edit_in_team(actor, team.pk if team else None, fields.get("owner_id")):
        raise Forbidden(_("You may only create objectives for your own teams or yourself."))
    note = guard_open(actor, cycle)
    _check_parent(actor, None, fields.get("parent_id"), cycle)
    objective = Objective(workspace_id=actor.workspace_id, **fields)
    objective.save()
    rollup.refresh_objective_chain(objective)
    objective.refresh_from_db()
    announce_created(actor, objective, note)
    return objective


def announce_created(actor: AnyActor, objective: Objective, note: str = "") -> None:
    """Audit and announce a new objective (here, and for the copies carry-over makes)."""
    record(
        actor,
        action="create",
        obj=objective,
        objective_id=objective.pk,
        after=snapshot(objective),
        note=note,
    )
    publish(
        events.ObjectiveCreated.by(
            actor, objective_id=objective.pk, cycle_id=objective.cycle_id, team_id=objective.team_id
        )
    )


def _check_origin(actor: AnyActor, fields: dict) -> None:
    if fields.get("origin_id") is None:
        return
    _id(fields, "origin_id")
    if not Objective.objects.filter(
        workspace_id=actor.workspace_id, pk=fields["origin_id"]
    ).exists():
        raise Invalid(_("No objective of this workspace has that id."), field="origin_id")


@transaction.atomic
def update_objective(
    actor: AnyActor,
    objective: Objective,
    *,
    title: str = UNSET,
    description: str = UNSET,
    owner_id: int | None = UNSET,
    team_id: int | None = UNSET,
    cycle_id: int = UNSET,
    parent_id: int | None = UNSET,
    kind: str = UNSET,
    visibility: str = UNSET,
    rollup_children: bool = UNSET,
    weight: float = UNSET,
) -> Objective:
    fields = given(locals(), "actor", "objective")
    asked = set(fields)
    _visible_or_404(actor, objective)
    require_edit(actor, objective)
    note = guard_open(actor, objective.cycle)
    _check_objective_fields(fields)
    cycle = objective.cycle
    if "cycle_id" in fields and fields["cycle_id"] != objective.cycle_id:
        cycle = _cycle(actor, fields["cycle_id"])
        note = guard_open(actor, cycle) or note
        if objective.children.exists():
            raise Invalid(
                _("Unalign the objectives aligned to this one before moving it to another cycle."),
                field="cycle_id",
            )
        if (
            objective.key_results.filter(due_date__isnull=False)
            .exclude(due_date__range=(cycle.start_date, cycle.end_date))
            .exists()
        ):
            raise Invalid(
                _("Some key results are due outside that cycle; change their due dates first."),
                field="cycle_id",
            )
    if "team_id" in fields:
        team = _team(actor, fields["team_id"])
        if not can_edit_in_team(
            actor, team.pk if team else None, fields.get("owner_id", objective.owner_id)
        ):
            raise Forbidden(_("You may only move objectives to your own teams."))
    _member_id(actor, fields, "owner_id")
    if "parent_id" in fields or "cycle_id" in fields:
        _check_parent(actor, objective, fields.get("parent_id", objective.parent_id), cycle)
    before = snapshot(objective)
    old_parent = objective.parent_id
    moved = cycle.pk != objective.cycle_id
    if fields.get("parent_id", old_parent) != old_parent:
        _lock_upward(actor.workspace_id, objective.pk, fields["parent_id"])
    _apply(objective, fields)
    objective.cycle = cycle
    # Only the fields given: a full save would write back values a concurrent write changed.
    objective.save(update_fields=[*fields, "cycle", "updated_at"])
    if moved:
        # Expected progress, status and forecast hang on the cycle's dates.
        for kr in objective.key_results.select_related("objective__cycle", "objective__workspace"):
            state = kr_state(kr)
            rollup.refresh_key_result(kr)
            publish_kr_changes(actor, kr, state, "edit")
    rollup.refresh_objective_chain(objective)
    if old_parent is not None and old_parent != objective.parent_id:
        rollup.refresh_objective_chain(Objective.objects.get(pk=old_parent))
    objective.refresh_from_db()
    b, a = changed(before, snapshot(objective))
    record(
        actor,
        action="update",
        obj=objective,
        objective_id=objective.pk,
        before=b,
        after=a,
        note=note,
    )
    # The fields the caller changed (not what followed from them: progress, status).
    edited = tuple(k for k in a if k in asked)
    if edited:
        publish(
            events.ObjectiveUpdated.by(
                actor,
                objective_id=objective.pk,
                cycle_id=objective.cycle_id,
                fields=edited,
            )
        )
    return objective


def why_not_deleted(obj: Objective | KeyResult) -> str:
    """Why an objective or key result cannot be deleted ("" when it can): check-ins are kept
    for good (PRODUCT §1), so what has them stays. The pages ask before offering a Delete."""
    if isinstance(obj, Objective):
        if CheckIn.objects.filter(key_result__objective=obj).exists():
            return _(
                "Its key results have check-ins, which are kept for good: set the weights of "
                "the objective and its key results to 0 to stop counting them instead."
            )
    elif obj.check_ins.exists():
        return _(
            "This key result has check-ins, which are kept for good: set its weight to 0 "
            "to stop counting it instead."
        )
    return ""


@transaction.atomic
def delete_objective(actor: AnyActor, objective: Objective) -> None:
    _visible_or_404(actor, objective)
    require_edit(actor, objective)
    note = guard_open(actor, objective.cycle)
    refusal = why_not_deleted(objective)
    if refusal:
        raise Conflict(refusal)
    parent_id = objective.parent_id
    record(
        actor,
        action="delete",
        obj=objective,
        objective_id=objective.pk,
        before=snapshot(objective),
        note=note,
    )
    objective.delete()
    if parent_id is not None:
        rollup.refresh_objective_chain(Objective.objects.get(pk=parent_id))
