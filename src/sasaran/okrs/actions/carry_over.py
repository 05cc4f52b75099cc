"""Carrying unfinished key results of one cycle into the next."""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sasaran.audit.log import record, snapshot
from sasaran.errors import Invalid, NotFound
from sasaran.events import publish
from sasaran.okrs import carrying, events, rollup
from sasaran.okrs.actions._common import AnyActor, _visible_or_404
from sasaran.okrs.actions.objectives import announce_created
from sasaran.okrs.models import Cycle, KeyResult, Milestone, Objective
from sasaran.okrs.permissions import require_edit
from sasaran.okrs.progress import NUMERIC_KINDS, Direction, InvalidKeyResult, validate_numeric


@dataclass
class CarryOver:
    """What a carry-over did: the key results it copied, the chosen ones already in the target
    cycle (left alone), and the objectives it created without the alignment of their source
    (the parent neither carried nor spanning the target cycle)."""

    created: list[KeyResult] = field(default_factory=list)
    already: list[KeyResult] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    unaligned: list[Objective] = field(default_factory=list)


@transaction.atomic
def carry_over(actor: AnyActor, cycle: Cycle, target_cycle: Cycle, kr_ids: list[int]) -> CarryOver:
    """Copy unfinished key results of `cycle` into `target_cycle`, each under a copy of its
    objective, linked to their origins. The new KR starts where the old one stands (start value =
    its current value).

    Nothing is made twice: an objective already in the target cycle (carried from the same
    source before, or made there with the same title and team) takes the carried key results,
    and a key result already there (carried before, or of the same title in that objective) is
    not copied again. A new copy keeps its source's alignment: under the copy of its parent when
    that parent is in the target cycle too (carried now or before), under the same parent when
    the parent's cycle spans the target cycle (a yearly objective over its quarters), else under
    none (listed in the result's `unaligned`)."""
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
    sources = {kr.objective_id: kr.objective for kr in krs}
    # The parents matter too: one may already have a counterpart in the target cycle.
    parents = {
        o.pk: o
        for o in Objective.objects.filter(
            pk__in={o.parent_id for o in sources.values() if o.parent_id}
        ).select_related("cycle")
    }
    existing = carrying.existing_in(target_cycle, [*sources.values(), *parents.values()], krs)
    in_target: dict[int, Objective] = dict(existing.objectives)
    result = CarryOver()
    note = f"carried over from {cycle.name}"
    wanted = [kr for kr in krs if kr.pk not in existing.key_results]
    for kr in wanted:
        if kr.objective_id in in_target:  # key results are added to it: it must be editable
            require_edit(actor, in_target[kr.objective_id])
    result.already = [existing.key_results[kr.pk] for kr in krs if kr.pk in existing.key_results]
    to_create = {kr.objective_id: sources[kr.objective_id] for kr in wanted}
    to_create = {pk: o for pk, o in to_create.items() if pk not in in_target}

    def depth(o: Objective) -> int:
        # Parents first, so a child made in this run can align to its parent's new copy.
        return 1 + depth(to_create[o.parent_id]) if o.parent_id in to_create else 0

    for source in sorted(to_create.values(), key=depth):
        parent_id = None
        if source.parent_id is not None:
            if source.parent_id in in_target:
                parent_id = in_target[source.parent_id].pk
            elif source.parent_id in parents and carrying.spans(
                parents[source.parent_id].cycle, target_cycle
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
        in_target[source.pk] = target_obj
        announce_created(actor, target_obj, note)
        result.objectives.append(target_obj)
        if source.parent_id is not None and parent_id is None:
            result.unaligned.append(target_obj)
    touched: dict[int, Objective] = {}
    for kr in wanted:
        target_obj = in_target[kr.objective_id]
        fields: dict[str, Any] = {"start_value": kr.current_value}
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
        publish(events.KeyResultCreated.by(actor, key_result_id=new.pk, objective_id=target_obj.pk))
        result.created.append(new)
        touched[target_obj.pk] = target_obj
    for obj in touched.values():
        rollup.refresh_objective_chain(obj)
    return result
