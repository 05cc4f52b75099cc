"""Writes to work: spaces, folders, lists, tasks, dependencies and key-result links. Each is
atomic, permission-checked and audited; a task change reports the new task counts of every
`tasks` key result it feeds through okrs.actions.report_task_counts, in the same transaction,
as Sasaran ("for the tasks linked to it": the one who moved a task may not own the KR)."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sasaran.accounts.models import Membership, Team
from sasaran.accounts.queries import Actor, Grant, system_actor
from sasaran.audit.log import changed, record, snapshot
from sasaran.errors import Conflict, Invalid, NotFound
from sasaran.events.bus import publish
from sasaran.okrs import actions as okr_actions
from sasaran.okrs import queries as okr_queries
from sasaran.okrs.progress import Kind
from sasaran.work import counting, events
from sasaran.work.models import (
    EstimateUnit,
    Folder,
    KeyResultLink,
    ListStatus,
    Priority,
    Space,
    SpaceVisibility,
    StatusCategory,
    Task,
    TaskDependency,
    TaskList,
)
from sasaran.work.permissions import can_see_space, require_space_admin, require_write

UNSET: Any = object()

DEFAULT_WORKFLOW = [
    (gettext_noop("To do"), StatusCategory.OPEN),
    (gettext_noop("In progress"), StatusCategory.OPEN),
    (gettext_noop("In review"), StatusCategory.OPEN),
    (gettext_noop("Done"), StatusCategory.DONE),
    (gettext_noop("Cancelled"), StatusCategory.CANCELLED),
]


def _text(value: Any, field: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise Invalid(_("This must be text."), field=field)
    if required and not text:
        raise Invalid(_("This field is required."), field=field)
    if len(text) > limit:
        raise Invalid(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return text


# --- spaces, folders, lists ---


def get_space(actor: Actor, space_id: int) -> Space:
    space = Space.objects.filter(pk=space_id, workspace_id=actor.workspace_id).first()
    if space is None or not can_see_space(actor, space):
        raise NotFound(_("No such space."))
    return space


def _member_ids(actor: Actor, ids: list[int] | None, field: str) -> list[int]:
    ids = list(dict.fromkeys(ids or []))
    known = set(
        Membership.objects.filter(workspace_id=actor.workspace_id, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise Invalid(_("Not a member of this workspace: %(ids)s.") % {"ids": unknown}, field=field)
    return ids


@transaction.atomic
def create_space(
    actor: Actor,
    *,
    name: str,
    description: str = "",
    visibility: str = SpaceVisibility.WORKSPACE,
    team_id: int | None = None,
    member_ids: list[int] | None = None,
) -> Space:
    require_space_admin(actor)
    name = _text(name, "name", 100)
    if visibility not in SpaceVisibility.values:
        raise Invalid(_("Choose who may see the space."), field="visibility")
    if (
        team_id is not None
        and not Team.objects.filter(pk=team_id, workspace_id=actor.workspace_id).exists()
    ):
        raise Invalid(_("No such team."), field="team_id")
    if Space.objects.filter(workspace_id=actor.workspace_id, name=name).exists():
        raise Conflict(_("A space with this name exists already."))
    members = _member_ids(actor, member_ids, "member_ids")
    space = Space.objects.create(
        workspace_id=actor.workspace_id,
        name=name,
        description=_text(description, "description", 5000, required=False),
        visibility=visibility,
        team_id=team_id,
    )
    space.members.set(members)
    record(actor, action="create", obj=space, after={**snapshot(space), "member_ids": members})
    return space


@transaction.atomic
def create_folder(actor: Actor, space: Space, *, name: str) -> Folder:
    require_write(actor)
    if not can_see_space(actor, space):
        raise NotFound(_("No such space."))
    folder = Folder.objects.create(
        space=space, name=_text(name, "name", 100), position=space.folders.count()
    )
    record(actor, action="create", obj=folder, after=snapshot(folder))
    return folder


@transaction.atomic
def create_list(
    actor: Actor,
    space: Space,
    *,
    name: str,
    folder_id: int | None = None,
    statuses: list[dict] | None = None,
) -> TaskList:
    """A list in `space` (in one of its folders, or at its top); without `statuses`, the default
    workflow To do, In progress, In review (open), Done, Cancelled."""
    require_write(actor)
    if not can_see_space(actor, space):
        raise NotFound(_("No such space."))
    if folder_id is not None and not space.folders.filter(pk=folder_id).exists():
        raise Invalid(_("No such folder in this space."), field="folder_id")
    workflow = _check_statuses(statuses)
    task_list = TaskList.objects.create(
        space=space,
        folder_id=folder_id,
        name=_text(name, "name", 100),
        position=space.lists.count(),
    )
    ListStatus.objects.bulk_create(
        ListStatus(task_list=task_list, name=n, category=c, position=i)
        for i, (n, c) in enumerate(workflow)
    )
    record(
        actor, action="create", obj=task_list, after={**snapshot(task_list), "statuses": workflow}
    )
    return task_list


def _check_statuses(statuses: list[dict] | None) -> list[tuple[str, str]]:
    if not statuses:
        return [(_(name), category) for name, category in DEFAULT_WORKFLOW]
    out: list[tuple[str, str]] = []
    for i, item in enumerate(statuses):
        name = _text(item.get("name"), f"statuses.{i}.name", 50)
        category = item.get("category", StatusCategory.OPEN)
        if category not in StatusCategory.values:
            raise Invalid(_("A status is open, done or cancelled."), field=f"statuses.{i}.category")
        if name.casefold() in {n.casefold() for n, _c in out}:
            raise Invalid(_("Two statuses have the same name."), field=f"statuses.{i}.name")
        out.append((name, category))
    if not any(c == StatusCategory.OPEN for _n, c in out):
        raise Invalid(_("A workflow needs at least one open status."), field="statuses")
    return out


def get_list(actor: Actor, list_id: int) -> TaskList:
    task_list = (
        TaskList.objects.select_related("space")
        .filter(pk=list_id, space__workspace_id=actor.workspace_id)
        .first()
    )
    if task_list is None or not can_see_space(actor, task_list.space):
        raise NotFound(_("No such list."))
    return task_list


# --- tasks ---


def get_task(actor: Actor, task_id: int) -> Task:
    task = (
        Task.objects.select_related("task_list__space", "status")
        .filter(pk=task_id, workspace_id=actor.workspace_id)
        .first()
    )
    if task is None or not can_see_space(actor, task.task_list.space):
        raise NotFound(_("No such task."))
    return task


def _check_task_fields(fields: dict) -> None:
    if "title" in fields:
        fields["title"] = _text(fields["title"], "title", 300)
    if "description" in fields:
        fields["description"] = _text(fields["description"], "description", 20000, required=False)
    if "priority" in fields and fields["priority"] not in Priority.values:
        raise Invalid(_("Priority is urgent, high, normal or low."), field="priority")
    if "estimate_unit" in fields and fields["estimate_unit"] not in EstimateUnit.values:
        raise Invalid(_("An estimate is in points or hours."), field="estimate_unit")
    estimate = fields.get("estimate")
    if estimate is not None and not (0 <= estimate <= 1e6):
        raise Invalid(_("An estimate is between 0 and 1,000,000."), field="estimate")
    start, due = fields.get("start_date"), fields.get("due_date")
    if start and due and due < start:
        raise Invalid(_("The due date cannot come before the start date."), field="due_date")


def _status_in(task_list: TaskList, status_id: int | None) -> ListStatus:
    statuses = list(task_list.statuses.all())
    if status_id is None:
        return next(s for s in statuses if s.category == StatusCategory.OPEN)
    found = next((s for s in statuses if s.pk == status_id), None)
    if found is None:
        raise Invalid(_("No such status in this list."), field="status_id")
    return found


@transaction.atomic
def create_task(
    actor: Actor,
    task_list: TaskList,
    *,
    title: str,
    parent_id: int | None = None,
    status_id: int | None = None,
    assignee_ids: list[int] | None = None,
    **fields: Any,
) -> Task:
    """A task in `task_list` (a subtask lives in its parent's list), in the list's first open
    status unless another is named."""
    require_write(actor)
    if not can_see_space(actor, task_list.space):
        raise NotFound(_("No such list."))
    fields["title"] = title
    _check_task_fields(fields)
    parent = None
    if parent_id is not None:
        parent = Task.objects.filter(pk=parent_id, task_list=task_list).first()
        if parent is None:
            raise Invalid(_("A subtask belongs to a task of the same list."), field="parent_id")
    assignees = _member_ids(actor, assignee_ids, "assignee_ids")
    task = Task.objects.create(
        workspace_id=actor.workspace_id,
        task_list=task_list,
        parent=parent,
        status=_status_in(task_list, status_id),
        position=Task.objects.filter(task_list=task_list, parent=parent).count(),
        created_by=actor.user,
        **fields,
    )
    task.assignees.set(assignees)
    record(
        actor, action="create", obj=task, after={**_task_snapshot(task), "assignee_ids": assignees}
    )
    publish(events.TaskCreated.by(actor, task_id=task.pk, list_id=task_list.pk, title=task.title))
    if assignees:
        publish(events.TaskAssigned.by(actor, task_id=task.pk, assignee_ids=tuple(assignees)))
    report_counts(actor, _kr_ids_fed_by(task))
    return task


def _task_snapshot(task: Task) -> dict:
    return {**snapshot(task, [f for f in _TASK_FIELDS]), "status": task.status.name}


_TASK_FIELDS = [
    "title",
    "description",
    "task_list",
    "parent",
    "priority",
    "start_date",
    "due_date",
    "estimate",
    "estimate_unit",
]


@transaction.atomic
def update_task(
    actor: Actor,
    task: Task,
    *,
    status_id: int = UNSET,
    task_list_id: int = UNSET,
    assignee_ids: list[int] = UNSET,
    **fields: Any,
) -> Task:
    """Change a task; moving it to another list (`task_list_id`) moves its subtasks with it and
    keeps its status where the new list has one of the same name, else the new list's first
    status of the same category (or its first open one)."""
    require_write(actor)
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("task_list__space", "status")
        .get(pk=task.pk)
    )
    if not can_see_space(actor, task.task_list.space):
        raise NotFound(_("No such task."))
    _check_task_fields(fields)
    merged_start = fields.get("start_date", task.start_date)
    merged_due = fields.get("due_date", task.due_date)
    if merged_start and merged_due and merged_due < merged_start:
        raise Invalid(_("The due date cannot come before the start date."), field="due_date")
    fed_before = _kr_ids_fed_by(task)
    before = {**_task_snapshot(task), "assignee_ids": _assignees(task)}
    old_status, old_due = task.status, task.due_date
    if task_list_id is not UNSET and task_list_id != task.task_list_id:
        target = get_list(actor, task_list_id)
        _move(task, target)
    if status_id is not UNSET:
        task.status = _status_in(task.task_list, status_id)
    for name, value in fields.items():
        setattr(task, name, value)
    task.updated_at = timezone.now()
    task.save()
    added: list[int] = []
    if assignee_ids is not UNSET:
        new = _member_ids(actor, assignee_ids, "assignee_ids")
        added = [i for i in new if i not in before["assignee_ids"]]
        task.assignees.set(new)
    after = {**_task_snapshot(task), "assignee_ids": _assignees(task)}
    b, a = changed(before, after)
    if not a:
        return task
    record(actor, action="update", obj=task, before=b, after=a)
    if task.status_id != old_status.pk:
        publish(
            events.TaskStatusChanged.by(
                actor,
                task_id=task.pk,
                from_status=old_status.name,
                to_status=task.status.name,
                from_category=old_status.category,
                to_category=task.status.category,
            )
        )
    if added:
        publish(events.TaskAssigned.by(actor, task_id=task.pk, assignee_ids=tuple(added)))
    if task.due_date != old_due:
        publish(
            events.TaskDueDateChanged.by(
                actor, task_id=task.pk, before=old_due, after=task.due_date
            )
        )
    report_counts(actor, fed_before | _kr_ids_fed_by(task))
    return task


def _assignees(task: Task) -> list[int]:
    return sorted(task.assignees.values_list("id", flat=True))


def _move(task: Task, target: TaskList) -> None:
    if task.parent_id is not None:
        raise Invalid(_("A subtask moves with its parent."), field="task_list_id")
    statuses = list(target.statuses.all())
    parent_of = dict(Task.objects.filter(task_list=task.task_list).values_list("id", "parent_id"))
    moving = counting.with_subtasks([task.pk], parent_of)
    by_id = {s.pk: s for s in ListStatus.objects.filter(tasks__in=moving).distinct()}
    for row in Task.objects.filter(pk__in=moving).only("id", "status_id"):
        old = by_id[row.status_id]
        new = next((s for s in statuses if s.name.casefold() == old.name.casefold()), None)
        new = new or next((s for s in statuses if s.category == old.category), None)
        new = new or next(s for s in statuses if s.category == StatusCategory.OPEN)
        Task.objects.filter(pk=row.pk).update(task_list=target, status=new)
        if row.pk == task.pk:
            task.status = new
    task.task_list = target


@transaction.atomic
def delete_task(actor: Actor, task: Task) -> None:
    """Delete a task and its subtasks (their key results' counts follow)."""
    require_write(actor)
    task = get_task(actor, task.pk)
    fed = _kr_ids_fed_by(task)
    record(actor, action="delete", obj=task, before=_task_snapshot(task))
    task.delete()
    report_counts(actor, fed)


# --- dependencies ---


@transaction.atomic
def add_dependency(actor: Actor, *, blocking: Task, blocked: Task) -> TaskDependency:
    require_write(actor)
    if blocking.workspace_id != actor.workspace_id or blocked.workspace_id != actor.workspace_id:
        raise NotFound(_("No such task."))
    blocks: dict[int, list[int]] = {}
    for a, b in TaskDependency.objects.filter(
        blocking__workspace_id=actor.workspace_id
    ).values_list("blocking_id", "blocked_id"):
        blocks.setdefault(a, []).append(b)
    if counting.closes_a_loop(blocks, blocking.pk, blocked.pk):
        raise Conflict(
            _("“%(a)s” cannot block “%(b)s”: it already waits for it, so neither could finish.")
            % {"a": blocking.title, "b": blocked.title}
        )
    dependency, _created = TaskDependency.objects.get_or_create(blocking=blocking, blocked=blocked)
    record(actor, action="depend", obj=blocked, after={"blocked_by": blocking.pk})
    return dependency


@transaction.atomic
def remove_dependency(actor: Actor, *, blocking: Task, blocked: Task) -> None:
    require_write(actor)
    if TaskDependency.objects.filter(blocking=blocking, blocked=blocked).delete()[0]:
        record(actor, action="undepend", obj=blocked, before={"blocked_by": blocking.pk})


# --- key-result links and the counts they feed ---


@transaction.atomic
def link(
    actor: Actor, kr_id: int, *, task_id: int | None = None, list_id: int | None = None
) -> KeyResultLink:
    """Link a key result to a task (counting its subtasks) or a list (counting all its tasks).
    Whoever may check in on the key result may link work to it."""
    if (task_id is None) == (list_id is None):
        raise Invalid(_("Link exactly one task or one list."), field="task_id")
    kr = okr_queries.get_key_result(actor, kr_id)
    from sasaran.okrs.permissions import require_checkin

    require_checkin(actor, kr)
    if task_id is not None:
        target = {"task": get_task(actor, task_id)}
    else:
        target = {"task_list": get_list(actor, list_id)}
    if KeyResultLink.objects.filter(key_result=kr, **target).exists():
        raise Conflict(_("This key result is linked to it already."))
    made = KeyResultLink.objects.create(key_result=kr, linked_by=actor.user, **target)
    record(
        actor,
        action="link",
        obj=kr,
        objective_id=kr.objective_id,
        after={"task_id": task_id, "list_id": list_id},
    )
    report_counts(actor, {kr.pk})
    return made


@transaction.atomic
def unlink(actor: Actor, kr_id: int, link_id: int) -> None:
    kr = okr_queries.get_key_result(actor, kr_id)
    from sasaran.okrs.permissions import require_checkin

    require_checkin(actor, kr)
    found = KeyResultLink.objects.filter(pk=link_id, key_result=kr).first()
    if found is None:
        raise NotFound(_("No such link."))
    record(
        actor,
        action="unlink",
        obj=kr,
        objective_id=kr.objective_id,
        before={"task_id": found.task_id, "list_id": found.task_list_id},
    )
    found.delete()
    report_counts(actor, {kr.pk})


def _kr_ids_fed_by(task: Task) -> set[int]:
    """The key results a task counts for: those linked to it, to a task above it, or to its
    list."""
    chain, parent = [task.pk], task.parent_id
    while parent is not None:
        chain.append(parent)
        parent = Task.objects.filter(pk=parent).values_list("parent_id", flat=True).first()
    return set(
        KeyResultLink.objects.filter(
            Q(task_id__in=chain) | Q(task_list_id=task.task_list_id)
        ).values_list("key_result_id", flat=True)
    )


def task_counts(kr_ids: set[int]) -> dict[int, tuple[int, int, int]]:
    """(done, total, cancelled) of each key result's linked work, in three queries whatever
    their number: the links, the tasks of the lists involved, their status categories."""
    links = list(
        KeyResultLink.objects.filter(key_result_id__in=kr_ids).values_list(
            "key_result_id", "task_id", "task_list_id", "task__task_list_id"
        )
    )
    list_ids = {lst or task_lst for _kr, _t, lst, task_lst in links}
    rows = list(
        Task.objects.filter(task_list_id__in=list_ids).values_list(
            "id", "parent_id", "task_list_id", "status__category"
        )
    )
    parent_of = {pk: parent for pk, parent, _l, _c in rows}
    category = {pk: cat for pk, _p, _l, cat in rows}
    in_list: dict[int, set[int]] = {}
    for pk, _p, lst, _c in rows:
        in_list.setdefault(lst, set()).add(pk)
    out: dict[int, tuple[int, int, int]] = {}
    for kr_id in kr_ids:
        tasks: set[int] = set()
        for kr, task_id, list_id, _task_list in links:
            if kr != kr_id:
                continue
            if list_id is not None:
                tasks |= in_list.get(list_id, set())
            else:
                tasks |= counting.with_subtasks([task_id], parent_of)
        out[kr_id] = counting.counts(category[t] for t in tasks)
    return out


def report_counts(actor, kr_ids: set[int]) -> None:
    """Report the counts of the `tasks` key results among `kr_ids` to the okrs app, as Sasaran:
    the one who moved a task may not be allowed to check in on every KR it feeds."""
    from sasaran.okrs.models import CycleState, KeyResult

    # A closed cycle's key results keep the counts they were graded on.
    tasks_krs = set(
        KeyResult.objects.filter(pk__in=kr_ids, kind=Kind.TASKS)
        .exclude(objective__cycle__state=CycleState.CLOSED)
        .values_list("pk", flat=True)
    )
    if not tasks_krs:
        return
    system = system_actor(
        actor.workspace if not actor.is_system else actor.workspace_obj,
        gettext_noop("the tasks linked to it"),
        Grant.CHECK_IN,
    )
    for kr_id, (done, total, cancelled) in sorted(task_counts(tasks_krs).items()):
        okr_actions.report_task_counts(system, kr_id, done=done, total=total, cancelled=cancelled)


def overdue(task: Task, today: dt.date) -> bool:
    return (
        task.due_date is not None
        and task.due_date < today
        and task.status.category == StatusCategory.OPEN
    )
