"""Factories for contacts, tasks and referrals out."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from contacts.models import (
    Contact,
    ContactWith,
    Direction,
    Method,
    ReferralOut,
    ReferralService,
    Task,
    TaskKind,
)
from tests.victims.factories import CaseFactory


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    case = factory.SubFactory(CaseFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    method = Method.PHONE
    direction = Direction.OUTGOING
    with_whom = ContactWith.VICTIM
    summary = "Explained the scheme and what happens next."
    author = factory.SelfAttribute("case.officer")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    case = factory.SubFactory(CaseFactory)
    kind = TaskKind.MANUAL
    title = factory.Sequence(lambda n: f"Task number {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    owner = factory.SelfAttribute("case.officer")
    created_by = factory.SelfAttribute("case.officer")


class ReferralOutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralOut

    case = factory.SubFactory(CaseFactory)
    service = ReferralService.VICTIM_SUPPORT
    referred_on = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SelfAttribute("case.officer")
