"""Whose teams a dashboard covers: the manager's, the region's, or one team."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, Region, Role, Team, User
from vcs_portal.core.prepared import Prepared
from vcs_portal.core.scope import teams_visible_to

# --- scope --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The teams a dashboard covers: those the manager may see, or one of them."""

    teams: tuple[Team, ...]
    region: Region | None
    whole_region: bool  # a regional manager's view of every team in the region
    team: Team | None = None  # set when narrowed to one team

    @property
    def team_ids(self) -> list[int]:
        return [t.pk for t in self.teams]

    @property
    def label(self) -> str:
        if self.team is not None:
            return self.team.name
        if self.whole_region and self.region is not None:
            return self.region.name
        return ", ".join(t.name for t in self.teams) or "No teams"


def _teams_of(pk: int, region_id: int, regional: bool) -> QuerySet[Team]:
    """A manager's teams (``teams_visible_to``), for a stand-in manager of the same kind."""
    manager = User(
        pk=pk, role=Role.MANAGER, is_regional_manager=regional, is_active=True, region_id=region_id
    )
    return teams_visible_to(manager).select_related("region").order_by("name", "pk")


# Every dashboard page reads them: SQL compiled once (core/prepared.py), one per kind of manager.
_managed_teams = Prepared(lambda pk, region_id: _teams_of(pk, region_id, regional=False))
_region_teams = Prepared(lambda region_id: _teams_of(0, region_id, regional=True))


def dashboard_scope(*, user: Any, team: str | int | None = None, whole_region: bool = False) -> Scope:
    """The scope of a dashboard page for ``user``; 404 for anyone but a manager.

    ``whole_region`` asks for the regional view (regional managers only). ``team`` narrows to
    one team the manager may see; any other value is a 404, whether or not the team exists.
    """
    if not getattr(user, "is_authenticated", False) or user.role != Role.MANAGER:
        raise Http404
    if whole_region and not user.is_regional_manager:
        raise Http404
    if not user.is_active or not user.region_id:
        teams: tuple[Team, ...] = ()  # teams_visible_to: nobody outside a region sees a team
    elif user.is_regional_manager:
        teams = tuple(_region_teams.all(user.region_id))
    else:
        teams = tuple(_managed_teams.all(user.pk, user.region_id))
    region = teams[0].region if teams else None
    if team not in (None, ""):
        chosen = next((t for t in teams if str(t.pk) == str(team)), None)
        if chosen is None:
            # As core.scope.get_visible_or_404 does: the team may exist in another scope.
            audit_record(
                actor=user, action=AuditAction.DENIED, object_type="core.Team", object_id=str(team)[:40]
            )
            raise Http404
        return Scope(teams=(chosen,), region=chosen.region, whole_region=False, team=chosen)
    return Scope(teams=teams, region=region, whole_region=user.is_regional_manager)
