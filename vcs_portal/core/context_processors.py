"""Template context shared by every page: the service navigation and the demo banner."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from .middleware import mfa_relaxed
from .models import Role, User

REGIONAL = "regional"  # a pseudo-role: a manager who sees their whole region

# (label, URL name, who sees it). Items whose page does not exist yet are left out. The open-task
# count beside "My tasks" comes from ``contacts.context_processors.open_tasks`` (core knows no tasks).
NAVIGATION: list[tuple[str, str, set[str]]] = [
    ("My caseload", "victims:caseload", {Role.VLO, Role.MANAGER, REGIONAL, Role.ADMIN}),
    ("My tasks", "contacts:my_tasks", {Role.VLO, Role.MANAGER, REGIONAL}),
    ("Letters", "letters:list", {Role.VLO, Role.MANAGER, REGIONAL}),
    ("Team", "dashboards:team", {Role.MANAGER}),
    ("Region", "dashboards:region", {REGIONAL}),
    ("Audit", "operations:audit", {Role.MANAGER, REGIONAL, Role.ADMIN}),
    ("Subject access", "operations:subject_access", {Role.ADMIN}),
    ("Admin", "admin:index", {Role.ADMIN}),
]


def _audience(user: User) -> str:
    return REGIONAL if user.role == Role.MANAGER and user.is_regional_manager else user.role


def navigation_items(user: Any, path: str) -> list[dict[str, Any]]:
    """The service navigation for ``user`` on ``path``: ``{"label", "name", "url", "current", "active"}``.

    ``current`` is the page itself (``aria-current="page"``), ``active`` a page below it
    (``aria-current="true"``), as GOV.UK's service navigation marks them.
    """
    if user is None or not user.is_authenticated:
        return []
    audience = _audience(user)
    items: list[dict[str, Any]] = []
    for label, name, audiences in NAVIGATION:
        if audience not in audiences:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        current = path == url
        active = not current and url != "/" and path.startswith(url)
        items.append({"label": label, "name": name, "url": url, "current": current, "active": active})
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {
        "nav_items": navigation_items(getattr(request, "user", None), request.path),
        "mfa_relaxed": mfa_relaxed(),
    }
