"""Whose teams a dashboard covers: the manager's, the region's, or one team."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, Region, Role, Team
from vcs_portal.core.scope import ScopedPrepared, teams_visible_to

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


# Every dashboard page reads them: compiled once per kind of manager (core.scope.ScopedPrepared).
_scope_teams: ScopedPrepared[Team] = ScopedPrepared(
    lambda user: teams_visible_to(user).select_related("region").order_by("name", "pk")
)


def dashboard_scope(*, user: Any, team: str | int | None = None, whole_region: bool = False) -> Scope:
    """The scope of a dashboard page for ``user``; 404 for anyone but a manager.

    ``whole_region`` asks for the regional view (regional managers only). ``team`` narrows to
    one team the manager may see; any other value is a 404, whether or not the team exists.
    """
    if not getattr(user, "is_authenticated", False) or user.role != Role.MANAGER:
        raise Http404
    if whole_region and not user.is_regional_manager:
        raise Http404
    teams = tuple(_scope_teams.all(user))
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
