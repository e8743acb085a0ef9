"""Every create, change and delete in the Django admin is on the audit trail, with before and after.

``AuditedAdmin`` hooks the three places the admin itself records what it did (``log_addition``,
``log_change``, ``log_deletions``), so every path (the change form, the password form, the delete
page and the bulk delete action) writes one audit row per object in the same transaction as the
write. The values are reference data (users, teams, regions, letter wording, offences); secrets
(password hashes, authenticator keys, axes' copies of request data) are never copied.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.contrib import admin
from django.db import models, router, transaction
from django.http import HttpRequest, HttpResponse

from .audit import audit_record
from .models import AuditAction, User

# Never copied into the audit: a password hash or a TOTP key is still a secret, and axes keeps
# the raw request data of failed sign-ins.
SECRET_FIELDS = frozenset({"password", "key", "bin_key", "token", "get_data", "post_data"})
VALUE_MAX = 4000  # characters kept of one value (letter wording is the long one)
BEFORE = "_vcs_audit_before"

Snapshot = dict[str, Any]


def _plain(value: Any) -> Any:
    """A JSON value for the audit: dates as ISO text, long text cut short."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | datetime.timedelta):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    text = str(value)
    return text if len(text) <= VALUE_MAX else text[:VALUE_MAX] + "…"


def snapshot(obj: models.Model) -> Snapshot:
    """The object's field values (foreign keys and many-to-many as primary keys), secrets left out."""
    values: Snapshot = {}
    for field in obj._meta.concrete_fields:
        if field.name not in SECRET_FIELDS:
            values[field.name] = _plain(field.value_from_object(obj))
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return values


def changes_between(before: Snapshot, after: Snapshot) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for every field whose value differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _named_fields(message: Any) -> list[str]:
    """Field names from the admin's own change message (it names 'password' without its value)."""
    names: list[str] = []
    for part in message if isinstance(message, list) else []:
        for detail in part.values() if isinstance(part, dict) else []:
            names.extend(detail.get("fields", []) if isinstance(detail, dict) else [])
    return names


class AuditedAdmin(admin.ModelAdmin):
    """Base for every ModelAdmin: each create, change and delete writes an audit row with its values."""

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            setattr(obj, BEFORE, snapshot(obj))  # before the form changes it in place
        return obj

    def _actor(self, request: HttpRequest) -> User:
        return request.user  # type: ignore[return-value]

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        after = snapshot(obj)
        changes = changes_between({}, {k: v for k, v in after.items() if v not in (None, "", [])})
        audit_record(
            actor=self._actor(request),
            action=AuditAction.CREATE,
            obj=obj,
            summary=f"admin: created {obj._meta.verbose_name} {obj}",
            changes=changes,
        )
        return entry

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        changes = changes_between(getattr(obj, BEFORE, {}), snapshot(obj))
        fields = sorted(changes) or _named_fields(message)  # the message alone names a new password
        audit_record(
            actor=self._actor(request),
            action=AuditAction.UPDATE,
            obj=obj,
            summary=f"admin: changed {obj._meta.verbose_name} {obj}; fields: {', '.join(fields) or 'none'}",
            changes=changes,
        )
        setattr(obj, BEFORE, snapshot(obj))
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            before = getattr(obj, BEFORE, None) or snapshot(obj)
            audit_record(
                actor=self._actor(request),
                action=AuditAction.DELETE,
                obj=obj,
                summary=f"admin: deleted {obj._meta.verbose_name} {obj}",
                changes=changes_between(before, {}),
            )
        return entries

    def response_action(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        """Bulk actions (delete selected) and their audit rows commit or roll back together."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().response_action(request, queryset)


def audited(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    """``admin_class`` with the audit added, for admins that other packages register."""
    if issubclass(admin_class, AuditedAdmin):
        return admin_class
    return type(f"Audited{admin_class.__name__}", (AuditedAdmin, admin_class), {"__module__": __name__})


def audit_registered_admins(site: admin.AdminSite) -> None:
    """Re-register every admin already on ``site`` that is not audited (django-otp, axes, beat, auth)."""
    for model, model_admin in list(site._registry.items()):
        if not isinstance(model_admin, AuditedAdmin):
            site.unregister(model)
            site.register(model, audited(type(model_admin)))
