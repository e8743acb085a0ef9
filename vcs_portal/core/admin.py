"""Admins manage users, roles, teams and regions here; the audit log is read-only."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .admin_audit import AuditedAdmin, audit_registered_admins
from .models import AuditEvent, Region, Role, SweepRun, Team, User

# Admins that django-otp (authenticators), axes (sign-in attempts), celery-beat and auth registered
# before this module: every one of their creates, changes and deletes is audited too.
audit_registered_admins(admin.site)


class UserCreateForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role", "region", "team")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Django's Form.clean returns cleaned_data
        teams = data.get("managed_teams")
        region = data.get("region")
        if teams is not None and region is not None and teams.exclude(region=region).exists():
            self.add_error("managed_teams", "A manager may only manage teams in their own region.")
        return data


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "role", "region", "team", "is_active"]
    list_filter = ["role", "region", "is_active", "is_regional_manager"]
    search_fields = ["email", "first_name", "last_name"]
    filter_horizontal = ["managed_teams", "groups", "user_permissions"]
    readonly_fields = ["is_staff", "last_login", "date_joined"]
    actions = ["deactivate_users", "reset_second_factor"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        (
            "Role and scope",
            {"fields": ("role", "region", "team", "managed_teams", "is_regional_manager")},
        ),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    *("email", "first_name", "last_name", "role", "region", "team"),
                    *("usable_password", "password1", "password2"),
                ),
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Admins get the admin site; deactivating a user ends their sessions at once."""
        obj.is_staff = obj.role == Role.ADMIN
        super().save_model(request, obj, form, change)  # audited by AuditedAdmin, with before and after
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.user_deactivate(actor=request.user, user=obj)  # type: ignore[arg-type]

    @admin.action(description="Deactivate selected users and end their sessions")
    def deactivate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.exclude(pk=request.user.pk):  # type: ignore[misc]  # plugin: pk may be None
            services.user_deactivate(actor=request.user, user=user)  # type: ignore[arg-type]
        messages.success(request, "The users were deactivated and signed out.")

    @admin.action(description="Reset the second factor of selected users (they set up a new authenticator)")
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.mfa_reset(actor=request.user, user=user)  # type: ignore[arg-type]
        messages.success(request, "Their authenticators were removed and they were signed out.")

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """The new password and its audit row commit together."""
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["name", "code", "in_wales"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "region", "phone", "email"]
    list_filter = ["region"]
    search_fields = ["name"]
    fieldsets = (
        (None, {"fields": ("region", "name")}),
        (
            "How victims reach the team (printed on letters)",
            {"fields": ("phone", "email", "postal_address", "opening_hours", "opening_hours_welsh")},
        ),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdmin):
    """Read-only: audit rows are never changed or deleted (a trigger refuses it too)."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "summary", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor__email"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SweepRun)
class SweepRunAdmin(AuditedAdmin):
    """When each daily job last finished, by day: read-only (operations.daily writes it)."""

    list_display = ["job", "as_of", "finished_at"]
    list_filter = ["job"]
    date_hierarchy = "as_of"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
