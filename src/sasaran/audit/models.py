"""One row per change; kept forever. A leaf app: it imports none of ours (the workspace is
named by its label), so every app may record into it."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="audit"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Empty for a member; for the system actor (actor is None), on whose behalf it acted.
    on_behalf_of = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    object_repr = models.CharField(max_length=300, blank=True)
    # The objective the object belongs to (if any): visibility of the entry follows it, so a
    # private objective's history stays private. Not a FK: entries outlive deleted objects.
    objective_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
