"""REST endpoints for work: spaces, folders, lists, tasks, dependencies and a key result's links
(thin: parse, call, shape)."""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from sasaran.apitypes import Id, Number, PathId, QueryId, Text
from sasaran.schemas import Shaped, paged, with_errors
from sasaran.work import actions, queries
from sasaran.work.models import Space, Task

router = Router(tags=["Work"])

CategoryName = Literal["open", "done", "cancelled"]
PriorityName = Literal["urgent", "high", "normal", "low"]
UnitName = Literal["points", "hours"]


class In(Schema):
    model_config = ConfigDict(extra="forbid")


# ---- spaces ---------------------------------------------------------------------------------


class SpaceOut(Schema):
    id: int
    name: str
    description: str
    visibility: Literal["workspace", "private"]
    team_id: int | None
    member_ids: list[int]
    created_at: dt.datetime


class SpaceIn(In):
    name: Text = Field(max_length=100)
    description: Text = Field("", max_length=5000)
    visibility: Literal["workspace", "private"] = "workspace"
    team_id: Id | None = None
    member_ids: list[Id] = []


def _space_page(spaces: list[Space]) -> list[dict]:
    members: dict[int, list[int]] = {s.pk: [] for s in spaces}
    through = Space.members.through.objects.filter(space_id__in=members).order_by("user_id")
    for space_id, user_id in through.values_list("space_id", "user_id"):
        members[space_id].append(user_id)
    return [queries.space_row(s, members[s.pk]) for s in spaces]


@router.get("/spaces", response=with_errors(200, list[SpaceOut]), tags=["Spaces"])
@paged()
def list_spaces(request):
    return Shaped(queries.spaces(request.auth).order_by("name", "id"), page=_space_page)


@router.post("/spaces", response=with_errors(201, SpaceOut), tags=["Spaces"])
def create_space(request, payload: SpaceIn):
    space = actions.create_space(request.auth, **payload.model_dump())
    return Status(201, _space_page([space])[0])


@router.get("/spaces/{space_id}", response=with_errors(200, SpaceOut), tags=["Spaces"])
def get_space(request, space_id: PathId):
    return _space_page([actions.get_space(request.auth, space_id)])[0]


# ---- folders --------------------------------------------------------------------------------


class FolderOut(Schema):
    id: int
    space_id: int
    name: str
    position: int


class FolderIn(In):
    space_id: Id
    name: Text = Field(max_length=100)


def _folder_out(f) -> dict:
    return {"id": f.pk, "space_id": f.space_id, "name": f.name, "position": f.position}


@router.get("/folders", response=with_errors(200, list[FolderOut]), tags=["Folders"])
@paged()
def list_folders(request, space: QueryId | None = None):
    qs = queries.folders(request.auth)
    if space is not None:
        qs = qs.filter(space_id=space)
    return Shaped(qs.order_by("space_id", "position", "id"), _folder_out)


@router.post("/folders", response=with_errors(201, FolderOut), tags=["Folders"])
def create_folder(request, payload: FolderIn):
    space = actions.get_space(request.auth, payload.space_id)
    return Status(201, _folder_out(actions.create_folder(request.auth, space, name=payload.name)))


# ---- lists ----------------------------------------------------------------------------------


class StatusOut(Schema):
    id: int
    name: str
    category: CategoryName


class StatusIn(In):
    name: Text = Field(max_length=50)
    category: CategoryName = "open"


class ListOut(Schema):
    id: int
    space_id: int
    folder_id: int | None
    name: str
    position: int
    statuses: list[StatusOut]


class ListIn(In):
    space_id: Id
    folder_id: Id | None = None
    name: Text = Field(max_length=100)
    statuses: list[StatusIn] = Field(
        [], description="Empty: To do, In progress, In review, Done, Cancelled"
    )


def _list_page(task_lists: list) -> list[dict]:
    from sasaran.work.models import ListStatus

    statuses: dict[int, list[dict]] = {t.pk: [] for t in task_lists}
    for s in ListStatus.objects.filter(task_list_id__in=statuses).order_by("position", "id"):
        statuses[s.task_list_id].append({"id": s.pk, "name": s.name, "category": s.category})
    return [
        {
            "id": t.pk,
            "space_id": t.space_id,
            "folder_id": t.folder_id,
            "name": t.name,
            "position": t.position,
            "statuses": statuses[t.pk],
        }
        for t in task_lists
    ]


@router.get("/lists", response=with_errors(200, list[ListOut]), tags=["Lists"])
@paged()
def list_lists(request, space: QueryId | None = None, folder: QueryId | None = None):
    qs = queries.lists(request.auth)
    if space is not None:
        qs = qs.filter(space_id=space)
    if folder is not None:
        qs = qs.filter(folder_id=folder)
    return Shaped(qs.order_by("space_id", "position", "id"), page=_list_page)


@router.post("/lists", response=with_errors(201, ListOut), tags=["Lists"])
def create_list(request, payload: ListIn):
    space = actions.get_space(request.auth, payload.space_id)
    fields = payload.model_dump()
    task_list = actions.create_list(
        request.auth,
        space,
        name=fields["name"],
        folder_id=fields["folder_id"],
        statuses=fields["statuses"],
    )
    return Status(201, _list_page([task_list])[0])


@router.get("/lists/{list_id}", response=with_errors(200, ListOut), tags=["Lists"])
def get_list(request, list_id: PathId):
    return _list_page([actions.get_list(request.auth, list_id)])[0]


# ---- tasks ----------------------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    list_id: int
    parent_id: int | None
    title: str
    description: str
    status_id: int
    status: str
    status_category: CategoryName
    priority: PriorityName
    assignee_ids: list[int]
    start_date: dt.date | None
    due_date: dt.date | None
    estimate: float | None
    estimate_unit: UnitName
    created_at: dt.datetime
    updated_at: dt.datetime


class TaskIn(In):
    list_id: Id
    title: Text = Field(max_length=300)
    parent_id: Id | None = None
    status_id: Id | None = Field(None, description="Empty: the list's first open status")
    description: Text = Field("", max_length=20000)
    priority: PriorityName = "normal"
    assignee_ids: list[Id] = []
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    estimate: Number | None = None
    estimate_unit: UnitName = "points"


class TaskPatch(In):
    list_id: Id | None = None
    title: Text | None = Field(None, max_length=300)
    status_id: Id | None = None
    description: Text | None = Field(None, max_length=20000)
    priority: PriorityName | None = None
    assignee_ids: list[Id] | None = None
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    estimate: Number | None = None
    estimate_unit: UnitName | None = None


class TaskFilters(Schema):
    list: QueryId | None = None
    space: QueryId | None = None
    status_category: CategoryName | None = None
    assignee: QueryId | None = None
    parent: QueryId | None = None


def _task_page(rows: list[Task]) -> list[dict]:
    assignees: dict[int, list[int]] = {t.pk: [] for t in rows}
    through = Task.assignees.through.objects.filter(task_id__in=assignees).order_by("user_id")
    for task_id, user_id in through.values_list("task_id", "user_id"):
        assignees[task_id].append(user_id)
    return [queries.task_row(t, assignees[t.pk]) for t in rows]


@router.get("/tasks", response=with_errors(200, list[TaskOut]), tags=["Tasks"])
@paged()
def list_tasks(request, filters: Query[TaskFilters]):
    qs = queries.tasks(request.auth).select_related("status")
    f = filters
    if f.list is not None:
        qs = qs.filter(task_list_id=f.list)
    if f.space is not None:
        qs = qs.filter(task_list__space_id=f.space)
    if f.status_category is not None:
        qs = qs.filter(status__category=f.status_category)
    if f.assignee is not None:
        qs = qs.filter(
            pk__in=Task.assignees.through.objects.filter(user_id=f.assignee).values("task_id")
        )
    if f.parent is not None:
        qs = qs.filter(parent_id=f.parent)
    return Shaped(qs.order_by("task_list_id", "position", "id"), page=_task_page)


@router.post("/tasks", response=with_errors(201, TaskOut), tags=["Tasks"])
def create_task(request, payload: TaskIn):
    fields = payload.model_dump()
    task_list = actions.get_list(request.auth, fields.pop("list_id"))
    task = actions.create_task(request.auth, task_list, **fields)
    return Status(201, _task_page([actions.get_task(request.auth, task.pk)])[0])


@router.get("/tasks/{task_id}", response=with_errors(200, TaskOut), tags=["Tasks"])
def get_task(request, task_id: PathId):
    return _task_page([actions.get_task(request.auth, task_id)])[0]


@router.patch("/tasks/{task_id}", response=with_errors(200, TaskOut), tags=["Tasks"])
def update_task(request, task_id: PathId, payload: TaskPatch):
    task = actions.get_task(request.auth, task_id)
    fields = payload.model_dump(exclude_unset=True)
    nullable = {"start_date", "due_date", "estimate"}
    fields = {k: v for k, v in fields.items() if v is not None or k in nullable}
    if "list_id" in fields:
        fields["task_list_id"] = fields.pop("list_id")
    actions.update_task(request.auth, task, **fields)
    return _task_page([actions.get_task(request.auth, task_id)])[0]


@router.delete("/tasks/{task_id}", response=with_errors(204, None), tags=["Tasks"])
def delete_task(request, task_id: PathId):
    actions.delete_task(request.auth, actions.get_task(request.auth, task_id))
    return Status(204, None)


class DependencyIn(In):
    blocking_id: Id


@router.post("/tasks/{task_id}/blocked-by", response=with_errors(201, TaskOut), tags=["Tasks"])
def add_blocker(request, task_id: PathId, payload: DependencyIn):
    blocked = actions.get_task(request.auth, task_id)
    blocking = actions.get_task(request.auth, payload.blocking_id)
    actions.add_dependency(request.auth, blocking=blocking, blocked=blocked)
    return Status(201, _task_page([blocked])[0])


# ---- a key result's links -------------------------------------------------------------------


class LinkOut(Schema):
    id: int
    key_result_id: int
    task_id: int | None
    list_id: int | None
    linked_by_id: int | None
    linked_at: dt.datetime


class LinkIn(In):
    task_id: Id | None = None
    list_id: Id | None = None


def _link_out(link) -> dict:
    return {
        "id": link.pk,
        "key_result_id": link.key_result_id,
        "task_id": link.task_id,
        "list_id": link.task_list_id,
        "linked_by_id": link.linked_by_id,
        "linked_at": link.linked_at,
    }


@router.get(
    "/key-results/{kr_id}/links", response=with_errors(200, list[LinkOut]), tags=["Key results"]
)
@paged()
def list_links(request, kr_id: PathId):
    from sasaran.okrs import queries as okr_queries

    okr_queries.get_key_result(request.auth, kr_id)
    return Shaped(queries.links_of(request.auth, kr_id).order_by("linked_at", "id"), _link_out)


@router.post("/key-results/{kr_id}/links", response=with_errors(201, LinkOut), tags=["Key results"])
def create_link(request, kr_id: PathId, payload: LinkIn):
    made = actions.link(request.auth, kr_id, task_id=payload.task_id, list_id=payload.list_id)
    return Status(201, _link_out(made))


@router.delete(
    "/key-results/{kr_id}/links/{link_id}", response=with_errors(204, None), tags=["Key results"]
)
def delete_link(request, kr_id: PathId, link_id: PathId):
    actions.unlink(request.auth, kr_id, link_id)
    return Status(204, None)
