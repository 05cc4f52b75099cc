"""Key results: create, change (definition, owner, milestones, status override), delete."""

import datetime as dt
import math
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaran.accounts.queries import Grant
from sasaran.audit.log import changed, record, snapshot
from sasaran.errors import Conflict, Forbidden, Invalid, NotFound
from sasaran.events import publish
from sasaran.limits import grouped, length_message
from sasaran.okrs import events, rollup
from sasaran.okrs.actions._common import (
    CURRENCY_RE,
    AnyActor,
    _apply,
    _choice,
    _created_at,
    _date,
    _finite,
    _id,
    _member_id,
    _text,
    _visible_or_404,
    kr_state,
    publish_kr_changes,
)
from sasaran.okrs.actions.objectives import why_not_deleted
from sasaran.okrs.models import Cycle, KeyResult, Milestone, Objective
from sasaran.okrs.permissions import can_see as _can_see
from sasaran.okrs.permissions import guard_open, require_checkin, require_edit
from sasaran.okrs.progress import (
    MAX_MAGNITUDE,
    NUMERIC_KINDS,
    Direction,
    InvalidKeyResult,
    Kind,
    validate_numeric,
)
from sasaran.okrs.status import Status
from sasaran.params import UNSET, given


class StartIsTarget(Invalid):
    """Start equal to target on an increasing or decreasing KR: nothing to travel, so it would
    be done at once. Pages offer the stay directions ("keep at least / at most") instead."""

    def __init__(self, value: float) -> None:
        self.value = value
        message = _(
            "Start and target are both %(value)s: there is nothing to increase or decrease, so "
            "the key result would be done at once. To keep the value at least %(value)s choose "
            "the direction “Stay at or above”, to keep it at most %(value)s “Stay at or below”; "
            "otherwise change the start or the target."
        ) % {"value": grouped(value)}
        super().__init__(message, field="target_value")


def _check_kr_fields(fields: dict, kr: KeyResult | None, cycle: Cycle) -> None:
    _text(fields, "title", required=True)
    _text(fields, "description", max_length=20000)
    _text(fields, "unit", max_length=30)
    _choice(fields, "kind", [k.value for k in Kind])
    _choice(fields, "direction", [d.value for d in Direction])
    for name in ("start_value", "target_value"):
        _finite(fields, name)
    _date(fields, "due_date")
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
        # Asked only when the numbers or the direction are being set: an older KR (carried over
        # at its target) keeps its other edits possible.
        defining = {"start_value", "target_value", "direction", "kind"} & set(fields)
        if (
            start == target
            and direction in (Direction.INCREASE, Direction.DECREASE)
            and (kr is None or defining)
        ):
            raise StartIsTarget(start)
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
        if not isinstance(item, dict) or set(item) - {"id", "title", "weight", "done"}:
            raise Invalid(
                _("Milestone %(n)d takes only id, title, weight and done.") % {"n": i + 1},
                field="milestones",
            )
        title = str(item.get("title", "")).strip()
        weight = item.get("weight", 1.0)
        if not title:
            raise Invalid(_("Milestone %(n)d needs a title.") % {"n": i + 1}, field="milestones")
        if len(title) > 300:
            # Refused, never cut: the typist decides what to drop.
            raise Invalid(
                _("Milestone %(n)d: %(limit)s")
                % {"n": i + 1, "limit": length_message(300, len(title))},
                field="milestones",
            )
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
                "title": title,
                "weight": float(weight),
                "done": bool(item.get("done", False)),
            }
        )
    return out


@transaction.atomic
def create_key_result(
    actor: AnyActor,
    objective: Objective,
    *,
    title: str,
    description: str = "",
    owner_id: int | None = UNSET,
    kind: str = Kind.NUMBER,
    direction: str = Direction.INCREASE,
    unit: str = "",
    currency: str = "",
    start_value: float = 0.0,
    target_value: float = 1.0,
    weight: float = 1.0,
    due_date: dt.date | None = None,
    milestones: list[dict] | None = None,
    origin_id: int | None = None,
    created_at: dt.datetime | None = None,
) -> KeyResult:
    """A new key result (owned by the objective's owner, or its creator, unless `owner_id` says
    otherwise). `origin_id` names the KR it was carried over from; `created_at` back-dates it."""
    fields = given(locals(), "actor", "objective")
    _visible_or_404(actor, objective)
    require_edit(actor, objective)
    note = guard_open(actor, objective.cycle)
    if not fields.get("title"):
        raise Invalid(_("The title cannot be empty."), field="title")
    milestones = _check_milestones(fields.pop("milestones", None) or [])
    _check_kr_fields(fields, None, objective.cycle)
    if milestones and fields.get("kind") != Kind.MILESTONES:
        raise Invalid(_("Only a milestones key result has milestones."), field="milestones")
    fields.setdefault("owner_id", objective.owner_id or actor.user_id)
    _member_id(actor, fields, "owner_id")
    _created_at(fields)
    _id(fields, "origin_id")
    if (
        fields.get("origin_id") is not None
        and not KeyResult.objects.filter(
            objective__workspace_id=actor.workspace_id, pk=fields["origin_id"]
        ).exists()
    ):
        raise Invalid(_("No key result of this workspace has that id."), field="origin_id")
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
    publish(events.KeyResultCreated.by(actor, key_result_id=kr.pk, objective_id=objective.pk))
    return kr


@transaction.atomic
def update_key_result(
    actor: AnyActor,
    kr: KeyResult,
    *,
    title: str = UNSET,
    description: str = UNSET,
    owner_id: int | None = UNSET,
    kind: str = UNSET,
    direction: str = UNSET,
    unit: str = UNSET,
    currency: str = UNSET,
    start_value: float = UNSET,
    target_value: float = UNSET,
    weight: float = UNSET,
    due_date: dt.date | None = UNSET,
    milestones: list[dict] = UNSET,
    status_override: str = UNSET,
    status_override_reason: str = UNSET,
) -> KeyResult:
    """Change a key result's definition, or (its owner, its team) override its status with a
    reason until the next check-in. Grades are given by `grade_key_result`, not here."""
    fields = given(locals(), "actor", "kr")
    asked = set(fields)
    objective = kr.objective
    _visible_or_404(actor, objective)
    override_only = set(fields) <= {"status_override", "status_override_reason"}
    if override_only:
        require_checkin(actor, kr)
        if actor.is_system and not actor.may(Grant.EDIT):
            raise Forbidden(_("Sasaran may not change OKRs for this purpose."))
    else:
        require_edit(actor, objective)
    note = guard_open(actor, objective.cycle)
    if fields.get("kind", kr.kind) != kr.kind and kr.check_ins.exists():
        # Old values would be read in the new kind's terms (a 21 would mean "yes").
        raise Conflict(_("The kind of a key result with check-ins cannot change."))
    # Locked, and its derived values read afresh: a check-in committed since the caller loaded
    # `kr` must not be reported as this change's "from", nor written back.
    locked = KeyResult.objects.select_for_update(of=("self",)).get(pk=kr.pk)
    for name in rollup.KR_DERIVED:
        setattr(kr, name, getattr(locked, name))
    before = {**snapshot(kr), "milestones": _milestone_list(kr)}
    state = kr_state(kr)
    if "status_override_reason" in fields and "status_override" not in fields:
        raise Invalid(
            _("Send the reason together with the status it explains."),
            field="status_override_reason",
        )
    if "status_override" in fields:
        _override(fields, kr)
    milestones = fields.pop("milestones", None)
    _check_kr_fields(fields, kr, objective.cycle)
    _member_id(actor, fields, "owner_id")
    _apply(kr, fields)
    # Only the fields given: a full save would write back values a concurrent check-in changed.
    kr.save(update_fields=[*fields, "updated_at"])
    if milestones is not None:
        if milestones and kr.kind != Kind.MILESTONES:
            raise Invalid(_("Only a milestones key result has milestones."), field="milestones")
        _sync_milestones(kr, _check_milestones(milestones))
    elif kr.kind != Kind.MILESTONES and before["milestones"]:
        # No longer a checklist: its milestones would count for nothing and show nowhere.
        kr.milestones.all().delete()
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
    # The fields the caller changed (not what followed from them: progress, status).
    edited = tuple(k for k in a if k in asked)
    if not override_only and edited:
        publish(
            events.KeyResultUpdated.by(
                actor,
                key_result_id=kr.pk,
                objective_id=objective.pk,
                fields=edited,
            )
        )
    publish_kr_changes(actor, kr, state, "override" if override_only else "edit")
    return kr


def _override(fields: dict, kr: KeyResult) -> None:
    _text(fields, "status_override_reason", max_length=2000)
    value = fields.get("status_override") or ""
    if value:
        _choice(fields, "status_override", [s.value for s in Status if s != Status.NOT_STARTED])
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
def delete_key_result(actor: AnyActor, kr: KeyResult) -> None:
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


@transaction.atomic
def report_task_counts(
    actor: AnyActor, kr_id: int, *, done: int, total: int, cancelled: int
) -> KeyResult:
    """The linked work's task counts of a `tasks` key result (done / (total − cancelled)), as
    the work app reports them in the transaction of the task change; progress, status and the
    objectives above follow."""
    kr = (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("objective__cycle", "objective__workspace")
        .filter(pk=kr_id, objective__workspace_id=actor.workspace_id)
        .first()
    )
    if kr is None or not _can_see(actor, kr.objective):
        raise NotFound(_("No such key result."))
    require_checkin(actor, kr)
    if kr.kind != Kind.TASKS:
        raise Invalid(_("Only a tasks key result counts tasks."), field="kind")
    counts = {"done": done, "total": total, "cancelled": cancelled}
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise Invalid(_("Task counts are whole numbers of 0 or more."), field=name)
    if done + cancelled > total:
        raise Invalid(_("Done and cancelled tasks cannot outnumber all tasks."), field="total")
    if (kr.tasks_done, kr.tasks_total, kr.tasks_cancelled) == (done, total, cancelled):
        return kr
    note = guard_open(actor, kr.objective.cycle)
    state = kr_state(kr)
    before = snapshot(kr, ["tasks_done", "tasks_total", "tasks_cancelled", "progress", "status"])
    kr.tasks_done, kr.tasks_total, kr.tasks_cancelled = done, total, cancelled
    kr.save(update_fields=["tasks_done", "tasks_total", "tasks_cancelled", "updated_at"])
    rollup.refresh_key_result(kr)
    rollup.refresh_objective_chain(kr.objective)
    b, a = changed(
        before, snapshot(kr, ["tasks_done", "tasks_total", "tasks_cancelled", "progress", "status"])
    )
    record(
        actor, action="tasks", obj=kr, objective_id=kr.objective_id, before=b, after=a, note=note
    )
    publish_kr_changes(actor, kr, state, "tasks")
    return kr
