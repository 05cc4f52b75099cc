"""Django admin for the audit log: read-only, as the log itself is."""

from django.contrib import admin

from sasaran.audit.models import AuditEntry
from sasaran.readonlyadmin import ReadOnlyModelAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["action", "object_type"]
