"""factory-boy factories for users, teams and regions (domain factories live beside their tests)."""

from __future__ import annotations

from functools import cache

import factory
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from vcs_portal.core.models import Region, Role, Team, User

PASSWORD = "correct horse battery staple"


@cache
def _password_hash() -> str:
    """Hash the shared test password once (argon2 is deliberately slow)."""
    return make_password(PASSWORD)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Region {n}")
    code = factory.Sequence(lambda n: f"r{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    phone = "0300 047 1000"
    email = factory.Sequence(lambda n: f"vcs.team{n}@justice.gov.uk")
    postal_address = "Victim Contact Unit\nPO Box 100\nManchester\nM1 1AA"
    opening_hours = "Monday to Friday, 9am to 5pm"


class UserFactory(factory.django.DjangoModelFactory):
    """A VLO by default; pass role= and team/region as needed."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@probation.example.gov.uk")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    role = Role.VLO
    team = factory.SubFactory(TeamFactory)
    region = factory.LazyAttribute(lambda u: u.team.region if u.team else RegionFactory())
    password = factory.LazyFunction(_password_hash)
    is_staff = factory.LazyAttribute(lambda u: u.role == Role.ADMIN)


class ManagerFactory(UserFactory):
    role = Role.MANAGER
    team = None

    @factory.post_generation
    def managed_teams(self, create: bool, teams: list[Team] | None, **kwargs: object) -> None:
        if create and teams:
            self.managed_teams.set(teams)


class AdminFactory(UserFactory):
    role = Role.ADMIN
    team = None


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True
