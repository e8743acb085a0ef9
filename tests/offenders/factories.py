"""Factories for offenders, offences and sentences."""

from __future__ import annotations

import datetime as dt

import factory

from offenders.models import (
    Offence,
    Offender,
    Sentence,
    SentenceOffence,
    SentenceType,
)
from tests.factories import TeamFactory, UserFactory


class OffenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offence
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TEST_OFFENCE_{n}")
    title = factory.Sequence(lambda n: f"Test offence {n}")
    statute = "Offences against the Person Act 1861"
    section = "s.18"
    specified_violent = True


class OffenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offender

    team = factory.SubFactory(TeamFactory)
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = dt.date(1985, 6, 1)
    pnc_number = factory.Sequence(lambda n: f"85/{n:07d}A")
    prison_number = factory.Sequence(lambda n: f"A{n:04d}BC")
    location = "HMP Example"
    created_by = factory.SubFactory(UserFactory, team=factory.SelfAttribute("..team"))


class SentenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sentence

    offender = factory.SubFactory(OffenderFactory)
    sentence_type = SentenceType.DETERMINATE
    sentence_date = dt.date(2026, 3, 26)
    court = "Manchester Crown Court"
    years = 4
    created_by = factory.SelfAttribute("offender.created_by")


class SentenceOffenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SentenceOffence

    sentence = factory.SubFactory(SentenceFactory)
    offence = factory.SubFactory(OffenceFactory)
    offence_date = dt.date(2025, 8, 1)
