"""REST endpoints for cycles, objectives, key results and check-ins (thin: parse, call, shape)."""

import datetime as dt
from typing import Annotated, Literal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StrictBool

from sasaran import changes, csvfile
from sasaran.apitypes import Confidence, Id, Number, NumberOrBool, PathId, QueryId, Text
from sasaran.errors import Invalid, NotFound
from sasaran.okrs import actions, exports, queries
from sasaran.okrs.models import CheckIn, Milestone, Objective, Retrospective
from sasaran.okrs.progress import Kind
from sasaran.schemas import (
    FORMAT_DESCRIPTION,
    Shaped,
    csv_response_doc,
    paged,
    with_errors,
)

router = Router(tags=["OKRs"])

# What an owner may set by hand; a status read back may also be "not_started" (the cycle is
# still being planned or has not reached its start date: no pace, no check-ins yet).
OverrideName = Literal["on_track", "at_risk", "off_track", "done"]
StatusName = Literal["on_track", "at_risk", "off_track", "done", "not_started"]
CycleStateName = Literal["planning", "active", "closed"]
KindName = Literal["number", "percentage", "currency", "boolean", "milestones", "tasks"]
DirectionName = Literal["increase", "decrease", "stay_at_or_above", "stay_at_or_below"]


class In(Schema):
    model_config = ConfigDict(extra="forbid")


# ---- cycles ---------------------------------------------------------------------------------


class CycleOut(Schema):
    id: int
    name: str
    start_date: dt.date
    end_date: dt.date
    state: CycleStateName
    parent_id: int | None
    closed_at: dt.datetime | None


class CycleIn(In):
    name: Text = Field(max_length=100)
    start_date: dt.date
    end_date: dt.date
    state: Literal["planning", "active"] = "planning"
    parent_id: Id | None = None


class CyclePatch(In):
    name: Text | None = Field(None, max_length=100)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    state: CycleStateName | None = None
    parent_id: Id | None = None


class ScoreIn(In):
    key_result_id: Id
    score: Number
    reason: Text = ""


class RetrospectiveIn(In):
    what_worked: Text = ""
    learnings: Text = ""
    root_causes: Text = ""


class ObjectiveRetrospectiveIn(RetrospectiveIn):
    objective_id: Id


class CloseIn(In):
    scores: list[ScoreIn] = []
    retrospectives: list[ObjectiveRetrospectiveIn] = []


def _cycle_out(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "state": c.state,
        "parent_id": c.parent_id,
        "closed_at": c.closed_at,
    }


def _set_fields(payload: Schema) -> dict:
    return payload.model_dump(exclude_unset=True)


@router.get("/cycles", response=with_errors(200, list[CycleOut]), tags=["Cycles"])
@paged()
def list_cycles(request, state: CycleStateName | None = None):
    qs = queries.cycles(request.auth)
    if state:
        qs = qs.filter(state=state)
    return qs


@router.get("/cycles/{cycle_id}", response=with_errors(200, CycleOut), tags=["Cycles"])
def get_cycle(request, cycle_id: PathId):
    return _cycle_out(queries.get_cycle(request.auth, cycle_id))


@router.post("/cycles", response=with_errors(201, CycleOut), tags=["Cycles"])
def create_cycle(request, payload: CycleIn):
    return Status(201, _cycle_out(actions.create_cycle(request.auth, **payload.model_dump())))


@router.patch("/cycles/{cycle_id}", response=with_errors(200, CycleOut), tags=["Cycles"])
def update_cycle(request, cycle_id: PathId, payload: CyclePatch):
    cycle = queries.get_cycle(request.auth, cycle_id)
    # null clears only the parent; a null date, name or state means "leave as is".
    fields = _non_null(payload, {"parent_id"})
    return _cycle_out(actions.update_cycle(request.auth, cycle, **fields))


@router.delete("/cycles/{cycle_id}", response=with_errors(204, None), tags=["Cycles"])
def delete_cycle(request, cycle_id: PathId):
    actions.delete_cycle(request.auth, queries.get_cycle(request.auth, cycle_id))
    return Status(204, None)


@router.post("/cycles/{cycle_id}/close", response=with_errors(200, CycleOut), tags=["Cycles"])
def close_cycle(request, cycle_id: PathId, payload: CloseIn):
    cycle = queries.get_cycle(request.auth, cycle_id)
    closed = actions.close_cycle(
        request.auth,
        cycle,
        scores={s.key_result_id: (s.score, s.reason) for s in payload.scores},
        retrospectives={
            r.objective_id: r.model_dump(exclude={"objective_id"}) for r in payload.retrospectives
        },
    )
    return _cycle_out(closed)


# ---- objectives -----------------------------------------------------------------------------


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    owner_id: int | None
    team_id: int | None
    cycle_id: int
    parent_id: int | None
    kind: Literal["committed", "aspirational"]
    visibility: Literal["workspace", "team", "private"]
    rollup_children: bool
    weight: float
    progress: float | None
    status: StatusName | None
    score: float | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ObjectiveIn(In):
    title: Text = Field(max_length=300)
    description: Text = ""
    owner_id: Id | None = None
    team_id: Id | None = None
    cycle_id: Id
    parent_id: Id | None = None
    kind: Literal["committed", "aspirational"] = "committed"
    visibility: Literal["workspace", "team", "private"] = "workspace"
    rollup_children: bool = True
    weight: Number = 1.0


class ObjectivePatch(In):
    title: Text | None = Field(None, max_length=300)
    description: Text | None = None
    owner_id: Id | None = None
    team_id: Id | None = None
    cycle_id: Id | None = None
    parent_id: Id | None = None
    kind: Literal["committed", "aspirational"] | None = None
    visibility: Literal["workspace", "team", "private"] | None = None
    rollup_children: bool | None = None
    weight: Number | None = None


ExportFormat = Annotated[Literal["json", "csv"] | None, Field(None, description=FORMAT_DESCRIPTION)]


class ObjectiveFilters(Schema):
    cycle: QueryId | None = None
    team: QueryId | None = None
    owner: QueryId | None = None
    status: StatusName | None = None
    parent: QueryId | None = None
    format: ExportFormat = None


class RetrospectiveOut(Schema):
    objective_id: int
    what_worked: str
    learnings: str
    root_causes: str
    author_id: int | None
    updated_at: dt.datetime | None


def _objectives(request, filters: ObjectiveFilters, *, annotated: bool = True):
    actor = request.auth
    qs = queries.api_objectives(actor) if annotated else queries.visible_objectives(actor)
    qs = queries.filter_objectives(qs, **filters.dict(exclude={"format"}))
    return qs.order_by("cycle_id", "position", "id")


def _objectives_csv(request, filters: ObjectiveFilters):
    rows = (queries.objective_row(o) for o in _objectives(request, filters))
    header, lines = exports.api_table(exports.schema_columns(ObjectiveOut), rows)
    return csvfile.response("sasaran-objectives.csv", header, lines)


@router.get(
    "/objectives",
    response=with_errors(200, list[ObjectiveOut]),
    tags=["Objectives"],
    openapi_extra=csv_response_doc(),
)
@paged(_objectives_csv)
def list_objectives(request, filters: Query[ObjectiveFilters]):
    # Counted without the visible-parent join, which only shaping needs (and the parent
    # filter, which reads it).
    count = _objectives(request, filters, annotated=filters.parent is not None)
    return Shaped(_objectives(request, filters), queries.objective_row, count=count)


@router.get(
    "/objectives/{objective_id}", response=with_errors(200, ObjectiveOut), tags=["Objectives"]
)
def get_objective(request, objective_id: PathId):
    return queries.objective_row(queries.get_objective(request.auth, objective_id, row=True))


def _non_null(payload: Schema, nullable: set[str]) -> dict:
    """PATCH: a field sent as null clears it only where clearing means something."""
    fields = _set_fields(payload)
    return {k: v for k, v in fields.items() if v is not None or k in nullable}


@router.post("/objectives", response=with_errors(201, ObjectiveOut), tags=["Objectives"])
def create_objective(request, payload: ObjectiveIn):
    fields = payload.model_dump()
    if fields["owner_id"] is None:
        # Omitted or null: the creator owns it (the action defaults only a missing key).
        del fields["owner_id"]
    obj = actions.create_objective(request.auth, **fields)
    return Status(201, queries.objective_row(queries.get_objective(request.auth, obj.pk, row=True)))


@router.patch(
    "/objectives/{objective_id}", response=with_errors(200, ObjectiveOut), tags=["Objectives"]
)
def update_objective(request, objective_id: PathId, payload: ObjectivePatch):
    obj = queries.get_objective(request.auth, objective_id)
    fields = _non_null(payload, {"owner_id", "team_id", "parent_id"})
    actions.update_objective(request.auth, obj, **fields)
    return queries.objective_row(queries.get_objective(request.auth, objective_id, row=True))


@router.delete("/objectives/{objective_id}", response=with_errors(204, None), tags=["Objectives"])
def delete_objective(request, objective_id: PathId):
    actions.delete_objective(request.auth, queries.get_objective(request.auth, objective_id))
    return Status(204, None)


class KeyResultTreeOut(Schema):
    id: int
    title: str
    owner_id: int | None
    progress: float | None
    status: StatusName | None
    confidence: int | None


class ObjectiveTreeOut(ObjectiveOut):
    key_results: list[KeyResultTreeOut]
    children: list["ObjectiveTreeOut"]


@router.get(
    "/objectives/{objective_id}/tree",
    response=with_errors(200, ObjectiveTreeOut),
    tags=["Objectives"],
)
def objective_tree(request, objective_id: PathId):
    root = queries.get_objective(request.auth, objective_id, row=True)
    # One query for every visible objective that may sit beneath, one for their KRs.
    candidates = list(
        queries.api_objectives(request.auth).filter(
            cycle__in=[root.cycle_id, *root.cycle.children.values_list("id", flat=True)]
        )
    )
    by_parent: dict[int | None, list[Objective]] = {}
    for o in candidates:
        by_parent.setdefault(o.parent_id, []).append(o)
    nodes: dict[int, dict] = {}

    def build(o: Objective, seen: set[int]) -> dict:
        seen.add(o.pk)
        node = {**queries.objective_row(o), "key_results": [], "children": []}
        nodes[o.pk] = node
        node["children"] = [build(c, seen) for c in by_parent.get(o.pk, []) if c.pk not in seen]
        return node

    tree = build(root, set())
    for kr in queries.visible_key_results(request.auth).filter(objective_id__in=list(nodes)):
        nodes[kr.objective_id]["key_results"].append(
            {
                "id": kr.pk,
                "title": kr.title,
                "owner_id": kr.owner_id,
                "progress": queries.ratio(kr.progress),
                "status": kr.status,
                "confidence": kr.confidence,
            }
        )
    return tree


def _retro_out(objective_id: int, r: Retrospective | None) -> dict:
    return {
        "objective_id": objective_id,
        "what_worked": r.what_worked if r else "",
        "learnings": r.learnings if r else "",
        "root_causes": r.root_causes if r else "",
        "author_id": r.author_id if r else None,
        "updated_at": r.updated_at if r else None,
    }


@router.get(
    "/objectives/{objective_id}/retrospective",
    response=with_errors(200, RetrospectiveOut),
    tags=["Objectives"],
)
def get_retrospective(request, objective_id: PathId):
    obj = queries.get_objective(request.auth, objective_id)
    return _retro_out(obj.pk, Retrospective.objects.filter(objective=obj).first())


@router.put(
    "/objectives/{objective_id}/retrospective",
    response=with_errors(200, RetrospectiveOut),
    tags=["Objectives"],
)
def put_retrospective(request, objective_id: PathId, payload: RetrospectiveIn):
    obj = queries.get_objective(request.auth, objective_id)
    retro = actions.save_retrospective(request.auth, obj, **payload.model_dump())
    return _retro_out(obj.pk, retro)


# ---- key results ----------------------------------------------------------------------------


class ForecastOut(Schema):
    projected_value: float | None
    projected_progress: float | None
    will_reach_target: bool | None


class MilestoneOut(Schema):
    id: int
    title: str
    weight: float
    done: bool


class MilestoneIn(In):
    id: Id | None = Field(None, description="An existing milestone to keep (PATCH).")
    title: Text = Field(max_length=300)
    weight: Number = 1.0
    done: bool = Field(False, description="Only on create; afterwards check-ins mark done.")


class KeyResultOut(Schema):
    id: int
    objective_id: int
    title: str
    description: str
    owner_id: int | None
    kind: KindName
    direction: DirectionName
    unit: str
    currency: str
    start_value: float
    target_value: float
    current_value: float
    weight: float
    due_date: dt.date
    progress: Annotated[float, Field(ge=0, le=1)] | None = Field(
        description="Null when the key result has nothing to count (an empty checklist, a tasks "
        "key result without tasks): unknown, and not counted in its objective."
    )
    attainment: float | None
    expected_progress: float = Field(ge=0, le=1)
    status: StatusName | None = Field(
        description='Null when progress is unknown and no override is set; "not_started" '
        "while its cycle is being planned or before its start date."
    )
    status_override: OverrideName | None
    status_override_reason: str
    confidence: int | None
    last_checkin_at: dt.datetime | None
    stale: bool
    forecast: ForecastOut
    score: float | None
    score_reason: str
    milestones: list[MilestoneOut]


class KeyResultIn(In):
    objective_id: Id
    title: Text = Field(max_length=300)
    description: Text = ""
    owner_id: Id | None = None
    kind: KindName = "number"
    direction: DirectionName = "increase"
    unit: Text = Field("", max_length=30)
    currency: Text = Field("", max_length=3)
    start_value: Number = 0.0
    target_value: Number = 1.0
    weight: Number = 1.0
    due_date: dt.date | None = None
    milestones: list[MilestoneIn] = []


class KeyResultPatch(In):
    title: Text | None = Field(None, max_length=300)
    description: Text | None = None
    owner_id: Id | None = None
    kind: KindName | None = None
    direction: DirectionName | None = None
    unit: Text | None = Field(None, max_length=30)
    currency: Text | None = Field(None, max_length=3)
    start_value: Number | None = None
    target_value: Number | None = None
    weight: Number | None = None
    due_date: dt.date | None = None
    milestones: list[MilestoneIn] | None = None
    status_override: OverrideName | None = None
    status_override_reason: Text | None = None
    score: Number | None = None
    score_reason: Text | None = None


class KeyResultFilters(Schema):
    cycle: QueryId | None = None
    team: QueryId | None = None
    owner: QueryId | None = None
    status: StatusName | None = None
    objective: QueryId | None = None
    format: ExportFormat = None


def _kr_page(request, now: dt.datetime):
    """Shapes a page of KRs read by `_kr_qs`: the workspace's cycles come from what the process
    keeps (sasaran.changes.kept), the milestones of the checklists among them from one query
    (none when there are none)."""
    actor = request.auth

    def page(krs: list) -> list[dict]:
        cycles = changes.kept(
            actor.workspace_id,
            request.stamps[changes.DATA],
            "cycles",
            lambda: {c.pk: c for c in queries.cycles(actor)},
        )
        checklists = [kr.pk for kr in krs if kr.kind == Kind.MILESTONES]
        milestones: dict[int, list[dict]] = {pk: [] for pk in checklists}
        if checklists:
            rows = (
                Milestone.objects.filter(key_result_id__in=checklists)
                .order_by("position", "id")
                .values_list("key_result_id", "id", "title", "weight", "done")
            )
            for kr_id, pk, title, weight, done in rows:
                milestones[kr_id].append({"id": pk, "title": title, "weight": weight, "done": done})
        return [
            _kr_out(kr, cycles[kr.cycle_ref], actor.workspace, now, milestones.get(kr.pk, []))
            for kr in krs
        ]

    return page


def _kr_qs(actor):
    # The cycle's id rides on the visibility join; the workspace is the actor's.
    return queries.visible_key_results(actor).annotate(cycle_ref=F("objective__cycle_id"))


def _kr_out(kr, cycle, workspace, now, milestones: list[dict]) -> dict:
    # Only a checklist has milestones (a kind change away from it deletes them).
    return {**queries.kr_row(kr, cycle, now, workspace), "milestones": milestones}


# ---- templates ----------------------------------------------------------------------------


class TemplateMilestoneOut(Schema):
    title: str
    weight: float


class TemplateKeyResultOut(Schema):
    title: str
    description: str
    kind: KindName
    direction: DirectionName
    unit: str
    currency: str
    start_value: float
    target_value: float
    weight: float
    milestones: list[TemplateMilestoneOut]


class TemplateOut(Schema):
    id: str = Field(description="A built-in template's key, or ws-<n> for a workspace's own")
    source: Literal["built_in", "workspace"]
    department: str
    title: str
    description: str
    kind: Literal["committed", "aspirational"]
    key_results: list[TemplateKeyResultOut]


def _template_out(t: dict) -> dict:
    return {
        "id": t["key"],
        "source": "workspace" if t.get("workspace") else "built_in",
        "department": t["department"],
        "title": t["title"],
        "description": t.get("description", ""),
        "kind": t.get("kind", "committed"),
        "key_results": [
            {
                "title": kr["title"],
                "description": kr.get("description", ""),
                "kind": kr["kind"],
                "direction": kr["direction"],
                "unit": kr.get("unit", ""),
                "currency": kr.get("currency", ""),
                "start_value": kr["start_value"],
                "target_value": kr["target_value"],
                "weight": kr.get("weight", 1.0),
                "milestones": kr.get("milestones", []),
            }
            for kr in t["key_results"]
        ],
    }


@router.get("/templates", response=with_errors(200, list[TemplateOut]), tags=["Templates"])
@paged()
def list_templates(request):
    """The workspace's own templates, then the built-in ones (texts in the request's language;
    a start value is the template's example baseline)."""
    return [_template_out(t) for t in queries.all_templates(request.auth)]


def _key_results_csv(request, filters: KeyResultFilters):
    # Without milestones (a list, left out of the CSV): no prefetch needed.
    qs = queries.visible_key_results(request.auth).select_related(
        "objective__cycle", "objective__workspace"
    )
    qs = queries.filter_key_results(qs, **filters.dict(exclude={"format"}))
    now = timezone.now()
    rows = (
        queries.kr_row(kr, kr.objective.cycle, now)
        for kr in qs.order_by("objective_id", "position", "id")
    )
    header, lines = exports.api_table(exports.schema_columns(KeyResultOut), rows)
    return csvfile.response("sasaran-key-results.csv", header, lines)


@router.get(
    "/key-results",
    response=with_errors(200, list[KeyResultOut]),
    tags=["Key results"],
    openapi_extra=csv_response_doc(),
)
@paged(_key_results_csv)
def list_key_results(request, filters: Query[KeyResultFilters]):
    qs = queries.filter_key_results(_kr_qs(request.auth), **filters.dict(exclude={"format"}))
    page = _kr_page(request, timezone.now())
    return Shaped(qs.order_by("objective_id", "position", "id"), page=page)


def _kr_out_by_id(request, kr_id) -> dict:
    kr = _kr_qs(request.auth).filter(pk=kr_id).first()
    if kr is None:
        raise NotFound(_("No such key result."))
    return _kr_page(request, timezone.now())([kr])[0]


@router.get("/key-results/{kr_id}", response=with_errors(200, KeyResultOut), tags=["Key results"])
def get_key_result(request, kr_id: PathId):
    return _kr_out_by_id(request, kr_id)


@router.post("/key-results", response=with_errors(201, KeyResultOut), tags=["Key results"])
def create_key_result(request, payload: KeyResultIn):
    fields = payload.model_dump()
    if fields["owner_id"] is None:
        # Omitted or null: the objective's owner (or the creator) owns it.
        del fields["owner_id"]
    objective = queries.get_objective(request.auth, fields.pop("objective_id"))
    kr = actions.create_key_result(request.auth, objective, **fields)
    return Status(201, _kr_out_by_id(request, kr.pk))


@router.patch("/key-results/{kr_id}", response=with_errors(200, KeyResultOut), tags=["Key results"])
def update_key_result(request, kr_id: PathId, payload: KeyResultPatch):
    kr = queries.get_key_result(request.auth, kr_id)
    fields = _non_null(payload, {"owner_id", "due_date", "status_override"})
    # One request, one outcome: a score must not stick when the rest of the edit is refused.
    with transaction.atomic():
        if "score" in fields or "score_reason" in fields:
            if "score" not in fields:
                raise Invalid(_("Send the score together with its reason."), field="score")
            actions.grade_key_result(
                request.auth, kr, fields.pop("score"), fields.pop("score_reason", "")
            )
        if fields:
            actions.update_key_result(request.auth, kr, **fields)
    return _kr_out_by_id(request, kr_id)


@router.delete("/key-results/{kr_id}", response=with_errors(204, None), tags=["Key results"])
def delete_key_result(request, kr_id: PathId):
    actions.delete_key_result(request.auth, queries.get_key_result(request.auth, kr_id))
    return Status(204, None)


# ---- check-ins ------------------------------------------------------------------------------


class CheckInOut(Schema):
    id: int
    key_result_id: int
    value: float
    confidence: int
    progress_note: str
    wins: str
    blockers: str
    checked_in_at: dt.datetime
    author_id: int | None
    # Empty for a member's check-in; for Sasaran's own (author_id null), on whose behalf.
    on_behalf_of: str
    milestones_done: list[int]


class CheckInIn(In):
    value: NumberOrBool = None
    confidence: Confidence
    progress_note: Text = Field("", max_length=10000)
    wins: Text = Field("", max_length=10000)
    blockers: Text = Field("", max_length=10000)
    checked_in_at: dt.datetime | None = None
    milestones_done: list[Id] | None = None
    confirm_out_of_range: StrictBool = Field(
        False,
        description="A numeric value more than 10 times the distance from start to target away "
        "from the start (either side) is refused (422, naming the range) unless this is true.",
    )


def _checkin_out(c: CheckIn, kind: str) -> dict:
    return {
        "id": c.pk,
        "key_result_id": c.key_result_id,
        # A milestones or tasks KR's check-in records its done share: a ratio, rounded as such.
        "value": queries.ratio(c.value) if kind in (Kind.MILESTONES, Kind.TASKS) else c.value,
        "confidence": c.confidence,
        "progress_note": c.progress_note,
        "wins": c.wins,
        "blockers": c.blockers,
        "checked_in_at": c.checked_in_at,
        "author_id": c.author_id,
        "on_behalf_of": c.on_behalf_of,
        "milestones_done": c.milestones_done or [],
    }


@router.get(
    "/key-results/{kr_id}/check-ins",
    response=with_errors(200, list[CheckInOut]),
    tags=["Check-ins"],
)
@paged()
def list_checkins(request, kr_id: PathId):
    kr = queries.get_key_result(request.auth, kr_id)
    checkins = CheckIn.objects.filter(key_result=kr).order_by("-checked_in_at", "-id")
    return Shaped(checkins, lambda c: _checkin_out(c, kr.kind))


@router.post(
    "/key-results/{kr_id}/check-ins", response=with_errors(201, CheckInOut), tags=["Check-ins"]
)
def create_checkin(request, kr_id: PathId, payload: CheckInIn):
    checkin = actions.create_checkin(request.auth, kr_id, **payload.model_dump())
    return Status(201, _checkin_out(checkin, checkin.key_result.kind))
