"""Django's admin as a window, not a door: every write goes through the actions (permission
checks, audit, recompute of derived values), which the admin would bypass."""

from django.contrib import admin


class ReadOnlyAdminMixin:
    """No add, change or delete for anyone, superusers included; viewing stays as Django decides
    (staff with the view or change permission, and superusers). For ModelAdmins and inlines."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyModelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
