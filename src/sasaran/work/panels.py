"""The work under each key result of the objective page (okrs.panels): its linked tasks with
status, assignees, due date and an overdue flag, and its linked lists with how much of them is
done. Only work the reader may see; at most four queries for the whole page (the links, the
reader's spaces, the assignees, the lists' counts), one when nothing is linked."""

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from sasaran.work import queries
from sasaran.work.models import KeyResultLink, StatusCategory, Task


def initiatives(actor, krs: list, now) -> dict[int, str]:
    # The links of these KRs first (a handful, by index), then which of their spaces the reader
    # may see: a filter through every visible task would read the whole task table.
    links = list(
        KeyResultLink.objects.filter(key_result_id__in=[kr.pk for kr in krs])
        .select_related("task__status", "task__task_list", "task_list")
        .order_by("linked_at", "id")
    )
    if not links:
        return {}
    visible = set(queries.spaces(actor).values_list("pk", flat=True))
    links = [
        link
        for link in links
        if (link.task.task_list.space_id if link.task_id else link.task_list.space_id) in visible
    ]
    if not links:
        return {}
    task_ids = [link.task_id for link in links if link.task_id]
    assignees: dict[int, list[str]] = {}
    names = Task.assignees.through.objects.filter(task_id__in=task_ids).select_related("user")
    for row in names.order_by("user__name", "user__email"):
        assignees.setdefault(row.task_id, []).append(row.user.display_name)
    list_ids = [link.task_list_id for link in links if link.task_list_id]
    done = Count("tasks", filter=Q(tasks__status__category=StatusCategory.DONE))
    cancelled = Count("tasks", filter=Q(tasks__status__category=StatusCategory.CANCELLED))
    totals = {
        row["pk"]: row
        for row in queries.lists(actor)
        .filter(pk__in=list_ids)
        .annotate(total=Count("tasks"), done=done, cancelled=cancelled)
        .values("pk", "total", "done", "cancelled")
    }
    today = timezone.localdate(now)
    out: dict[int, dict] = {}
    for link in links:
        shown = out.setdefault(link.key_result_id, {"tasks": [], "lists": []})
        if link.task_id:
            task = link.task
            shown["tasks"].append(
                {
                    "task": task,
                    "assignees": assignees.get(task.pk, []),
                    "overdue": task.due_date is not None
                    and task.due_date < today
                    and task.status.category == StatusCategory.OPEN,
                }
            )
        else:
            counts = totals.get(link.task_list_id, {"total": 0, "done": 0, "cancelled": 0})
            shown["lists"].append({"list": link.task_list, **counts})
    return {
        kr_id: render_to_string("work/_kr_initiatives.html", {"kr_id": kr_id, **shown})
        for kr_id, shown in out.items()
    }
