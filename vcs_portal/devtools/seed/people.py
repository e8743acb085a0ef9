"""Regions, teams, VLOs and managers, through the ORM (a few hundred rows)."""

from __future__ import annotations

from typing import Any

from vcs_portal.core.models import Region, Role, Team, User

from .base import SeederBase
from .world import REGION_CODE_PREFIX, REGIONS, UNUSABLE_PASSWORD, USER_EMAIL_DOMAIN, TeamInfo


class PeoplePhase(SeederBase):
    """Regions, teams, VLOs and managers, through the ORM (a few hundred rows)."""

    def places(self) -> None:
        scale = self.scale
        team_list: list[Team] = []
        regions: list[Region] = []
        for name, code, wales, towns in REGIONS[scale.first_region : scale.first_region + scale.regions]:
            region, _ = Region.objects.get_or_create(
                code=f"{REGION_CODE_PREFIX}{code}", defaults={"name": name, "in_wales": wales}
            )
            regions.append(region)
            for town in towns[: scale.teams_per_region]:
                team, _ = Team.objects.get_or_create(region=region, name=f"{town} VLO team")
                team_list.append(team)
        existing = {u.email: u for u in User.objects.filter(email__endswith=f"@{USER_EMAIL_DOMAIN}")}
        new: list[User] = []

        def user(role: str, region: Region, team: Team | None, number: int, **extra: Any) -> User:
            first, last = self._name()
            email = f"{first}.{last}.{number}@{USER_EMAIL_DOMAIN}".lower()
            found = existing.get(email)
            if found is not None:
                return found
            made = User(
                email=email,
                first_name=first,
                last_name=last,
                role=role,
                region=region,
                team=team,
                password=UNUSABLE_PASSWORD,
                is_staff=role == Role.ADMIN,
                **extra,
            )
            new.append(made)
            return made

        per_team, extra_vlos = divmod(scale.vlos, len(team_list))
        number = 0
        for i, team in enumerate(team_list):
            vlos = []
            for _ in range(per_team + (1 if i < extra_vlos else 0)):
                number += 1
                vlos.append(user(Role.VLO, team.region, team, number))
            number += 1
            manager = user(Role.MANAGER, team.region, None, number)
            self.teams.append(TeamInfo(team=team, vlos=vlos, manager=manager))
        regional = []
        for region in regions:
            number += 1
            regional.append(user(Role.MANAGER, region, None, number, is_regional_manager=True))
        number += 1
        user(Role.ADMIN, regions[0], None, number)
        User.objects.bulk_create(new)
        through = User.managed_teams.through
        through.objects.bulk_create(
            [through(user_id=t.manager.pk, team_id=t.team.pk) for t in self.teams], ignore_conflicts=True
        )
        self.counts_users = len(new)
