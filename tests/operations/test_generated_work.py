"""Work the daily jobs make by themselves, end to end: right, and exactly once however often they run."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from contacts.models import ContactWith, Direction, Method, Task, TaskKind, TaskStatus
from contacts.services import contact_record
from tests.offenders.factories import SentenceOffenceFactory
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.letters.default_templates import templates_load
from vcs_portal.letters.models import Letter, LetterKind, LetterStatus, LetterTemplate
from victims.models import CaseStatus, ContactLevel

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def long_opted_in(vlo, manager):
    """Opted in at all key stages on 1 April 2008, sentenced in 2008, first contact made then."""
    templates_load(LetterTemplate)
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        status=CaseStatus.OPTED_IN,
        status_changed_on=dt.date(2008, 4, 1),
        contact_level=ContactLevel.ALL_KEY_STAGES,
        referral_received_on=dt.date(2008, 3, 1),
        first_contact_due=dt.date(2008, 3, 28),
        first_contact_on=dt.date(2008, 3, 20),
        sentence__sentence_date=dt.date(2008, 2, 1),
    )
    SentenceOffenceFactory(sentence=case.sentence)
    AddressFactory(victim=case.victim, recorded_by=vlo)
    return case


def run_daily_jobs(day: dt.date = TODAY) -> str:
    out = StringIO()
    call_command("run_daily_jobs", "--as-of", day.isoformat(), stdout=out)
    return out.getvalue()


def test_daily_jobs_run_three_times_make_one_annual_task_and_one_draft(long_opted_in):
    for _ in range(3):
        run_daily_jobs()
    open_annual = Task.objects.filter(case=long_opted_in, kind=TaskKind.ANNUAL_LETTER, status=TaskStatus.OPEN)
    assert open_annual.count() == 1
    assert Letter.objects.filter(case=long_opted_in, kind=LetterKind.ANNUAL).count() == 1
    assert not Task.objects.filter(case=long_opted_in, kind=TaskKind.ESCALATION).exists()


def test_a_second_run_on_the_same_day_changes_no_task_or_letter(long_opted_in):
    run_daily_jobs()
    before = (
        list(Task.objects.order_by("pk").values()),
        list(Letter.objects.order_by("pk").values_list("pk", "status", "period_key")),
    )
    run_daily_jobs()
    after = (
        list(Task.objects.order_by("pk").values()),
        list(Letter.objects.order_by("pk").values_list("pk", "status", "period_key")),
    )
    assert after == before


def test_the_catch_up_makes_the_current_years_letter_and_records_what_was_missed(long_opted_in):
    run_daily_jobs()
    task = Task.objects.get(case=long_opted_in, kind=TaskKind.ANNUAL_LETTER, status=TaskStatus.OPEN)
    # Opted in 1 April 2008: letters fell due each 1 April; the window (VCS_ANNUAL_LETTER_WINDOW_DAYS)
    # has not yet opened for 2027, so the 2026 letter is the one due now. The case was recorded
    # today, so it is due today, not eight months ago.
    assert (task.dedupe_key, task.due_on) == ("annual:2026", TODAY)
    missed = Task.objects.get(case=long_opted_in, kind=TaskKind.ANNUAL_LETTER, status=TaskStatus.CANCELLED)
    assert missed.dedupe_key == "annual:2025"
    assert "17 annual letters" in missed.outcome
    letter = Letter.objects.get(case=long_opted_in, kind=LetterKind.ANNUAL)
    assert (letter.period_key, letter.status) == ("2026", LetterStatus.DRAFT)


def test_one_missed_first_contact_raises_one_escalation_and_first_contact_closes_it(vlo, manager):
    templates_load(LetterTemplate)
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        referral_received_on=dt.date(2026, 10, 1),
        first_contact_due=dt.date(2026, 10, 29),
        escalation_due=dt.date(2026, 11, 26),
    )
    for day in (dt.date(2026, 10, 30), dt.date(2026, 11, 10), dt.date(2026, 11, 27), TODAY):
        run_daily_jobs(day)
    escalation = Task.objects.get(case=case, kind=TaskKind.ESCALATION)
    assert (escalation.owner, escalation.due_on) == (manager, dt.date(2026, 10, 30))
    contact_record(
        actor=vlo,
        case=case,
        occurred_at=timezone.now(),
        method=Method.PHONE,
        direction=Direction.OUTGOING,
        with_whom=ContactWith.VICTIM,
        summary="Spoke to the victim.",
    )
    escalation.refresh_from_db()
    assert (escalation.status, escalation.outcome) == (
        TaskStatus.DONE,
        "First contact made on 4 December 2026",
    )
    run_daily_jobs()
    assert not Task.objects.open().filter(case=case).exists()


def test_a_discretionary_case_is_never_escalated_by_any_job(vlo, manager):
    templates_load(LetterTemplate)
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        statutory=False,
        first_contact_due=dt.date(2026, 10, 1),
        escalation_due=None,
    )
    run_daily_jobs()
    run_daily_jobs(dt.date(2027, 1, 4))
    assert not Task.objects.filter(case=case, kind=TaskKind.ESCALATION).exists()
