"""Load demo data idempotently: a region, two teams, a demo VLO, manager and admin, and a few cases.

Refuses to run unless DEBUG is on, so it can never create known passwords in production.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from vcs_portal.core.models import Region, Role, Team, User
from vcs_portal.devtools.demo import demo_cases_create

DEMO_PASSWORD = "Demo-password-for-VCS-only"  # noqa: S105 - printed on purpose, DEBUG only

DEMO_USERS = [
    ("vlo@demo.vcs.local", "Valerie", "Lowe", Role.VLO),
    ("manager@demo.vcs.local", "Mohammed", "Khan", Role.MANAGER),
    ("admin@demo.vcs.local", "Ada", "Singh", Role.ADMIN),
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
        region, _ = Region.objects.get_or_create(code="demo-nw", defaults={"name": "North West (demo)"})
        team, _ = Team.objects.get_or_create(region=region, name="Manchester VLO team")
        Team.objects.get_or_create(region=region, name="Liverpool VLO team")
        for email, first, last, role in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User(email=email, first_name=first, last_name=last, role=role, region=region)
                user.team = team if role == Role.VLO else None
                user.is_staff = role == Role.ADMIN
                user.is_superuser = role == Role.ADMIN
                user.set_password(DEMO_PASSWORD)
                user.full_clean()
                user.save()
            if role == Role.MANAGER:
                user.managed_teams.add(team)
            if role == Role.VLO:
                demo_cases_create(vlo=user)
        if quiet:
            return
        self.stdout.write("\nDemo sign-in details (demo data only, never real data):")
        for email, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {Role(role).label:<24} {email:<28} password: {DEMO_PASSWORD}")
        self.stdout.write(
            "On first sign-in you set up an authenticator app by QR code. Without a phone,\n"
            "`make demo-code EMAIL=vlo@demo.vcs.local` prints the current 6-digit code.\n"
        )
