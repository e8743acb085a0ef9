"""Factories for victims, addresses and cases."""

from __future__ import annotations

import datetime as dt

import factory

from tests.factories import TeamFactory, UserFactory
from tests.offenders.factories import OffenderFactory, SentenceFactory
from victims.models import Address, Case, Relationship, Victim


class VictimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Victim

    team = factory.SubFactory(TeamFactory)
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = dt.date(1990, 2, 14)
    phone = "07700 900123"
    email = factory.Sequence(lambda n: f"victim{n}@example.com")
    created_by = factory.SubFactory(UserFactory, team=factory.SelfAttribute("..team"))


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    victim = factory.SubFactory(VictimFactory)
    line_1 = factory.Sequence(lambda n: f"{n + 1} Acacia Avenue")
    town = "Salford"
    postcode = "M5 4WT"
    recorded_by = factory.SelfAttribute("victim.created_by")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    team = factory.SubFactory(TeamFactory)
    officer = factory.SubFactory(UserFactory, team=factory.SelfAttribute("..team"))
    victim = factory.SubFactory(
        VictimFactory, team=factory.SelfAttribute("..team"), created_by=factory.SelfAttribute("..officer")
    )
    offender = factory.SubFactory(
        OffenderFactory, team=factory.SelfAttribute("..team"), created_by=factory.SelfAttribute("..officer")
    )
    sentence = factory.SubFactory(
        SentenceFactory,
        offender=factory.SelfAttribute("..offender"),
        created_by=factory.SelfAttribute("..officer"),
    )
    reference = factory.Sequence(lambda n: f"VCS-T{n:06d}")
    relationship = Relationship.DIRECT
    referral_received_on = dt.date(2026, 4, 1)
    first_contact_due = dt.date(2026, 4, 29)
    created_by = factory.SelfAttribute("officer")
