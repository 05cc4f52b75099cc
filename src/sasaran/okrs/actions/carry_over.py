"""Carrying unfinished key results of one cycle into the next."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sasaran.audit.log import record, snapshot
from sasaran.errors import Invalid, NotFound
from sasaran.events import publish
from sasaran.okrs import events, rollup
from sasaran.okrs.actions._common import AnyActor, _visible_or_404
from sasaran.okrs.actions.objectives import announce_created
from sasaran.okrs.models import Cycle, KeyResult, Milestone, Objective
from sasaran.okrs.permissions import require_edit
from sasaran.okrs.progress import NUMERIC_KINDS, Direction, InvalidKeyResult, validate_numeric


@transaction.atomic
def carry_over(
    actor: AnyActor, cycle: Cycle, target_cycle: Cycle, kr_ids: list[int]
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
            announce_created(actor, target_obj, note)
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
        publish(events.KeyResultCreated.by(actor, key_result_id=new.pk, objective_id=target_obj.pk))
        created.append(new)
        touched[target_obj.pk] = target_obj
    for obj in touched.values():
        rollup.refresh_objective_chain(obj)
    return created
