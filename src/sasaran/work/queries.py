"""Permission-aware reads of work, and the row shapes the API shares."""

from typing import Any

from django.db.models import Q, QuerySet

from sasaran.accounts.queries import Actor
from sasaran.work.models import Folder, KeyResultLink, Space, Task, TaskList
from sasaran.work.permissions import space_q


def spaces(actor: Actor) -> QuerySet[Space]:
    return Space.objects.filter(space_q(actor))


def folders(actor: Actor) -> QuerySet[Folder]:
    return Folder.objects.filter(space_q(actor, "space__"))


def lists(actor: Actor) -> QuerySet[TaskList]:
    return TaskList.objects.filter(space_q(actor, "space__"))


def tasks(actor: Actor) -> QuerySet[Task]:
    return Task.objects.filter(space_q(actor, "task_list__space__"))


def links_of(actor: Actor, kr_id: int) -> QuerySet[KeyResultLink]:
    """A key result's links to work the actor may see (a private space's tasks never show):
    by the linked task's or list's space, among the few spaces the actor may see."""
    visible = spaces(actor).values("pk")
    return KeyResultLink.objects.filter(key_result_id=kr_id).filter(
        Q(task__task_list__space_id__in=visible) | Q(task_list__space_id__in=visible)
    )


def space_row(s: Space, member_ids: list[int]) -> dict[str, Any]:
    return {
        "id": s.pk,
        "name": s.name,
        "description": s.description,
        "visibility": s.visibility,
        "team_id": s.team_id,
        "member_ids": member_ids,
        "created_at": s.created_at,
    }


def task_row(t: Task, assignee_ids: list[int]) -> dict[str, Any]:
    return {
        "id": t.pk,
        "list_id": t.task_list_id,
        "parent_id": t.parent_id,
        "title": t.title,
        "description": t.description,
        "status_id": t.status_id,
        "status": t.status.name,
        "status_category": t.status.category,
        "priority": t.priority,
        "assignee_ids": assignee_ids,
        "start_date": t.start_date,
        "due_date": t.due_date,
        "estimate": t.estimate,
        "estimate_unit": t.estimate_unit,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    }
