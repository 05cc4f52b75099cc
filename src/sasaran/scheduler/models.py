"""Occurrences of scheduled jobs: the unique row is what makes an occurrence run once."""

from django.db import models


class OccurrenceState(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Occurrence(models.Model):
    job = models.CharField(max_length=200)
    # The time the schedule says (not when it ran): two workers planning the same occurrence
    # meet on the unique constraint, and the next one is computed from the schedule.
    scheduled_for = models.DateTimeField()
    state = models.CharField(
        max_length=10, choices=OccurrenceState.choices, default=OccurrenceState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    claim_token = models.CharField(max_length=32, blank=True)
    worker = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # After a failure: not retried before this time.
    not_before = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["scheduled_for", "id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "scheduled_for"], name="one_occurrence")
        ]
        indexes = [models.Index(fields=["state", "scheduled_for"])]

    def __str__(self) -> str:
        return f"{self.job} @ {self.scheduled_for:%Y-%m-%d %H:%M} ({self.state})"
