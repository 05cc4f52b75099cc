"""The outbox: events written in the same transaction as the change that caused them, and one
delivery row per durable consumer, claimed by the worker with a conditional UPDATE and a lease."""

from django.db import models
from django.utils import timezone


class OutboxEvent(models.Model):
    # No foreign key: events outlive what they speak of (a deleted KR's last check-in).
    workspace_id = models.BigIntegerField(db_index=True)
    name = models.CharField(max_length=80)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class DeliveryState(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # gave up after MAX_ATTEMPTS; `sasaran events --retry` puts it back


class Delivery(models.Model):
    """One event for one durable consumer. DONE is written in the transaction that did the
    consumer's work, so the work and the record of it commit (or roll back) together."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    consumer = models.CharField(max_length=200)
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Who holds it and until when: a claim is a fresh token; a worker that dies loses its lease.
    claim_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "consumer"], name="one_delivery_per_consumer")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.consumer} ({self.state})"
