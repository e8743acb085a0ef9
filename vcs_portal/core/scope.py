"""What a user may see: the one mechanism every list and detail view starts from.

A VLO sees the cases of their team (or only their own, if
``VCS_VLO_OWN_CASES_ONLY``); a manager the teams they manage; a regional manager
and an admin their region. Nobody sees another region's. Anything outside scope
is a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import Http404

from .models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

_NOTHING = Q(pk__in=[])


def scope_q(user: User | AnonymousUser, *, team: str, owner: str | None = None) -> Q:
    """A filter for rows whose team is at lookup ``team`` and officer at ``owner``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _NOTHING
    region = Q(**{f"{team}__region_id": user.region_id}) if user.region_id else _NOTHING
    if user.role == Role.VLO:
        if not user.team_id:
            return _NOTHING
        q = Q(**{f"{team}_id": user.team_id}) & region
        if settings.VCS_VLO_OWN_CASES_ONLY and owner:
            q &= Q(**{f"{owner}_id": user.pk})
        return q
    if user.role == Role.MANAGER and not user.is_regional_manager:
        managed = user.managed_teams.values("pk")
        return Q(**{f"{team}_id__in": managed}) & region
    # Regional managers and admins see their own region.
    return region


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows where its rows' team and officer are.

    Subclasses set ``scope_team`` (a lookup to a Team) and optionally
    ``scope_owner`` (a lookup to the responsible officer).
    """

    scope_team: str = "team"
    scope_owner: str | None = None

    def visible_to(self, user: User | AnonymousUser) -> Self:
        return self.filter(scope_q(user, team=self.scope_team, owner=self.scope_owner))


M = TypeVar("M", bound=models.Model)


def get_visible_or_404(queryset: models.QuerySet[M], user: Any, **lookup: Any) -> M:
    """Fetch one object the user may see, or raise 404 whether it exists or not.

    A miss is audited as a refused access (the object may exist in another scope).
    """
    try:
        return queryset.visible_to(user).get(**lookup)  # type: ignore[attr-defined]
    # django-stubs gives DoesNotExist to each concrete model, not to Model, so type[M] lacks it.
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        from .audit import audit_record
        from .models import AuditAction

        audit_record(
            actor=user,
            action=AuditAction.DENIED,
            object_type=queryset.model._meta.label,
            object_id=str(lookup.get("pk", ""))[:40],
        )
        raise Http404 from exc


def teams_visible_to(user: User | AnonymousUser) -> models.QuerySet:
    """The teams whose work ``user`` may see, by the same rules as ``scope_q``."""
    from .models import Team

    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.region_id:
        return Team.objects.none()
    teams = Team.objects.filter(region_id=user.region_id)
    if user.role == Role.VLO:
        # The plugin refuses None for pk, but a VLO without a team simply matches no team.
        return teams.filter(pk=user.team_id)  # type: ignore[misc]
    if user.role == Role.MANAGER and not user.is_regional_manager:
        return teams.filter(pk__in=user.managed_teams.values("pk"))
    return teams
