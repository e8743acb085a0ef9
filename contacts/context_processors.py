"""The open-task count shown beside "My tasks" in the service navigation on every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from vcs_portal.core.models import Role

from . import selectors


def open_tasks(request: HttpRequest) -> dict[str, Any]:
    """``open_task_count``: counted only if a template shows it (one query), for people who have tasks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role == Role.ADMIN:
        return {}
    return {"open_task_count": SimpleLazyObject(lambda: selectors.open_task_count(user=user))}
