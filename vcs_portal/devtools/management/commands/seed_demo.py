"""Load demo data idempotently: two regions, three teams, VLOs, managers and an admin, and cases.

Refuses to run unless DEBUG is on, so it can never create known passwords in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from vcs_portal.core.models import Region, Role, Team, User
from vcs_portal.devtools.demo import demo_cases_create

DEMO_PASSWORD = "Demo-password-for-VCS-only"  # noqa: S105 - printed on purpose, DEBUG only

NW, WALES = ("demo-nw", "North West (demo)"), ("demo-wales", "Wales (demo)")
MANCHESTER, LIVERPOOL, CARDIFF = "Manchester VLO team", "Liverpool VLO team", "Cardiff VLO team"


@dataclass(frozen=True)
class DemoUser:
    email: str
    first: str
    last: str
    role: str
    region: tuple[str, str]
    team: str = ""  # a VLO's team
    manages: tuple[str, ...] = ()  # a manager's teams
    regional: bool = False


DEMO_USERS = [
    DemoUser("vlo@demo.vcs.local", "Valerie", "Lowe", Role.VLO, NW, team=MANCHESTER),
    DemoUser("vlo2@demo.vcs.local", "Tom", "Price", Role.VLO, NW, team=MANCHESTER),
    DemoUser("liverpool.vlo@demo.vcs.local", "Lena", "Murphy", Role.VLO, NW, team=LIVERPOOL),
    DemoUser("manager@demo.vcs.local", "Mohammed", "Khan", Role.MANAGER, NW, manages=(MANCHESTER,)),
    DemoUser("regional@demo.vcs.local", "Rachel", "Evans", Role.MANAGER, NW, regional=True),
    DemoUser("wales.vlo@demo.vcs.local", "Gareth", "Williams", Role.VLO, WALES, team=CARDIFF),
    DemoUser("admin@demo.vcs.local", "Ada", "Singh", Role.ADMIN, NW),
]


class Command(BaseCommand):
    help = "Create demo users and teams (idempotent; DEBUG only) and print their sign-in details."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print sign-in details.")
        parser.add_argument(
            "--scale",
            choices=["demo", "national"],
            default="demo",
            help="national: also load national-scale synthetic data (seed_national) into an empty database.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed for --scale national.")

    def handle(
        self, *args: Any, quiet: bool = False, scale: str = "demo", seed: int = 1, **options: Any
    ) -> None:
        if scale == "national":
            # Outside the demo data's transaction: seed_national commits its own load, then
            # vacuums, which PostgreSQL refuses inside a transaction.
            call_command("seed_national", seed=seed, verbosity=options.get("verbosity", 1))
            if not settings.DEBUG:
                return  # national data has no known passwords; the demo users need DEBUG
        if not settings.DEBUG:
            raise CommandError("seed_demo creates known passwords and only runs with DEBUG on.")
        self._demo(quiet=quiet)

    @transaction.atomic
    def _demo(self, *, quiet: bool) -> None:
        regions: dict[str, Region] = {}
        teams: dict[str, Team] = {}
        for (code, name), in_wales, team_names in [
            (NW, False, [MANCHESTER, LIVERPOOL]),
            (WALES, True, [CARDIFF]),
        ]:
            regions[code], _ = Region.objects.get_or_create(
                code=code, defaults={"name": name, "in_wales": in_wales}
            )
            for team_name in team_names:
                teams[team_name], _ = Team.objects.get_or_create(region=regions[code], name=team_name)
        officers: dict[str, User] = {}
        for demo in DEMO_USERS:
            user = User.objects.filter(email=demo.email).first()
            if user is None:
                user = User(
                    email=demo.email,
                    first_name=demo.first,
                    last_name=demo.last,
                    role=demo.role,
                    region=regions[demo.region[0]],
                    team=teams[demo.team] if demo.team else None,
                    is_regional_manager=demo.regional,
                    is_staff=demo.role == Role.ADMIN,
                    is_superuser=demo.role == Role.ADMIN,
                )
                user.set_password(DEMO_PASSWORD)
                user.full_clean()
                user.save()
            for team_name in demo.manages:
                user.managed_teams.add(teams[team_name])
            if demo.role == Role.VLO:
                officers[demo.email] = user
        demo_cases_create(officers=officers)
        if quiet:
            return
        self.stdout.write("\nDemo sign-in details (demo data only, never real data):")
        for demo in DEMO_USERS:
            label = "Regional manager" if demo.regional else Role(demo.role).label
            self.stdout.write(f"  {label:<24} {demo.email:<30} password: {DEMO_PASSWORD}")
        self.stdout.write(
            "On first sign-in you set up an authenticator app by QR code. Without a phone,\n"
            "`make demo-code EMAIL=vlo@demo.vcs.local` prints the current 6-digit code.\n"
        )
