"""Every write to the OKR domain: atomic, permission-checked, audited, derived values updated in
the same transaction."""

import datetime as dt
import math
import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaran.accounts.models import Membership, Team
from sasaran.accounts.queries import Actor
from sasaran.audit.log import changed, record, snapshot
from sasaran.errors import Conflict, Forbidden, Invalid, NotFound
from sasaran.okrs import grading, rollup
from sasaran.okrs.alignment import AlignmentLoop, ancestors, check_parent
from sasaran.okrs.models import (
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    Milestone,
    Objective,
    ObjectiveKind,
    Retrospective,
    Visibility,
)
from sasaran.okrs.permissions import (
    can_edit_in_team,
    can_see,
    guard_open,
    require_admin,
    require_checkin,
    require_edit,
)
from sasaran.okrs.progress import (
    MAX_MAGNITUDE,
    NUMERIC_KINDS,
    Direction,
    InvalidKeyResult,
    Kind,
    validate_numeric,
)
from sasaran.okrs.status import Status

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


# ---- shared checks -------------------------------------------------------------------------


def _text(fields: dict, name: str, *, required: bool = False, max_length: int = 300) -> None:
    if name not in fields:
        return
    value = fields[name]
    if value is None:
        value = ""
    value = str(value).strip() if max_length <= 300 else str(value)
    if required and not value:
        raise Invalid(_("This field cannot be empty."), field=name)
    if len(value) > max_length:
        raise Invalid(
            _("This field is longer than %(n)d characters.") % {"n": max_length}, field=name
        )
    fields[name] = value


def _choice(fields: dict, name: str, allowed) -> None:
    if name in fields and fields[name] not in {str(a) for a in allowed}:
        options = ", ".join(str(a) for a in allowed)
        raise Invalid(_("Choose one of: %(options)s.") % {"options": options}, field=name)


def _is_number(value: Any) -> bool:
    # bool is an int subclass: True is not 1 here.
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _finite(fields: dict, name: str, *, minimum: float | None = None) -> None:
    if name not in fields:
        return
    value = fields[name]
    if not _is_number(value):
        raise Invalid(_("Enter a finite number."), field=name)
    if abs(value) > MAX_MAGNITUDE:
        raise Invalid(_("Enter a number between -10^15 and 10^15."), field=name)
    if minimum is not None and value < minimum:
        raise Invalid(
            _("Enter a number of at least %(min)s.") % {"min": f"{minimum:g}"}, field=name
        )
    fields[name] = float(value)


def _member_id(actor: Actor, fields: dict, name: str) -> None:
    if fields.get(name) is None:
        return
    if not Membership.objects.filter(
        workspace_id=actor.workspace_id, user_id=fields[name]
    ).exists():
        raise Invalid(_("No member of this workspace has that id."), field=name)


def _team(actor: Actor, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(workspace_id=actor.workspace_id, pk=team_id).first()
    if team is None:
        raise Invalid(_("No team of this workspace has that id."), field="team_id")
    return team


def _cycle(actor: Actor, cycle_id: Any) -> Cycle:
    cycle = Cycle.objects.filter(workspace_id=actor.workspace_id, pk=cycle_id).first()
    if cycle is None:
        raise Invalid(_("No cycle of this workspace has that id."), field="cycle_id")
    return cycle


def _apply(obj, fields: dict) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)


# ---- cycles ----------------------------------------------------------------------------------


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(9000, 12, 31)


def _check_cycle_fields(actor: Actor, fields: dict, cycle: Cycle | None = None) -> None:
    _text(fields, "name", required=True, max_length=100)
    for name in ("start_date", "end_date"):
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
def create_cycle(actor: Actor, **fields) -> Cycle:
    require_admin(actor)
    for name in ("name", "start_date", "end_date"):
        if fields.get(name) in (None, ""):
            raise Invalid(_("This field is required."), field=name)
    state = fields.setdefault("state", CycleState.PLANNING)
    _choice(fields, "state", [CycleState.PLANNING, CycleState.ACTIVE])
    if state == CycleState.CLOSED:
        raise Invalid(_("Create the cycle first, then close it."), field="state")
    _check_cycle_fields(actor, fields)
    cycle = Cycle.objects.create(workspace_id=actor.workspace_id, **fields)
    record(
        actor,
        action="create",
        obj=cycle,
        after=snapshot(cycle),
    )
    _start_parent(actor, cycle)
    return cycle


def _start_parent(actor: Actor, cycle: Cycle) -> None:
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


@transaction.atomic
def update_cycle(actor: Actor, cycle: Cycle, **fields) -> Cycle:
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
    dates_changed = any(k in fields for k in ("start_date", "end_date"))
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
    _start_parent(actor, cycle)
    if dates_changed:
        # Expected progress, status and forecast all hang on the cycle's dates.
        rollup.recompute_workspace(actor.workspace)
    return cycle


@transaction.atomic
def delete_cycle(actor: Actor, cycle: Cycle) -> None:
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


@transaction.atomic
def close_cycle(
    actor: Actor,
    cycle: Cycle,
    *,
    scores: dict[int, tuple[float, str]] | None = None,
    retrospectives: dict[int, dict[str, str]] | None = None,
    now: dt.datetime | None = None,
) -> Cycle:
    """Freeze a cycle: suggest every KR's score (progress rounded to 0.1), apply the scores
    given (each with a reason when it departs from the suggestion), score the objectives and
    keep the retrospectives."""
    require_admin(actor)
    if cycle.workspace_id != actor.workspace_id:
        raise NotFound(_("No such cycle."))
    if cycle.is_closed:
        raise Conflict(_("The cycle is already closed."))
    now = now or timezone.now()
    scores = scores or {}
    retrospectives = retrospectives or {}
    krs = list(KeyResult.objects.filter(objective__cycle=cycle).select_related("objective"))
    by_id = {kr.pk: kr for kr in krs}
    unknown = [kr_id for kr_id in scores if kr_id not in by_id]
    if unknown:
        raise Invalid(
            _("Key result %(id)s is not in this cycle.") % {"id": unknown[0]}, field="scores"
        )
    for kr in krs:
        suggested = grading.suggest_score(kr.progress)
        kr.score, kr.score_reason = suggested, ""
        if kr.pk in scores:
            score, reason = scores[kr.pk]
            kr.score = _valid_score(score)
            kr.score_reason = (reason or "").strip()
            if kr.score != suggested and not kr.score_reason:
                raise Invalid(
                    _("Give a reason for scoring “%(title)s” %(score)s instead of %(suggested)s.")
                    % {"title": kr.title, "score": kr.score, "suggested": suggested},
                    field="scores",
                )
    KeyResult.objects.bulk_update(krs, ["score", "score_reason"], batch_size=500)
    objectives = list(Objective.objects.filter(cycle=cycle))
    _score_objectives(objectives, krs)
    Objective.objects.bulk_update(objectives, ["score"], batch_size=500)
    by_objective = {o.pk: o for o in objectives}
    for obj_id, retro in retrospectives.items():
        if obj_id not in by_objective:
            raise Invalid(
                _("Objective %(id)s is not in this cycle.") % {"id": obj_id},
                field="retrospectives",
            )
        _save_retrospective(actor, by_objective[obj_id], retro)
    cycle.state = CycleState.CLOSED
    cycle.closed_at = now
    cycle.save(update_fields=["state", "closed_at"])
    record(
        actor,
        action="close",
        obj=cycle,
        after={"scores": {kr.pk: kr.score for kr in krs}},
    )
    return cycle


def _valid_score(score: Any) -> float:
    try:
        return grading.validate_score(score)
    except grading.InvalidScore:
        raise Invalid(
            _("A score is between 0.0 and 1.0 in steps of 0.1 (got %(score)s).") % {"score": score},
            field="score",
        ) from None


def _score_objectives(objectives: list[Objective], krs: list[KeyResult]) -> None:
    items: dict[int, list[tuple[float | None, float]]] = {o.pk: [] for o in objectives}
    for kr in krs:
        items.setdefault(kr.objective_id, []).append((kr.score, kr.weight))
    for obj in objectives:
        obj.score = grading.objective_score(items[obj.pk])


@transaction.atomic
def grade_key_result(actor: Actor, kr: KeyResult, score: Any, reason: str) -> KeyResult:
    """Owners edit a suggested score, with a reason; the objective's score follows."""
    _visible_or_404(actor, kr.objective)
    require_checkin(actor, kr)
    if not kr.objective.cycle.is_closed:
        # Closing suggests every score afresh; a grade given earlier would be silently replaced.
        raise Conflict(_("Key results are graded when their cycle is closed."))
    score = _valid_score(score)
    reason = (reason or "").strip()
    suggested = grading.suggest_score(kr.progress)
    if score != suggested and not reason:
        raise Invalid(
            _("Give a reason for a score other than the suggested %(s)s.") % {"s": suggested},
            field="score_reason",
        )
    before = snapshot(kr, ["score", "score_reason"])
    kr.score, kr.score_reason = score, reason
    kr.save(update_fields=["score", "score_reason", "updated_at"])
    # Locked: two owners grading sibling KRs at once must both count in the objective's score.
    objective = Objective.objects.select_for_update().get(pk=kr.objective_id)
    objective.score = grading.objective_score(
        KeyResult.objects.filter(objective=objective).values_list("score", "weight")
    )
    objective.save(update_fields=["score", "updated_at"])
    b, a = changed(before, snapshot(kr, ["score", "score_reason"]))
    record(
        actor,
        action="grade",
        obj=kr,
        objective_id=objective.pk,
        before=b,
        after=a,
    )
    return kr


def _save_retrospective(
    actor: Actor, objective: Objective, fields: dict[str, str]
) -> Retrospective:
    allowed = {"what_worked", "learnings", "root_causes"}
    extra = set(fields) - allowed
    if extra:
        raise Invalid(
            _("Unknown retrospective field: %(f)s.") % {"f": sorted(extra)[0]},
            field="retrospectives",
        )
    retro, _created = Retrospective.objects.get_or_create(objective=objective)
    before = snapshot(retro, sorted(allowed))
    for name in allowed & set(fields):
        setattr(retro, name, (fields[name] or "").strip())
    retro.author_id = actor.user_id
    retro.updated_at = timezone.now()
    retro.save()
    b, a = changed(before, snapshot(retro, sorted(allowed)))
    record(
        actor,
        action="retrospective",
        obj=retro,
        objective_id=objective.pk,
        before=b,
        after=a,
    )
    return retro


@transaction.atomic
def save_retrospective(actor: Actor, objective: Objective, **fields: str) -> Retrospective:
    """Retrospectives are written at and after the close, so a closed cycle accepts them."""
    _visible_or_404(actor, objective)
    require_edit(actor, objective)
    return _save_retrospective(actor, objective, fields)


# ---- objectives ------------------------------------------------------------------------------


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


def _visible_or_404(actor: Actor, objective: Objective) -> None:
    if not can_see(actor, objective):
        raise NotFound(_("No such objective."))


def _check_parent(actor: Actor, objective: Objective | None, parent_id: int | None, cycle: Cycle):
    if parent_id is None:
        return None
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
    _text(fields, "description", max_length=20000)
    _choice(fields, "kind", [k.value for k in ObjectiveKind])
    _choice(fields, "visibility", [v.value for v in Visibility])
    _finite(fields, "weight", minimum=0)


@transaction.atomic
def create_objective(actor: Actor, **fields) -> Objective:
    if not fields.get("title"):
        raise Invalid(_("The title cannot be empty."), field="title")
    if fields.get("cycle_id") is None:
        raise Invalid(_("cycle_id is required."), field="cycle_id")
    _check_objective_fields(fields)
    cycle = _cycle(actor, fields["cycle_id"])
    team = _team(actor, fields.get("team_id"))
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
    record(
        actor,
        action="create",
        obj=objective,
        objective_id=objective.pk,
        after=snapshot(objective),
        note=note,
    )
    return objective


@transaction.atomic
def update_objective(actor: Actor, objective: Objective, **fields) -> Objective:
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
            rollup.refresh_key_result(kr)
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
def delete_objective(actor: Actor, objective: Objective) -> None:
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


# ---- key results -----------------------------------------------------------------------------


def _check_kr_fields(fields: dict, kr: KeyResult | None, cycle: Cycle) -> None:
    _text(fields, "title", required=True)
    _text(fields, "description", max_length=20000)
    _text(fields, "unit", max_length=30)
    _choice(fields, "kind", [k.value for k in Kind])
    _choice(fields, "direction", [d.value for d in Direction])
    for name in ("start_value", "target_value"):
        _finite(fields, name)
    _finite(fields, "weight", minimum=0)
    kind = fields.get("kind", kr.kind if kr else Kind.NUMBER)
    direction = fields.get("direction", kr.direction if kr else Direction.INCREASE)
    if kind == Kind.CURRENCY:
        currency = (fields.get("currency", kr.currency if kr else "") or "").upper()
        if not CURRENCY_RE.match(currency):
            raise Invalid(
                _("A currency key result needs an ISO 4217 code such as USD or IDR."),
                field="currency",
            )
        if "currency" in fields:
            fields["currency"] = currency
    if kind in NUMERIC_KINDS:
        start = fields.get("start_value", kr.start_value if kr else 0.0)
        target = fields.get("target_value", kr.target_value if kr else None)
        if target is None:
            raise Invalid(_("A numeric key result needs a target value."), field="target_value")
        try:
            validate_numeric(Direction(direction), start, target)
        except InvalidKeyResult as exc:
            raise Invalid(_kr_message(exc, direction, start, target), field=exc.field) from None
    else:
        # Boolean, milestones and tasks run from 0 to 1; direction and unit do not apply.
        fields["start_value"], fields["target_value"] = 0.0, 1.0
        fields["direction"] = Direction.INCREASE
    due = fields.get("due_date")
    if due is not None and not (cycle.start_date <= due <= cycle.end_date):
        raise Invalid(_("The due date must fall within the cycle."), field="due_date")


def _kr_message(exc: InvalidKeyResult, direction: str, start: float, target: float) -> str:
    """The pure module explains in English; say the same in the user's language."""
    values = {"start": f"{start:g}", "target": f"{target:g}"}
    if exc.field == "start_value" and not math.isfinite(start):
        return _("The start value must be a finite number.")
    if not math.isfinite(target):
        return _("The target value must be a finite number.")
    if direction == Direction.INCREASE:
        return (
            _(
                "An increasing key result needs a target above its start value "
                "(start %(start)s, target %(target)s)."
            )
            % values
        )
    return (
        _(
            "A decreasing key result needs a target below its start value "
            "(start %(start)s, target %(target)s)."
        )
        % values
    )


def _check_milestones(items: Any) -> list[dict]:
    if not isinstance(items, list):
        raise Invalid(_("milestones must be a list."), field="milestones")
    out = []
    for i, item in enumerate(items):
        title = str(item.get("title", "")).strip()
        weight = item.get("weight", 1.0)
        if not title:
            raise Invalid(_("Milestone %(n)d needs a title.") % {"n": i + 1}, field="milestones")
        if (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not math.isfinite(weight)
            or not 0 <= weight <= MAX_MAGNITUDE
        ):
            raise Invalid(
                _("Milestone %(n)d needs a weight of 0 or more.") % {"n": i + 1},
                field="milestones",
            )
        out.append(
            {
                "id": item.get("id"),
                "title": title[:300],
                "weight": float(weight),
                "done": bool(item.get("done", False)),
            }
        )
    return out


@transaction.atomic
def create_key_result(actor: Actor, objective: Objective, **fields) -> KeyResult:
    _visible_or_404(actor, objective)
    require_edit(actor, objective)
    note = guard_open(actor, objective.cycle)
    if not fields.get("title"):
        raise Invalid(_("The title cannot be empty."), field="title")
    milestones = _check_milestones(fields.pop("milestones", None) or [])
    _check_kr_fields(fields, None, objective.cycle)
    fields.setdefault("owner_id", objective.owner_id or actor.user_id)
    _member_id(actor, fields, "owner_id")
    kr = KeyResult(objective=objective, **fields)
    kr.current_value = kr.start_value
    kr.save()
    Milestone.objects.bulk_create(
        Milestone(key_result=kr, position=i, title=m["title"], weight=m["weight"], done=m["done"])
        for i, m in enumerate(milestones)
    )
    rollup.refresh_key_result(kr)
    rollup.refresh_objective_chain(objective)
    record(
        actor,
        action="create",
        obj=kr,
        objective_id=objective.pk,
        after=snapshot(kr),
        note=note,
    )
    return kr


@transaction.atomic
def update_key_result(actor: Actor, kr: KeyResult, **fields) -> KeyResult:
    objective = kr.objective
    _visible_or_404(actor, objective)
    override_only = set(fields) <= {"status_override", "status_override_reason"}
    if override_only:
        require_checkin(actor, kr)
    else:
        require_edit(actor, objective)
    note = guard_open(actor, objective.cycle)
    if fields.get("kind", kr.kind) != kr.kind and kr.check_ins.exists():
        # Old values would be read in the new kind's terms (a 21 would mean "yes").
        raise Conflict(_("The kind of a key result with check-ins cannot change."))
    before = {**snapshot(kr), "milestones": _milestone_list(kr)}
    if "status_override" in fields:
        _override(fields, kr)
    milestones = fields.pop("milestones", None)
    _check_kr_fields(fields, kr, objective.cycle)
    _member_id(actor, fields, "owner_id")
    _apply(kr, fields)
    # Only the fields given: a full save would write back values a concurrent check-in changed.
    kr.save(update_fields=[*fields, "updated_at"])
    if milestones is not None:
        _sync_milestones(kr, _check_milestones(milestones))
    rollup.refresh_key_result(kr)
    rollup.refresh_objective_chain(objective)
    b, a = changed(before, {**snapshot(kr), "milestones": _milestone_list(kr)})
    record(
        actor,
        action="override" if override_only else "update",
        obj=kr,
        objective_id=objective.pk,
        before=b,
        after=a,
        note=note,
    )
    return kr


def _override(fields: dict, kr: KeyResult) -> None:
    value = fields.get("status_override") or ""
    if value:
        _choice(fields, "status_override", [s.value for s in Status])
        reason = (fields.get("status_override_reason") or "").strip()
        if not reason:
            raise Invalid(_("Say why you override the status."), field="status_override_reason")
        fields["status_override_reason"] = reason
        fields["status_override_at"] = timezone.now()
    else:
        fields.update(status_override="", status_override_reason="", status_override_at=None)


def _milestone_list(kr: KeyResult) -> list[list]:
    return [list(m) for m in kr.milestones.values_list("id", "title", "weight", "done")]


def _sync_milestones(kr: KeyResult, items: list[dict]) -> None:
    """Edit the checklist in place: items with an id keep their row (so check-in history still
    names them) and their done state, which only check-ins change; new items start not done;
    items left out are removed."""
    existing = {m.pk: m for m in kr.milestones.all()}
    unknown = [m["id"] for m in items if m["id"] is not None and m["id"] not in existing]
    if unknown:
        raise Invalid(
            _("Milestone %(id)s does not belong to this key result.") % {"id": unknown[0]},
            field="milestones",
        )
    kept = {m["id"] for m in items if m["id"] is not None}
    kr.milestones.exclude(pk__in=kept).delete()
    new = []
    for position, item in enumerate(items):
        if item["id"] is None:
            new.append(
                Milestone(
                    key_result=kr, position=position, title=item["title"], weight=item["weight"]
                )
            )
        else:
            row = existing[item["id"]]
            row.title, row.weight, row.position = item["title"], item["weight"], position
    Milestone.objects.bulk_update([existing[i] for i in kept], ["title", "weight", "position"])
    Milestone.objects.bulk_create(new)


@transaction.atomic
def delete_key_result(actor: Actor, kr: KeyResult) -> None:
    objective = kr.objective
    _visible_or_404(actor, objective)
    require_edit(actor, objective)
    note = guard_open(actor, objective.cycle)
    refusal = why_not_deleted(kr)
    if refusal:
        raise Conflict(refusal)
    record(
        actor,
        action="delete",
        obj=kr,
        objective_id=objective.pk,
        before=snapshot(kr),
        note=note,
    )
    kr.delete()
    rollup.refresh_objective_chain(objective)


# ---- check-ins -------------------------------------------------------------------------------


@transaction.atomic
def create_checkin(
    actor: Actor,
    kr_id: int,
    *,
    value: float | bool | None = None,
    confidence: int,
    progress_note: str = "",
    wins: str = "",
    blockers: str = "",
    checked_in_at: dt.datetime | None = None,
    milestones_done: list[int] | None = None,
    now: dt.datetime | None = None,
) -> CheckIn:
    now = now or timezone.now()
    # Lock the KR first: check-ins on one KR queue here; objectives are locked bottom-up after.
    kr = (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("objective__cycle", "objective__workspace")
        .filter(pk=kr_id, objective__workspace_id=actor.workspace_id)
        .first()
    )
    if kr is None or not can_see(actor, kr.objective):
        raise NotFound(_("No such key result."))
    require_checkin(actor, kr)
    cycle, workspace = kr.objective.cycle, kr.objective.workspace
    note = guard_open(actor, cycle)
    if isinstance(confidence, bool) or not isinstance(confidence, int) or not 1 <= confidence <= 5:
        raise Invalid(_("Confidence is a whole number from 1 to 5."), field="confidence")
    at = checked_in_at or now
    if timezone.is_naive(at):
        raise Invalid(_("checked_in_at needs a time zone."), field="checked_in_at")
    if at > now + dt.timedelta(minutes=5):
        raise Invalid(_("A check-in cannot be dated in the future."), field="checked_in_at")
    if at < rollup.cycle_start(cycle, workspace) or at >= rollup.end_of_day(
        cycle.end_date, workspace
    ):
        if cycle.is_closed:
            # The closed cycle is the reason (409): an admin's correction is dated within it.
            raise Conflict(
                _("The cycle %(name)s is closed: a correction must be dated within it.")
                % {"name": cycle.name}
            )
        raise Invalid(
            _("A check-in may be back-dated only within its cycle."), field="checked_in_at"
        )

    done_ids: list[int] = []
    if kr.kind == Kind.MILESTONES:
        if milestones_done is None:
            raise Invalid(
                _("A milestones key result is checked in with the milestones done."),
                field="milestones_done",
            )
        milestones = list(kr.milestones.all())
        known = {m.pk for m in milestones}
        done_ids = sorted(set(milestones_done))
        if not set(done_ids) <= known:
            raise Invalid(
                _("Some milestones do not belong to this key result."), field="milestones_done"
            )
        as_of = [Milestone(pk=m.pk, weight=m.weight, done=m.pk in done_ids) for m in milestones]
        # The done share then; 0 when the checklist has nothing to count (progress unknown).
        value = rollup.kr_progress_of(kr, as_of)(0.0) or 0.0
        # Only the newest check-in sets today's milestones: a back-dated one fills history.
        if kr.last_checkin_at is None or at >= kr.last_checkin_at:
            for m in milestones:
                m.done = m.pk in done_ids
            Milestone.objects.bulk_update(milestones, ["done"])
    elif kr.kind == Kind.TASKS:
        # Progress comes from the linked work; the check-in records it with confidence and notes
        # (0 when there is no work to count: progress unknown).
        value = kr.progress or 0.0
    elif kr.kind == Kind.BOOLEAN:
        if not isinstance(value, bool) and value not in (0, 1):
            raise Invalid(_("A yes/no key result takes true or false."), field="value")
        value = 1.0 if value else 0.0
    else:
        if value is None or not _is_number(value) or abs(value) > MAX_MAGNITUDE:
            raise Invalid(_("The value must be a finite number."), field="value")
    for name, text in (("progress_note", progress_note), ("wins", wins), ("blockers", blockers)):
        if len(text or "") > 10000:
            raise Invalid(_("A note is at most 10,000 characters."), field=name)

    checkin = CheckIn.objects.create(
        key_result=kr,
        author_id=actor.user_id,
        value=float(value),
        milestones_done=done_ids,
        confidence=confidence,
        progress_note=(progress_note or "").strip(),
        wins=(wins or "").strip(),
        blockers=(blockers or "").strip(),
        checked_in_at=at,
        created_at=now,
    )
    before = snapshot(kr, ["current_value", "confidence", "status", "progress"])
    if kr.status_override:
        kr.status_override, kr.status_override_reason, kr.status_override_at = "", "", None
        kr.save(update_fields=["status_override", "status_override_reason", "status_override_at"])
    rollup.refresh_key_result(kr, now=now)
    rollup.refresh_objective_chain(kr.objective, now=now)
    b, a = changed(before, snapshot(kr, ["current_value", "confidence", "status", "progress"]))
    record(
        actor,
        action="check-in",
        obj=kr,
        objective_id=kr.objective_id,
        before=b,
        after={**a, "check_in_id": checkin.pk},
        note=note,
    )
    return checkin


# ---- carry over ------------------------------------------------------------------------------


@transaction.atomic
def carry_over(
    actor: Actor, cycle: Cycle, target_cycle: Cycle, kr_ids: list[int]
) -> list[KeyResult]:
    """Copy unfinished key results of `cycle` into `target_cycle`, each under a copy of its
    objective, linked to their origins. The new KR starts where the old one stands (start value =
    its current value). Carrying a KR a second time into the same cycle does nothing, and
    objectives already carried there are reused."""
    if target_cycle.workspace_id != actor.workspace_id or cycle.workspace_id != actor.workspace_id:
        raise NotFound(_("No such cycle."))
    if target_cycle.pk == cycle.pk:
        raise Invalid(_("Choose another cycle to carry key results into."), field="target_cycle")
    if target_cycle.is_closed:
        raise Invalid(_("The target cycle is closed; choose an open one."), field="target_cycle")
    if not kr_ids:
        raise Invalid(_("Choose at least one key result to carry over."), field="kr_ids")
    krs = list(
        KeyResult.objects.filter(objective__cycle=cycle, pk__in=kr_ids)
        .select_related("objective__cycle", "objective__workspace")
        .prefetch_related("milestones")
        .order_by("objective__position", "objective_id", "position", "id")
    )
    if len(krs) != len(set(kr_ids)):
        raise Invalid(_("Some key results are not in this cycle."), field="kr_ids")
    for kr in krs:
        _visible_or_404(actor, kr.objective)
        require_edit(actor, kr.objective)
    already = set(
        KeyResult.objects.filter(objective__cycle=target_cycle, origin__in=krs).values_list(
            "origin_id", flat=True
        )
    )
    source_objectives = {kr.objective_id: kr.objective for kr in krs}
    carried_objectives = {
        o.origin_id: o
        for o in Objective.objects.filter(cycle=target_cycle, origin_id__in=source_objectives)
    }
    # Parents carried earlier (or now) into the target cycle keep the alignment.
    parent_ids = {o.parent_id for o in source_objectives.values() if o.parent_id}
    carried_parents = dict(
        Objective.objects.filter(cycle=target_cycle, origin_id__in=parent_ids).values_list(
            "origin_id", "id"
        )
    )
    parent_cycles = dict(Objective.objects.filter(pk__in=parent_ids).values_list("id", "cycle_id"))
    note = f"carried over from {cycle.name}"
    created: list[KeyResult] = []
    touched: dict[int, Objective] = {}
    for kr in krs:
        if kr.pk in already:
            continue
        source = kr.objective
        target_obj = carried_objectives.get(source.pk)
        if target_obj is None:
            parent_id = carried_parents.get(source.parent_id)
            if parent_id is None and parent_cycles.get(source.parent_id) in (
                target_cycle.pk,
                target_cycle.parent_id,
            ):
                parent_id = source.parent_id
            target_obj = Objective.objects.create(
                workspace_id=actor.workspace_id,
                cycle=target_cycle,
                title=source.title,
                description=source.description,
                owner_id=source.owner_id,
                team_id=source.team_id,
                kind=source.kind,
                visibility=source.visibility,
                parent_id=parent_id,
                rollup_children=source.rollup_children,
                weight=source.weight,
                origin=source,
                position=source.position,
            )
            carried_objectives[source.pk] = target_obj
            record(
                actor,
                action="create",
                obj=target_obj,
                objective_id=target_obj.pk,
                after=snapshot(target_obj),
                note=note,
            )
        fields: dict[str, Any] = {
            "title": kr.title,
            "kind": kr.kind,
            "direction": kr.direction,
            "start_value": kr.current_value,
            "target_value": kr.target_value,
        }
        if kr.kind in NUMERIC_KINDS:
            try:
                validate_numeric(Direction(kr.direction), kr.current_value, kr.target_value)
            except InvalidKeyResult:
                # Already past its target (a finished KR): keep the original baseline.
                fields["start_value"] = kr.start_value
        new = KeyResult.objects.create(
            objective=target_obj,
            title=kr.title,
            description=kr.description,
            owner_id=kr.owner_id,
            kind=kr.kind,
            direction=kr.direction,
            unit=kr.unit,
            currency=kr.currency,
            start_value=fields["start_value"],
            target_value=kr.target_value,
            current_value=fields["start_value"],
            weight=kr.weight,
            origin=kr,
            position=kr.position,
        )
        Milestone.objects.bulk_create(
            Milestone(key_result=new, title=m.title, weight=m.weight, done=m.done, position=i)
            for i, m in enumerate(kr.milestones.all())
        )
        rollup.refresh_key_result(new)
        record(
            actor,
            action="carry-over",
            obj=new,
            objective_id=target_obj.pk,
            after={**snapshot(new), "origin_id": kr.pk},
            note=note,
        )
        created.append(new)
        touched[target_obj.pk] = target_obj
    for obj in touched.values():
        rollup.refresh_objective_chain(obj)
    return created
