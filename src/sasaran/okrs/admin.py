"""Django admin for the OKR domain: a read-mostly window for operators. The audit history of
each object is shown on its page; changes made here bypass the actions, so derived values are
refreshed with `sasaran recompute`."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from sasaran.audit.models import AuditEntry
from sasaran.okrs.models import CheckIn, Cycle, KeyResult, Milestone, Objective, Retrospective


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
class CycleAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["name", "workspace", "start_date", "end_date", "state"]
    list_filter = ["state", "workspace"]


class KeyResultInline(admin.TabularInline):
    model = KeyResult
    extra = 0
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
    readonly_fields = ["current_value", "progress", "status"]


@admin.register(Objective)
class ObjectiveAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["title", "cycle", "team", "owner", "progress", "status", "visibility"]
    list_filter = ["cycle", "status", "visibility", "kind"]
    search_fields = ["title"]
    inlines = [KeyResultInline]
    readonly_fields = ["history", "progress", "status", "score"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(KeyResult)
class KeyResultAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["title", "objective", "owner", "progress", "status", "confidence"]
    list_filter = ["status", "kind", "direction"]
    search_fields = ["title"]
    inlines = [MilestoneInline]
    readonly_fields = [
        "history",
        "current_value",
        "progress",
        "attainment",
        "status",
        "confidence",
        "last_checkin_at",
        "forecast_value",
        "forecast_progress",
    ]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["key_result", "value", "confidence", "author", "checked_in_at"]
    readonly_fields = [f.name for f in CheckIn._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False  # check-ins are history: never edited in place


admin.site.register(Retrospective)
