"""Closing a cycle: grades (suggested, edited with a reason), objective scores, retrospectives."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaran.audit.log import changed, record, snapshot
from sasaran.errors import Conflict, Invalid, NotFound
from sasaran.events import publish
from sasaran.okrs import events, grading
from sasaran.okrs.actions._common import AnyActor, _visible_or_404
from sasaran.okrs.models import Cycle, CycleState, KeyResult, Objective, Retrospective
from sasaran.okrs.permissions import require_admin, require_grade
from sasaran.params import UNSET, given


@transaction.atomic
def close_cycle(
    actor: AnyActor,
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
    # Locked: of two admins closing at once, the second finds it closed (one close, one event).
    cycle.state = Cycle.objects.select_for_update().values_list("state", flat=True).get(pk=cycle.pk)
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
    publish(events.CycleClosed.by(actor, cycle_id=cycle.pk))
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
def grade_key_result(actor: AnyActor, kr: KeyResult, score: Any, reason: str) -> KeyResult:
    """The objective's owner, its team's leads and admins edit a suggested score, with a
    reason; the objective's score follows."""
    _visible_or_404(actor, kr.objective)
    require_grade(actor, kr.objective)
    if not isinstance(reason, str):
        raise Invalid(_("Enter text."), field="score_reason")
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
    actor: AnyActor, objective: Objective, fields: dict[str, str]
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
        if fields[name] is not None and not isinstance(fields[name], str):
            raise Invalid(_("Enter text."), field=name)
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
def save_retrospective(
    actor: AnyActor,
    objective: Objective,
    *,
    what_worked: str = UNSET,
    learnings: str = UNSET,
    root_causes: str = UNSET,
) -> Retrospective:
    """Retrospectives are written at and after the close, so a closed cycle accepts them; by
    the objective's owner, its team's leads and admins (who grade it)."""
    fields = given(locals(), "actor", "objective")
    _visible_or_404(actor, objective)
    require_grade(actor, objective)
    return _save_retrospective(actor, objective, fields)
