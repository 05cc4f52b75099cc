"""What the work app announces (for automations and notifications): task created, status
changed, assigned, due date changed."""

import dataclasses
import datetime as dt

from sasaran.events.base import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class TaskCreated(Event):
    name = "work.task_created"
    task_id: int
    list_id: int
    title: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class TaskStatusChanged(Event):
    name = "work.task_status_changed"
    task_id: int
    from_status: str
    to_status: str
    from_category: str
    to_category: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class TaskAssigned(Event):
    name = "work.task_assigned"
    task_id: int
    assignee_ids: tuple[int, ...]  # the people newly assigned


@dataclasses.dataclass(frozen=True, kw_only=True)
class TaskDueDateChanged(Event):
    name = "work.task_due_date_changed"
    task_id: int
    before: dt.date | None
    after: dt.date | None
