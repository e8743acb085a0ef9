"""Builders for dashboard tests: cases with deadlines, tasks, key dates, reviews and statements."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pytest
from django.utils import timezone

from contacts.models import Task, TaskKind, TaskStatus
from offenders.models import KeyDate, KeyDateKind
from parole.models import ParoleReview, ReviewKind, VictimPersonalStatement
from tests.factories import ManagerFactory
from victims.models import Case, CaseStatus, CaseStatusChange

TODAY = dt.date(2026, 5, 1)


@pytest.fixture
def today(settings: Any) -> dt.date:
    return timezone.localdate()


@pytest.fixture
def outsider_manager(team_b1):
    """A manager in region B: must see nothing of region A."""
    return ManagerFactory(
        email="oscar@probation.example.gov.uk",
        first_name="Oscar",
        region=team_b1.region,
        managed_teams=[team_b1],
    )


@pytest.fixture
def make_case(make_case):
    """A case referred five days ago, first contact due in 20 days; ``days_overdue`` moves both back."""
    today = timezone.localdate()
    return partial(
        make_case,
        referral_received_on=today - dt.timedelta(days=5),
        first_contact_due=today + dt.timedelta(days=20),
    )


def key_date(case: Case, kind: str, on: dt.date, *, recorded_days_ago: int = 10) -> KeyDate:
    return KeyDate.objects.create(
        sentence=case.sentence,
        kind=kind,
        date=on,
        source="test",
        recorded_at=timezone.now() - dt.timedelta(days=recorded_days_ago),
        recorded_by=case.officer,
    )


def crd(case: Case, days_ahead: int, **kwargs: Any) -> KeyDate:
    return key_date(case, KeyDateKind.CRD, timezone.localdate() + dt.timedelta(days=days_ahead), **kwargs)


def review(case: Case, hearing_on: dt.date | None, **fields: Any) -> ParoleReview:
    fields.setdefault("referred_on", (hearing_on or timezone.localdate()) - dt.timedelta(days=180))
    return ParoleReview.objects.create(
        sentence=case.sentence,
        kind=ReviewKind.ORAL,
        hearing_on=hearing_on,
        recorded_by=case.officer,
        **fields,
    )


def statement(
    case: Case, parole_review: ParoleReview, *, submitted_on: dt.date | None
) -> VictimPersonalStatement:
    received = submitted_on - dt.timedelta(days=2) if submitted_on else None
    return VictimPersonalStatement.objects.create(
        case=case,
        review=parole_review,
        invited_on=parole_review.referred_on,
        disclosure_explained_on=parole_review.referred_on if received else None,
        received_on=received,
        submitted_on=submitted_on,
        recorded_by=case.officer,
    )


def task(
    case: Case, *, due_days_ago: int, kind: str = TaskKind.MANUAL, status: str = TaskStatus.OPEN, owner=None
) -> Task:
    return Task.objects.create(
        case=case,
        kind=kind,
        title="A task",
        due_on=timezone.localdate() - dt.timedelta(days=due_days_ago),
        owner=owner or case.officer,
        status=status,
        outcome="Done" if status == TaskStatus.DONE else "",
        created_by=case.officer,
    )


def status_change(case: Case, to_status: str, on: dt.date, *, from_status: str = "") -> CaseStatusChange:
    return CaseStatusChange.objects.create(
        case=case, from_status=from_status, to_status=to_status, changed_on=on, recorded_by=case.officer
    )


def offered(case: Case, on: dt.date, *, then: str | None = None, then_on: dt.date | None = None) -> Case:
    """Record an offer letter (and optionally the reply) on ``case``, keeping its status in step."""
    status_change(case, CaseStatus.OFFER_SENT, on, from_status=CaseStatus.REFERRED)
    case.status, case.status_changed_on, case.first_contact_on = CaseStatus.OFFER_SENT, on, on
    if then:
        status_change(case, then, then_on or on, from_status=CaseStatus.OFFER_SENT)
        case.status, case.status_changed_on = then, then_on or on
    case.save()
    return case
