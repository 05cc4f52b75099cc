"""Django admin for people and teams: read-only (sasaran/readonlyadmin.py says why)."""

from django.contrib import admin

from sasaran.accounts.models import ApiToken, Membership, Team, TeamMember, User, Workspace
from sasaran.readonlyadmin import ReadOnlyModelAdmin, ReadOnlyTabularInline


@admin.register(User)
class UserAdmin(ReadOnlyModelAdmin):
    list_display = ["email", "name", "is_active", "is_staff"]
    search_fields = ["email", "name"]
    exclude = ["password"]


@admin.register(Workspace)
class WorkspaceAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "slug", "time_zone"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyModelAdmin):
    list_display = ["user", "workspace", "role"]
    list_filter = ["role", "workspace"]


class TeamMemberInline(ReadOnlyTabularInline):
    model = TeamMember


@admin.register(Team)
class TeamAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "parent", "workspace"]
    inlines = [TeamMemberInline]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
