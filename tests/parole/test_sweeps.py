"""Parole's sweeps: prompts to re-offer the scheme as release or a parole review nears."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from contacts.models import Task, TaskKind, TaskStatus
from offenders.models import EventKind, KeyDate, KeyDateKind, SentenceEvent
from parole import services
from parole.models import ParoleOutcome, ReviewKind
from parole.sweeps import reoffer_sweep
from tests.victims.factories import CaseFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from vcs_portal.core.sweeps import SweepResult
from vcs_portal.letters.models import Letter
from victims.models import CaseStatus, ContactLevel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2026, 5, 20)


@pytest.fixture
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 5, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def make_case(team_a1, vlo):
    def make(**kwargs):
        kwargs.setdefault("team", team_a1)
        kwargs.setdefault("officer", vlo)
        kwargs.setdefault("first_contact_due", dt.date(2026, 6, 30))
        kwargs.setdefault("escalation_due", dt.date(2026, 7, 30))
        kwargs.setdefault("sentence__sentence_type", "life")
        kwargs.setdefault("sentence__years", None)
        return CaseFactory(**kwargs)

    return make


def sweep(day: dt.date = TODAY) -> SweepResult:
    return reoffer_sweep(as_of=day)


def opted_in(make_case, level=ContactLevel.ANNUAL, since=dt.date(2025, 6, 1), **kwargs):
    return make_case(
        status=CaseStatus.OPTED_IN,
        contact_level=level,
        status_changed_on=since,
        first_contact_on=since,
        **kwargs,
    )


def key_date(case, kind, on, **kwargs):
    return KeyDate.objects.create(
        sentence=case.sentence, kind=kind, date=on, source="Prison", recorded_by=case.officer, **kwargs
    )


def test_an_opted_out_victim_is_reconsidered_as_release_nears(make_case):
    case = make_case(status=CaseStatus.OPTED_OUT, first_contact_on=dt.date(2026, 4, 10))
    key_date(case, KeyDateKind.CRD, dt.date(2026, 7, 1))
    assert sweep()["tasks created"] == 1
    task = Task.objects.get(kind=TaskKind.REOFFER)
    assert task.dedupe_key == "reoffer:crd:2026-07-01"
    assert task.title == "Consider re-offering the scheme: conditional release date (CRD) on 1 July 2026"


def test_a_parole_hearing_prompts_a_reoffer(make_case):
    case = make_case(status=CaseStatus.DECLINED, first_contact_on=dt.date(2026, 4, 10))
    SentenceEvent.objects.create(
        sentence=case.sentence,
        kind=EventKind.PAROLE_HEARING,
        occurred_on=dt.date(2026, 8, 1),
        recorded_by=case.officer,
    )
    sweep()
    assert Task.objects.get(kind=TaskKind.REOFFER).dedupe_key == "reoffer:parole_hearing:2026-08-01"


def test_only_the_current_key_date_prompts_a_reoffer(make_case):
    case = make_case(status=CaseStatus.OPTED_OUT, first_contact_on=dt.date(2026, 4, 10))
    key_date(case, KeyDateKind.PED, dt.date(2026, 7, 1))
    key_date(case, KeyDateKind.PED, dt.date(2027, 7, 1))  # recalculated: now outside the window
    sweep()
    assert not Task.objects.filter(kind=TaskKind.REOFFER).exists()


def test_a_date_beyond_the_window_prompts_nothing(make_case):
    case = make_case(status=CaseStatus.NO_RESPONSE)
    key_date(case, KeyDateKind.CRD, TODAY + dt.timedelta(days=91))
    sweep()
    assert not Task.objects.filter(kind=TaskKind.REOFFER).exists()


def test_an_opted_in_victim_is_not_prompted_to_reoffer(make_case):
    case = opted_in(make_case, since=dt.date(2026, 4, 10))
    key_date(case, KeyDateKind.CRD, dt.date(2026, 7, 1))
    sweep()
    assert not Task.objects.filter(kind=TaskKind.REOFFER).exists()


def test_the_sweep_run_twice_makes_one_reoffer_task(make_case):
    case = make_case(status=CaseStatus.UNABLE_TO_TRACE)
    key_date(case, KeyDateKind.CRD, dt.date(2026, 7, 1))
    sweep()
    assert sweep()["tasks created"] == 0
    assert Task.objects.filter(kind=TaskKind.REOFFER).count() == 1


def test_a_prompt_is_due_from_its_window_whichever_day_it_is_made(make_case):
    case = make_case(status=CaseStatus.OPTED_OUT)
    key_date(case, KeyDateKind.CRD, dt.date(2026, 7, 1))
    sweep(dt.date(2026, 6, 20))
    # The window opened on 2 April (90 days before); ten working days on, past Easter, is 20 April.
    assert Task.objects.get(kind=TaskKind.REOFFER).due_on == dt.date(2026, 4, 20)


def test_a_prompt_whose_date_has_passed_is_closed_with_the_reason(make_case):
    case = make_case(status=CaseStatus.OPTED_OUT)
    key_date(case, KeyDateKind.CRD, dt.date(2026, 7, 1))
    sweep()
    assert sweep(dt.date(2026, 7, 2))["tasks closed"] == 1
    task = Task.objects.get(kind=TaskKind.REOFFER)
    assert (task.status, task.outcome) == (TaskStatus.CANCELLED, "The date (1 July 2026) has passed")


def test_a_prompt_for_a_changed_date_is_closed_and_the_new_date_prompted(make_case):
    case = make_case(status=CaseStatus.OPTED_OUT)
    key_date(case, KeyDateKind.CRD, dt.date(2026, 7, 1))
    sweep()
    key_date(case, KeyDateKind.CRD, dt.date(2026, 7, 15))
    sweep()
    old, new = Task.objects.filter(kind=TaskKind.REOFFER).order_by("pk")
    assert old.status == TaskStatus.CANCELLED and "no longer on record" in old.outcome
    assert (new.status, new.dedupe_key) == (TaskStatus.OPEN, "reoffer:crd:2026-07-15")


def test_a_victim_back_in_the_scheme_closes_the_prompt_as_done(make_case):
    case = make_case(status=CaseStatus.OPTED_OUT)
    key_date(case, KeyDateKind.CRD, dt.date(2026, 7, 1))
    sweep()
    case.status, case.status_changed_on = CaseStatus.OPTED_IN, TODAY
    case.save(update_fields=["status", "status_changed_on"])
    sweep()
    task = Task.objects.get(kind=TaskKind.REOFFER)
    assert (task.status, task.outcome) == (TaskStatus.DONE, "The victim opted in again on 20 May 2026")


# --- a parole review opened -------------------------------------------------------------------


def open_review(case, vlo, **kwargs):
    kwargs.setdefault("referred_on", dt.date(2026, 5, 11))
    kwargs.setdefault("kind", ReviewKind.ORAL)
    return services.parole_review_create(actor=vlo, sentence=case.sentence, **kwargs)


def test_opening_a_parole_review_prompts_a_reoffer_for_an_opted_out_victim_and_no_letter(make_case, vlo):
    case = make_case(status=CaseStatus.OPTED_OUT)
    review = open_review(case, vlo, hearing_on=dt.date(2026, 11, 2))
    task = Task.objects.get(kind=TaskKind.REOFFER)
    assert (task.case, task.dedupe_key, task.owner) == (case, f"reoffer:review:{review.pk}", vlo)
    assert task.title == "Consider re-offering the scheme: parole review opened on 11 May 2026"
    assert task.due_on == dt.date(
        2026, 5, 26
    )  # ten working days after the referral (25 May is a bank holiday)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(task.pk), actor=vlo).exists()
    assert not Letter.objects.exists()


def test_a_never_reached_victim_is_prompted_too_and_an_opted_in_one_is_not(make_case, vlo):
    unreached = make_case(status=CaseStatus.UNABLE_TO_TRACE)
    opted_in(make_case, sentence=unreached.sentence, offender=unreached.offender)
    open_review(unreached, vlo)
    assert list(Task.objects.filter(kind=TaskKind.REOFFER).values_list("case", flat=True)) == [unreached.pk]


def test_the_review_and_its_hearing_raise_one_prompt_however_often_the_jobs_run(make_case, vlo):
    case = make_case(status=CaseStatus.DECLINED)
    review = open_review(case, vlo, hearing_on=dt.date(2026, 7, 1))
    SentenceEvent.objects.create(
        sentence=case.sentence,
        kind=EventKind.PAROLE_HEARING,
        occurred_on=dt.date(2026, 7, 1),
        recorded_by=vlo,
    )
    sweep()
    sweep()
    assert list(Task.objects.filter(kind=TaskKind.REOFFER).values_list("dedupe_key", flat=True)) == [
        f"reoffer:review:{review.pk}"
    ]


def test_the_sweep_catches_up_a_review_recorded_without_its_prompt(make_case, vlo):
    case = make_case(status=CaseStatus.OPTED_OUT)
    open_review(case, vlo)
    Task.objects.all().delete()
    assert sweep()["tasks created"] == 1


def test_a_decided_review_closes_its_prompt(make_case, vlo):
    case = make_case(status=CaseStatus.OPTED_OUT)
    review = open_review(case, vlo)
    services.parole_decision_record(
        actor=vlo, review=review, outcome=ParoleOutcome.NO_RELEASE, decision_on=TODAY
    )
    task = Task.objects.get(kind=TaskKind.REOFFER)
    assert (task.status, task.outcome) == (
        TaskStatus.CANCELLED,
        "The parole review was decided on 20 May 2026",
    )
    sweep()
    assert Task.objects.filter(kind=TaskKind.REOFFER).count() == 1
