"""Work pages: the spaces, a list (as a list or as a board by status, with drag and drop), my
tasks, and a task's status change from a board card. Reads through work.queries, writes through
work.actions."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone

from sasaran.errors import ActionError
from sasaran.web.pages import actor_page, kept_page
from sasaran.work import actions, queries
from sasaran.work.models import Priority, StatusCategory, Task

PRIORITY_ORDER = {p: i for i, p in enumerate(Priority.values)}
SORTS = {
    "due": lambda t: (t.due_date is None, t.due_date or timezone.localdate(), t.pk),
    "priority": lambda t: (PRIORITY_ORDER[t.priority], t.pk),
    "title": lambda t: (t.title.casefold(), t.pk),
    "status": lambda t: (t.status.position, t.pk),
}


def _with_assignees(tasks: list[Task]) -> list[Task]:
    """Each task's assignees' names, in one query for all."""
    names: dict[int, list[str]] = {t.pk: [] for t in tasks}
    through = Task.assignees.through.objects.filter(task_id__in=names).select_related("user")
    for row in through.order_by("user__name", "user__email"):
        names[row.task_id].append(row.user.display_name)
    today = timezone.localdate()
    for t in tasks:
        t.assignee_names = names[t.pk]
        t.overdue = bool(
            t.due_date and t.due_date < today and t.status.category == StatusCategory.OPEN
        )
    return tasks


@actor_page
@kept_page
def work_home(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    spaces = list(queries.spaces(actor).order_by("name", "id"))
    lists = list(queries.lists(actor).select_related("folder").order_by("position", "id"))
    by_space: dict[int, list] = {s.pk: [] for s in spaces}
    for task_list in lists:
        by_space.setdefault(task_list.space_id, []).append(task_list)
    for space in spaces:
        space.shown_lists = by_space[space.pk]
    mine = queries.tasks(actor).filter(
        assignees=actor.user_id, status__category=StatusCategory.OPEN
    )
    return render(request, "work/home.html", {"spaces": spaces, "my_open": mine.count()})


@actor_page
@kept_page
def list_page(request: HttpRequest, list_id: int) -> HttpResponse:
    actor = request.actor
    task_list = actions.get_list(actor, list_id)
    if request.method == "POST":
        return _create_task(request, task_list)
    return _render_list(request, task_list)


def _render_list(request, task_list, *, error: str = "", status: int = 200) -> HttpResponse:
    actor = request.actor
    statuses = list(task_list.statuses.all())
    qs = queries.tasks(actor).filter(task_list=task_list).select_related("status")
    chosen = {k: request.GET.get(k, "") for k in ("status", "assignee", "priority", "sort")}
    if chosen["status"].isdigit():
        qs = qs.filter(status_id=int(chosen["status"]))
    if chosen["assignee"] == "me":
        qs = qs.filter(assignees=actor.user_id)
    if chosen["priority"] in Priority.values:
        qs = qs.filter(priority=chosen["priority"])
    tasks = _with_assignees(list(qs))
    tasks.sort(key=SORTS.get(chosen["sort"], SORTS["status"]))
    view = "board" if request.GET.get("view") == "board" else "list"
    columns = [{"status": s, "tasks": [t for t in tasks if t.status_id == s.pk]} for s in statuses]
    return render(
        request,
        "work/list.html",
        {
            "task_list": task_list,
            "space": task_list.space,
            "statuses": statuses,
            "tasks": tasks,
            "columns": columns,
            "view": view,
            "chosen": chosen,
            "priorities": Priority.choices,
            "error": error,
            "can_write": actor.can_write,
        },
        status=status,
    )


def _create_task(request, task_list) -> HttpResponse:
    try:
        actions.create_task(request.actor, task_list, title=request.POST.get("title", ""))
    except ActionError as exc:
        return _render_list(request, task_list, error=exc.message, status=exc.status)
    return HttpResponseRedirect(request.get_full_path())


@actor_page
def task_status(request: HttpRequest, task_id: int) -> HttpResponse:
    """POST status_id: the board's drop (htmx: the card comes back) or its Move button."""
    actor = request.actor
    task = actions.get_task(actor, task_id)
    if request.method != "POST":
        return HttpResponseRedirect(reverse("work-list", args=[task.task_list_id]) + "?view=board")
    error = ""
    try:
        raw = request.POST.get("status_id", "")
        task = actions.update_task(actor, task, status_id=int(raw) if raw.isdigit() else -1)
    except ActionError as exc:
        error = exc.message
    task = actions.get_task(actor, task_id)
    if request.htmx:
        return render(
            request,
            "work/_card.html",
            {
                "t": _with_assignees([task])[0],
                "statuses": list(task.task_list.statuses.all()),
                "error": error,
                "can_write": actor.can_write,
            },
            status=422 if error else 200,
        )
    return HttpResponseRedirect(reverse("work-list", args=[task.task_list_id]) + "?view=board")


@actor_page
@kept_page
def my_tasks(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    tasks = list(
        queries.tasks(actor)
        .filter(assignees=actor.user_id)
        .select_related("status", "task_list__space")
    )
    tasks = _with_assignees(tasks)
    tasks.sort(key=lambda t: (t.status.category != StatusCategory.OPEN, *SORTS["due"](t)))
    return render(request, "work/my_tasks.html", {"tasks": tasks})


urlpatterns = [
    path("work/", work_home, name="work"),
    path("work/my-tasks/", my_tasks, name="my-tasks"),
    path("work/lists/<int:list_id>/", list_page, name="work-list"),
    path("work/tasks/<int:task_id>/status/", task_status, name="work-task-status"),
]
