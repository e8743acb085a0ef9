"""What a user may see: the one mechanism every list and detail view starts from.

A VLO sees the cases of their team (or only their own, if
``VCS_VLO_OWN_CASES_ONLY``); a manager the teams they manage; a regional manager
and an admin their region. Nobody sees another region's. Anything outside scope
is a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, NoReturn, Self, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import Http404

from .audit import audit_record
from .models import AuditAction, Role, Team, User
from .prepared import Prepared

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


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
        refuse(user, queryset.model, lookup.get("pk", ""), exc)


def refuse(user: Any, model: type[models.Model], object_id: Any, cause: Exception | None = None) -> NoReturn:
    """A 404 for an object outside the user's scope (or missing: the answer is the same), the
    refusal audited. Every scoped read by key ends here when it finds nothing."""
    audit_record(
        actor=user, action=AuditAction.DENIED, object_type=model._meta.label, object_id=str(object_id)[:40]
    )
    raise Http404 from cause


def teams_visible_to(user: User | AnonymousUser) -> models.QuerySet:
    """The teams whose work ``user`` may see, by the same rules as ``scope_q``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.region_id:
        return Team.objects.none()
    teams = Team.objects.filter(region_id=user.region_id)
    if user.role == Role.VLO:
        # The plugin refuses None for pk, but a VLO without a team simply matches no team.
        return teams.filter(pk=user.team_id)  # type: ignore[misc]
    if user.role == Role.MANAGER and not user.is_regional_manager:
        return teams.filter(pk__in=user.managed_teams.values("pk"))
    return teams


class ScopedPrepared(Generic[M]):
    """A read compiled once (``core.prepared.Prepared``) in a user's scope.

    ``build(user, *args)`` returns the queryset; it is given a stand-in user of the same kind as
    the real one, whose scope values (a VLO's team, a manager's managed teams, the region) are the
    SQL's arguments, so one SQL serves every user of a kind. A user who sees nothing (inactive,
    outside a region, a VLO without a team) gets nothing, as ``scope_q`` gives them.
    """

    def __init__(self, build: Callable[..., models.QuerySet[M]]) -> None:
        self._build = build
        self._by_kind: dict[str, Prepared[M]] = {}

    @staticmethod
    def _kind(user: Any) -> tuple[str, tuple[int, ...]] | None:
        if not getattr(user, "is_authenticated", False) or not user.is_active or not user.region_id:
            return None
        if user.role == Role.VLO:
            if not user.team_id:
                return None
            if settings.VCS_VLO_OWN_CASES_ONLY:
                return "vlo, own cases", (user.team_id, user.region_id, user.pk)
            return "vlo", (user.team_id, user.region_id)
        if user.role == Role.MANAGER and not user.is_regional_manager:
            return "manager", (user.pk, user.region_id)
        return "region", (user.region_id,)

    @staticmethod
    def _stand_in(kind: str, values: Sequence[int]) -> Any:
        if kind.startswith("vlo"):
            team_id, region_id, *own = values
            officer = own[0] if own else 0  # only an own-cases-only scope reads the VLO's pk
            return User(pk=officer, role=Role.VLO, team_id=team_id, region_id=region_id, is_active=True)
        if kind == "manager":
            return User(pk=values[0], role=Role.MANAGER, region_id=values[1], is_active=True)
        return User(pk=0, role=Role.MANAGER, is_regional_manager=True, region_id=values[0], is_active=True)

    def _for(self, user: Any) -> tuple[Prepared[M], tuple[int, ...]] | None:
        """The compiled read for ``user``'s kind and their scope's values; None if they see nothing."""
        found = self._kind(user)
        if found is None:
            return None
        kind, values = found
        prepared = self._by_kind.get(kind)
        if prepared is None:
            width = len(values)
            prepared = self._by_kind[kind] = Prepared(
                lambda *values: self._build(self._stand_in(kind, values[:width]), *values[width:])
            )
        return prepared, values

    def first(self, user: Any, *args: Any, fixed: tuple[Any, ...] = ()) -> M | None:
        found = self._for(user)
        return found[0].first(*found[1], *args, fixed=fixed) if found else None

    def all(self, user: Any, *args: Any, fixed: tuple[Any, ...] = ()) -> list[M]:
        found = self._for(user)
        return found[0].all(*found[1], *args, fixed=fixed) if found else []

    def count(self, user: Any, *args: Any, fixed: tuple[Any, ...] = ()) -> int:
        found = self._for(user)
        return found[0].count(*found[1], *args, fixed=fixed) if found else 0

    def window(self, offset: int, limit: int, user: Any, *args: Any, fixed: tuple[Any, ...] = ()) -> list[M]:
        """``Prepared.window``: a page of the rows, its bounds passed as parameters."""
        found = self._for(user)
        return found[0].window(offset, limit, *found[1], *args, fixed=fixed) if found else []

    def annotation(self, name: str, user: Any, *args: Any, fixed: tuple[Any, ...] = ()) -> list[Any]:
        """``Prepared.annotation``: one annotation's value for each row, without the objects."""
        found = self._for(user)
        return found[0].annotation(name, *found[1], *args, fixed=fixed) if found else []
