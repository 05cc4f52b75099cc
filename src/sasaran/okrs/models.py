"""The OKR domain: cycles, objectives, key results, milestones, check-ins and retrospectives.

Derived values (progress, attainment, status, forecast) are stored on the rows and rewritten in
the same transaction as the write that changes them (okrs.rollup); `sasaran recompute` rebuilds
them from history.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasaran.accounts.models import Team, Workspace
from sasaran.accounts.queries import system_label
from sasaran.okrs.progress import Direction, Kind
from sasaran.okrs.status import Status


class CycleState(models.TextChoices):
    PLANNING = "planning", _("Planning")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Cycle(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="cycles")
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    state = models.CharField(
        _("state"), max_length=10, choices=CycleState.choices, default=CycleState.PLANNING
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="cycle_dates_ordered"
            ),
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_cycle_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.state == CycleState.CLOSED


class ObjectiveKind(models.TextChoices):
    COMMITTED = "committed", _("Committed")
    ASPIRATIONAL = "aspirational", _("Aspirational")


class Visibility(models.TextChoices):
    WORKSPACE = "workspace", _("Everyone in the workspace")
    TEAM = "team", _("The team and the teams above and below it")
    PRIVATE = "private", _("The owner, the team's members and admins")


# What an owner may set by hand (an override judges pace, which a cycle not started lacks).
OVERRIDE_CHOICES = [
    (Status.ON_TRACK.value, _("On track")),
    (Status.AT_RISK.value, _("At risk")),
    (Status.OFF_TRACK.value, _("Off track")),
    (Status.DONE.value, _("Done")),
]
STATUS_CHOICES = [*OVERRIDE_CHOICES, (Status.NOT_STARTED.value, _("Not started"))]


KIND_CHOICES = [
    (Kind.NUMBER.value, _("Number")),
    (Kind.PERCENTAGE.value, _("Percentage")),
    (Kind.CURRENCY.value, _("Currency")),
    (Kind.BOOLEAN.value, _("Yes / no")),
    (Kind.MILESTONES.value, _("Milestones")),
    (Kind.TASKS.value, _("Tasks")),
]
DIRECTION_CHOICES = [
    (Direction.INCREASE.value, _("Increase")),
    (Direction.DECREASE.value, _("Decrease")),
    (Direction.STAY_AT_OR_ABOVE.value, _("Stay at or above")),
    (Direction.STAY_AT_OR_BELOW.value, _("Stay at or below")),
]


class Objective(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="objectives")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="objectives")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_objectives",
    )
    # No team = a personal objective of its owner.
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="objectives"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=ObjectiveKind.choices, default=ObjectiveKind.COMMITTED
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.WORKSPACE
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    rollup_children = models.BooleanField(_("aligned objectives count in progress"), default=True)
    weight = models.FloatField(_("weight in the parent's progress"), default=1.0)
    # Carried over from an earlier cycle's objective.
    origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried"
    )
    progress = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    position = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        indexes = [
            models.Index(fields=["cycle", "team"]),
            models.Index(fields=["parent"]),
            # The objective list pages a cycle in this order (bench: 2.0 -> 0.26 ms per page).
            models.Index(fields=["cycle", "position", "id"]),
        ]

    def __str__(self) -> str:
        return self.title


class KeyResult(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_key_results",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=KIND_CHOICES, default=Kind.NUMBER)
    direction = models.CharField(
        _("direction"),
        max_length=20,
        choices=DIRECTION_CHOICES,
        default=Direction.INCREASE,
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    start_value = models.FloatField(_("start value"), default=0.0)
    target_value = models.FloatField(_("target value"), default=1.0)
    current_value = models.FloatField(_("current value"), default=0.0)
    weight = models.FloatField(_("weight"), default=1.0)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # Work items linked to a tasks KR; filled by the work app (counts kept here for the arithmetic).
    tasks_done = models.PositiveIntegerField(default=0)
    tasks_total = models.PositiveIntegerField(default=0)
    tasks_cancelled = models.PositiveIntegerField(default=0)

    # Null: unknown (an empty checklist, a tasks KR without tasks): not counted in its objective,
    # and without an automatic status.
    progress = models.FloatField(null=True, blank=True, default=0.0)
    attainment = models.FloatField(null=True, blank=True, default=0.0)
    status = models.CharField(
        max_length=12, choices=STATUS_CHOICES, null=True, blank=True, default=Status.ON_TRACK
    )
    status_override = models.CharField(max_length=10, choices=OVERRIDE_CHOICES, blank=True)
    status_override_reason = models.TextField(blank=True)
    status_override_at = models.DateTimeField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    last_checkin_at = models.DateTimeField(null=True, blank=True)
    # Set by the status refresh when the KR turns stale (one "became stale" event per episode),
    # cleared by its next check-in.
    stale_since = models.DateTimeField(null=True, blank=True)
    forecast_value = models.FloatField(null=True, blank=True)
    forecast_progress = models.FloatField(null=True, blank=True)

    score = models.FloatField(null=True, blank=True)
    score_reason = models.TextField(blank=True)
    # Carried over from an earlier cycle's key result.
    origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried"
    )
    position = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("key result")
        verbose_name_plural = _("key results")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence__isnull=True)
                | models.Q(confidence__gte=1, confidence__lte=5),
                name="kr_confidence_1_5",
            ),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="kr_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=300)
    weight = models.FloatField(_("weight"), default=1.0)
    done = models.BooleanField(_("done"), default=False)
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class CheckIn(models.Model):
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="check_ins"
    )
    # Empty for a member's check-in; for Sasaran's own (a KPI feed, task counts, an import),
    # on whose behalf it checked in. Such a check-in has no author.
    on_behalf_of = models.CharField(max_length=200, blank=True)
    value = models.FloatField(_("value"))
    # Milestone KRs: ids of the milestones done as of this check-in (history is never rewritten).
    milestones_done = models.JSONField(default=list, blank=True)
    confidence = models.PositiveSmallIntegerField(_("confidence"))
    progress_note = models.TextField(_("progress"), blank=True)
    wins = models.TextField(_("wins"), blank=True)
    blockers = models.TextField(_("blockers"), blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_in_at", "-id"]
        indexes = [
            models.Index(fields=["key_result", "-checked_in_at"]),
            # The company's latest check-ins, read newest first (queries.recent_checkins).
            models.Index(fields=["checked_in_at", "id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence__gte=1, confidence__lte=5),
                name="checkin_confidence_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_result_id}: {self.value} @ {self.checked_in_at:%Y-%m-%d}"

    @property
    def author_name(self) -> str:
        """The member who checked in, or "Sasaran, for …" ("" if the member is gone)."""
        if self.author_id is not None:
            return self.author.display_name
        return system_label(self.on_behalf_of) if self.on_behalf_of else ""


class Retrospective(models.Model):
    objective = models.OneToOneField(
        Objective, on_delete=models.CASCADE, related_name="retrospective"
    )
    what_worked = models.TextField(_("what worked"), blank=True)
    learnings = models.TextField(_("learnings"), blank=True)
    root_causes = models.TextField(_("root causes"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        # The audit log names the objective (the retrospective has no title of its own).
        return self.objective.title


class ObjectiveTemplate(models.Model):
    """An objective and its key results kept by a workspace to start new objectives from.

    The key results are one JSON list (title, description, kind, direction, unit, currency,
    start_value, target_value, weight, milestones [{title, weight}]): a template is a document
    read whole and never queried by its parts. `okrs.actions.templates` validates it with the
    key-result rules before it is stored. Texts stay as the admin wrote them (not translated).
    """

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="objective_templates"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=ObjectiveKind.choices, default=ObjectiveKind.COMMITTED
    )
    key_results = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("objective template")
        verbose_name_plural = _("objective templates")

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    """A member's comment on an objective or on one of its key results (markdown, rendered
    sanitised). `objective` is always set, also for a comment on a key result, so visibility and
    the objective page's feed read one column; `key_result` is set for a comment on a KR.
    Deleting a comment removes the row (its text is gone); the audit log keeps the fact."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="comments")
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Mention", related_name="mentioned_in", blank=True
    )

    # The objective page's feed mixes comments and check-ins; templates tell them apart by this.
    is_comment = True

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["objective", "-created_at"]),
            models.Index(fields=["key_result", "-created_at"]),
        ]

    def __str__(self) -> str:
        # The audit log names what was commented on (a comment has no title of its own).
        target = self.key_result if self.key_result_id else self.objective
        return target.title


class Mention(models.Model):
    """A member named in a comment, with the handle as written (to mark it when rendering)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mention_rows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_mentions"
    )
    handle = models.CharField(max_length=254)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "handle"], name="one_mention_per_handle")
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"
