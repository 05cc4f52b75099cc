"""The work that moves key results: spaces, folders, lists with their status workflow, tasks
(with subtasks, assignees and blocking dependencies), and the links from key results to tasks
and lists. A `tasks` key result's progress is done / (all − cancelled) over the tasks it is
linked to (docs/rules.md §14); the work app reports the counts through okrs.actions."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasaran.accounts.models import Team, Workspace
from sasaran.okrs.models import KeyResult


class SpaceVisibility(models.TextChoices):
    WORKSPACE = "workspace", _("Everyone in the workspace")
    PRIVATE = "private", _("Its members, its team's members and admins")


class Space(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="spaces")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=SpaceVisibility.choices,
        default=SpaceVisibility.WORKSPACE,
    )
    # A private space is open to this team's members (sub-teams included) besides its members.
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="spaces"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="spaces", verbose_name=_("members")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_space_name")
        ]

    def __str__(self) -> str:
        return self.name


class Folder(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="folders")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class TaskList(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="lists")
    folder = models.ForeignKey(
        Folder, null=True, blank=True, on_delete=models.CASCADE, related_name="lists"
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class StatusCategory(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ListStatus(models.Model):
    """One step of a list's workflow; its category decides what a task in it counts as."""

    task_list = models.ForeignKey(TaskList, on_delete=models.CASCADE, related_name="statuses")
    name = models.CharField(_("name"), max_length=50)
    category = models.CharField(
        _("category"), max_length=10, choices=StatusCategory.choices, default=StatusCategory.OPEN
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task_list", "name"], name="unique_status_name")
        ]

    def __str__(self) -> str:
        return self.name


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class EstimateUnit(models.TextChoices):
    POINTS = "points", _("Points")
    HOURS = "hours", _("Hours")


class Task(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tasks")
    task_list = models.ForeignKey(TaskList, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="subtasks"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=20000)
    # RESTRICT: a status in use cannot be deleted alone, but goes with its list or workspace.
    status = models.ForeignKey(ListStatus, on_delete=models.RESTRICT, related_name="tasks")
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_tasks"
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    estimate = models.FloatField(_("estimate"), null=True, blank=True)
    estimate_unit = models.CharField(
        max_length=10, choices=EstimateUnit.choices, default=EstimateUnit.POINTS
    )
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["task_list", "position"])]

    def __str__(self) -> str:
        return self.title


class TaskDependency(models.Model):
    """`blocking` must be done before `blocked` can be."""

    blocking = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="blocked_by")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocking", "blocked"], name="unique_dependency"),
            models.CheckConstraint(
                condition=~models.Q(blocking=models.F("blocked")), name="no_self_dependency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocking_id} blocks {self.blocked_id}"


class KeyResultLink(models.Model):
    """A key result linked to a task (with its subtasks) or a list (with all its tasks)."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="work_links")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="kr_links"
    )
    task_list = models.ForeignKey(
        TaskList, null=True, blank=True, on_delete=models.CASCADE, related_name="kr_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(task__isnull=False, task_list__isnull=True)
                | models.Q(task__isnull=True, task_list__isnull=False),
                name="link_names_one_thing",
            ),
            models.UniqueConstraint(fields=["key_result", "task"], name="unique_task_link"),
            models.UniqueConstraint(fields=["key_result", "task_list"], name="unique_list_link"),
        ]

    def __str__(self) -> str:
        target = f"task {self.task_id}" if self.task_id else f"list {self.task_list_id}"
        return f"KR {self.key_result_id} -> {target}"
