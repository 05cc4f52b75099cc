"""Permission-aware reads of the OKR domain, and the row shapes the API and pages share."""

import datetime as dt
from typing import Any

from django.db.models import Case, F, Q, QuerySet, When
from django.utils.translation import gettext as _

from sasaran.accounts.queries import Actor
from sasaran.errors import NotFound
from sasaran.okrs import rollup, templates_data
from sasaran.okrs.models import CheckIn, Cycle, KeyResult, Objective, ObjectiveTemplate
from sasaran.okrs.permissions import can_see, visibility_q
from sasaran.okrs.progress import Kind


def visible_objectives(actor: Actor) -> QuerySet[Objective]:
    return Objective.objects.filter(visibility_q(actor))


def with_visible_parent(actor: Actor, qs: QuerySet[Objective]) -> QuerySet[Objective]:
    """Annotate `visible_parent_id`: the parent's id when the actor may see the parent, else
    None, so a visible child does not give away a private parent. One CASE over a join to the
    parent in the same query, not a query per row. Kept out of `visible_objectives`: the join
    would follow every list and count built on it."""
    if actor.is_admin:
        return qs.annotate(visible_parent_id=F("parent_id"))
    return qs.annotate(
        visible_parent_id=Case(When(visibility_q(actor, "parent__"), then=F("parent_id")))
    )


def api_objectives(actor: Actor) -> QuerySet[Objective]:
    """The visible objectives as the API shows them (objective_row needs the annotation)."""
    return with_visible_parent(actor, visible_objectives(actor))


def visible_key_results(actor: Actor) -> QuerySet[KeyResult]:
    return KeyResult.objects.filter(visibility_q(actor, "objective__"))


def cycles(actor: Actor) -> QuerySet[Cycle]:
    return Cycle.objects.filter(workspace_id=actor.workspace_id)


def get_cycle(actor: Actor, cycle_id: int) -> Cycle:
    cycle = cycles(actor).filter(pk=cycle_id).first()
    if cycle is None:
        raise NotFound(_("No such cycle."))
    return cycle


def get_objective(actor: Actor, objective_id: int, *, row: bool = False) -> Objective:
    """One objective the actor may see (404 otherwise). `row=True` adds what `objective_row`
    needs (the parent's id only if visible); pages and actions do without that join."""
    qs = api_objectives(actor) if row else visible_objectives(actor)
    obj = qs.select_related("cycle", "workspace", "team").filter(pk=objective_id).first()
    if obj is None:
        raise NotFound(_("No such objective."))
    return obj


def get_key_result(actor: Actor, kr_id: int) -> KeyResult:
    kr = (
        visible_key_results(actor)
        .select_related("objective__cycle", "objective__workspace")
        .filter(pk=kr_id)
        .first()
    )
    if kr is None:
        raise NotFound(_("No such key result."))
    return kr


def filter_objectives(
    qs: QuerySet[Objective],
    *,
    cycle: int | None = None,
    team: int | None = None,
    owner: int | None = None,
    status: str | None = None,
    parent: int | None = None,
) -> QuerySet[Objective]:
    if cycle is not None:
        qs = qs.filter(cycle_id=cycle)
    if team is not None:
        qs = qs.filter(team_id=team)
    if owner is not None:
        qs = qs.filter(owner_id=owner)
    if status is not None:
        qs = qs.filter(status=status)
    if parent is not None:
        # Children of a parent the actor cannot see are not listed under it (the id would
        # confirm that a hidden objective exists): needs with_visible_parent.
        qs = qs.filter(visible_parent_id=parent)
    return qs


def filter_key_results(
    qs: QuerySet[KeyResult],
    *,
    cycle: int | None = None,
    team: int | None = None,
    owner: int | None = None,
    status: str | None = None,
    objective: int | None = None,
) -> QuerySet[KeyResult]:
    if cycle is not None:
        qs = qs.filter(objective__cycle_id=cycle)
    if team is not None:
        qs = qs.filter(objective__team_id=team)
    if owner is not None:
        qs = qs.filter(owner_id=owner)
    if status is not None:
        qs = qs.filter(status=status)
    if objective is not None:
        qs = qs.filter(objective_id=objective)
    return qs


# Derived numbers leave the API rounded (README, "The API in one minute"): ratios (progress,
# attainment, expected and projected progress, scores) to 4 decimals, projected values to 12
# significant digits. Stored values stay exact; only the float noise of the arithmetic
# (0.2800000000000001) is cut off.
RATIO_PLACES = 4
VALUE_DIGITS = 12


def ratio(x: float | None) -> float | None:
    return None if x is None else round(x, RATIO_PLACES)


def derived_value(x: float | None) -> float | None:
    return None if x is None else float(f"{x:.{VALUE_DIGITS}g}")


def objective_row(o: Objective) -> dict[str, Any]:
    """An objective as the API shows it; `o` comes from api_objectives or get_objective (its
    parent is named only when the reader may see it)."""
    return {
        "id": o.pk,
        "title": o.title,
        "description": o.description,
        "owner_id": o.owner_id,
        "team_id": o.team_id,
        "cycle_id": o.cycle_id,
        "parent_id": o.visible_parent_id,
        "kind": o.kind,
        "visibility": o.visibility,
        "rollup_children": o.rollup_children,
        "weight": o.weight,
        "progress": ratio(o.progress),
        "status": o.status,
        "score": ratio(o.score),
        "created_at": o.created_at,
        "updated_at": o.updated_at,
    }


def kr_row(kr: KeyResult, cycle: Cycle, now: dt.datetime, workspace=None) -> dict[str, Any]:
    """A KR with its time-dependent values (expected progress, stale) computed for `now`.
    Without `workspace`, needs kr.objective.workspace loaded (select_related) so it costs no
    query."""
    workspace = workspace or kr.objective.workspace
    # A checklist's or task list's value is its done share: a ratio too.
    share = kr.kind in (Kind.MILESTONES, Kind.TASKS)
    forecast = {
        "projected_value": (ratio if share else derived_value)(kr.forecast_value),
        "projected_progress": ratio(kr.forecast_progress),
        "will_reach_target": None if kr.forecast_progress is None else kr.forecast_progress >= 1.0,
    }
    return {
        "id": kr.pk,
        "objective_id": kr.objective_id,
        "title": kr.title,
        "description": kr.description,
        "owner_id": kr.owner_id,
        "kind": kr.kind,
        "direction": kr.direction,
        "unit": kr.unit,
        "currency": kr.currency,
        "start_value": kr.start_value,
        "target_value": kr.target_value,
        "current_value": ratio(kr.current_value) if share else kr.current_value,
        "weight": kr.weight,
        "due_date": kr.due_date or cycle.end_date,
        "progress": ratio(kr.progress),
        "attainment": ratio(kr.attainment),
        "expected_progress": ratio(rollup.kr_expected_progress(kr, cycle, workspace, now)),
        "status": kr.status,
        "status_override": kr.status_override or None,
        "status_override_reason": kr.status_override_reason,
        "confidence": kr.confidence,
        "last_checkin_at": kr.last_checkin_at,
        "stale": rollup.kr_is_stale(kr, cycle, workspace, now),
        "forecast": forecast,
        "score": ratio(kr.score),
        "score_reason": kr.score_reason,
    }


# The latest check-ins are read newest first in chunks of this size, at most this many times.
RECENT_CHUNK = 100
RECENT_ROUNDS = 5


def recent_checkins(
    actor: Actor, limit: int = 20, cycle_ids: list[int] | None = None
) -> list[CheckIn]:
    """The latest visible check-ins, newest first, with their key result, objective and author;
    within `cycle_ids` when given.

    A filtered sort would join every check-in of the running cycles before taking the newest
    few (bench: ~40 ms on Home), and a filter on a chunk of ids makes the planner start from the
    workspace's objectives again. So the check-ins are walked newest first along their index,
    a chunk at a time with what they hang on, and `can_see` keeps the visible ones: the newest
    few are nearly always in the first chunk, one query. Only when a few chunks are not enough
    (a quiet workspace beside busy ones) does it fall back to the filtered sort."""
    cycles = None if cycle_ids is None else set(cycle_ids)

    def wanted(checkin: CheckIn) -> bool:
        objective = checkin.key_result.objective
        return (cycles is None or objective.cycle_id in cycles) and can_see(actor, objective)

    newest_first = ("-checked_in_at", "-id")
    rows = CheckIn.objects.select_related("key_result__objective", "author").order_by(*newest_first)
    found: list[CheckIn] = []
    after = None
    for _round in range(RECENT_ROUNDS):
        chunk_qs = rows
        if after is not None:
            chunk_qs = rows.filter(
                Q(checked_in_at__lt=after.checked_in_at)
                | Q(checked_in_at=after.checked_in_at, id__lt=after.pk)
            )
        chunk = list(chunk_qs[:RECENT_CHUNK])
        found.extend(c for c in chunk if wanted(c))
        if len(found) >= limit or len(chunk) < RECENT_CHUNK:
            return found[:limit]
        after = chunk[-1]
    fallback = rows.filter(visibility_q(actor, "key_result__objective__"))
    if cycle_ids is not None:
        fallback = fallback.filter(key_result__objective__cycle_id__in=cycle_ids)
    return list(fallback[:limit])


def workspace_templates(actor: Actor) -> QuerySet[ObjectiveTemplate]:
    """The workspace's own templates: every member may start from them."""
    return ObjectiveTemplate.objects.filter(workspace_id=actor.workspace_id)


WORKSPACE_TEMPLATE_PREFIX = "ws-"


def template_dict(t: ObjectiveTemplate) -> dict[str, Any]:
    """A workspace template in the shape of a built-in one (okrs.templates_data)."""
    return {
        "key": f"{WORKSPACE_TEMPLATE_PREFIX}{t.pk}",
        "id": t.pk,
        "department": "",
        "title": t.title,
        "description": t.description,
        "kind": t.kind,
        "key_results": t.key_results,
        "workspace": True,
    }


def all_templates(actor: Actor) -> list[dict[str, Any]]:
    """The workspace's templates, then the built-in ones (in the active language)."""
    own = [template_dict(t) for t in workspace_templates(actor)]
    return own + [templates_data.localized(t) for t in templates_data.TEMPLATES]


def get_template(actor: Actor, template_id: int) -> ObjectiveTemplate:
    template = workspace_templates(actor).filter(pk=template_id).first()
    if template is None:
        raise NotFound(_("No such template."))
    return template
