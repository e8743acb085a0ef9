"""Template context shared by every page: the primary navigation and the demo banner."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from .middleware import mfa_relaxed
from .models import Role

# (label, URL name, roles that see it). Items whose page does not exist yet are left out.
NAVIGATION: list[tuple[str, str, set[str]]] = [
    ("My caseload", "victims:caseload", {Role.VLO, Role.MANAGER, Role.ADMIN}),
    ("My tasks", "contacts:my_tasks", {Role.VLO, Role.MANAGER}),
    ("Team", "dashboards:team", {Role.MANAGER}),
    ("Letters", "letters:list", {Role.VLO, Role.MANAGER}),
    ("Audit", "operations:audit", {Role.MANAGER, Role.ADMIN}),
    ("Subject access", "operations:subject_access", {Role.ADMIN}),
    ("Admin", "admin:index", {Role.ADMIN}),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items: list[dict[str, Any]] = []
    if user is not None and user.is_authenticated:
        for label, name, roles in NAVIGATION:
            if user.role not in roles:
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            active = request.path == url or (url != "/" and request.path.startswith(url))
            items.append({"label": label, "url": url, "active": active})
    return {"nav_items": items, "mfa_relaxed": mfa_relaxed()}
