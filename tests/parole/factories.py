"""Factories for parole reviews, statements, licence conditions, tribunal and meeting records."""

from __future__ import annotations

import datetime as dt

import factory

from parole.models import (
    ConditionKind,
    LicenceConditionRequest,
    MeetingKind,
    MultiAgencyMeeting,
    ParoleReview,
    ReviewKind,
    Tribunal,
    TribunalHearing,
    VictimPersonalStatement,
)
from tests.victims.factories import CaseFactory


class ParoleReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParoleReview

    sentence = factory.SubFactory("tests.offenders.factories.SentenceFactory")
    referred_on = dt.date(2026, 4, 1)
    kind = ReviewKind.ORAL
    hearing_on = dt.date(2026, 7, 1)
    recorded_by = factory.SelfAttribute("sentence.created_by")


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VictimPersonalStatement

    case = factory.SubFactory(CaseFactory)
    review = factory.SubFactory(ParoleReviewFactory, sentence=factory.SelfAttribute("..case.sentence"))
    invited_on = dt.date(2026, 4, 10)
    recorded_by = factory.SelfAttribute("case.officer")


class ConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LicenceConditionRequest

    case = factory.SubFactory(CaseFactory)
    kind = ConditionKind.NO_CONTACT
    requested_on = dt.date(2026, 4, 15)
    recorded_by = factory.SelfAttribute("case.officer")


class TribunalHearingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TribunalHearing

    case = factory.SubFactory(CaseFactory)
    applied_on = dt.date(2026, 1, 5)
    tribunal = Tribunal.ENGLAND
    recorded_by = factory.SelfAttribute("case.officer")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MultiAgencyMeeting

    case = factory.SubFactory(CaseFactory)
    kind = MeetingKind.MAPPA
    level = "2"
    held_on = dt.date(2026, 4, 20)
    views_put_forward = "The victim asks for an exclusion zone around the town centre."
    recorded_by = factory.SelfAttribute("case.officer")
