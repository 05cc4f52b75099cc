"""Django admin for the OKR domain: a read-only window for operators (sasaran/readonlyadmin.py
says why), with the audit history of each object on its page."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from sasaran.audit.models import AuditEntry
from sasaran.okrs.models import CheckIn, Cycle, KeyResult, Milestone, Objective, Retrospective
from sasaran.readonlyadmin import ReadOnlyModelAdmin, ReadOnlyTabularInline


class HistoryMixin:
    readonly_fields = ["history"]

    @admin.display(description=_("History"))
    def history(self, obj):
        entries = AuditEntry.objects.filter(
            object_type=obj._meta.model_name, object_id=obj.pk
        ).select_related("actor")[:50]
        return format_html_join(
            "\n",
            "<div>{} · {} · {} · {} → {}</div>",
            ((e.at, e.actor, e.action, e.before, e.after) for e in entries),
        )


@admin.register(Cycle)
class CycleAdmin(HistoryMixin, ReadOnlyModelAdmin):
    list_display = ["name", "workspace", "start_date", "end_date", "state"]
    list_filter = ["state", "workspace"]


class KeyResultInline(ReadOnlyTabularInline):
    model = KeyResult
    fields = [
        "title",
        "owner",
        "kind",
        "direction",
        "start_value",
        "target_value",
        "current_value",
        "progress",
        "status",
    ]


@admin.register(Objective)
class ObjectiveAdmin(HistoryMixin, ReadOnlyModelAdmin):
    list_display = ["title", "cycle", "team", "owner", "progress", "status", "visibility"]
    list_filter = ["cycle", "status", "visibility", "kind"]
    search_fields = ["title"]
    inlines = [KeyResultInline]


class MilestoneInline(ReadOnlyTabularInline):
    model = Milestone


@admin.register(KeyResult)
class KeyResultAdmin(HistoryMixin, ReadOnlyModelAdmin):
    list_display = ["title", "objective", "owner", "progress", "status", "confidence"]
    list_filter = ["status", "kind", "direction"]
    search_fields = ["title"]
    inlines = [MilestoneInline]


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyModelAdmin):
    list_display = ["key_result", "value", "confidence", "author", "checked_in_at"]


@admin.register(Retrospective)
class RetrospectiveAdmin(ReadOnlyModelAdmin):
    list_display = ["objective", "updated_at"]
