"""The daily sweeps: each makes what is due, catches up a missed day, and a second run is a no-op."""

from __future__ import annotations

import datetime as dt

import pytest

from contacts.models import Task, TaskKind, TaskStatus
from contacts.services import task_ensure
from contacts.sweeps import deadline_sweep
from tests.factories import ManagerFactory
from vcs_portal.core.models import AuditEvent
from vcs_portal.letters import sweeps
from vcs_portal.letters.models import Letter, LetterKind
from victims.models import CaseStatus, ContactLevel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

# The case opted in on 20 April 2026: its first annual letter is due on 20 April 2027.
ANNUAL_DUE = dt.date(2027, 4, 20)


def counts(kind: str, task_kind: str) -> tuple[int, int]:
    return Letter.objects.filter(kind=kind).count(), Task.objects.filter(kind=task_kind).count()


# --- annual letters -------------------------------------------------------------------------------


def test_the_annual_letter_is_drafted_once_it_falls_within_the_window(case):
    assert sweeps.annual_letter_sweep(as_of=ANNUAL_DUE - dt.timedelta(days=31))["letters drafted"] == 0
    result = sweeps.annual_letter_sweep(as_of=ANNUAL_DUE - dt.timedelta(days=30))
    assert (result["letters drafted"], result["tasks created"]) == (1, 1)
    letter = Letter.objects.get()
    assert (letter.kind, letter.period_key, letter.created_by) == (LetterKind.ANNUAL, "2027", None)
    task = Task.objects.get(kind=TaskKind.ANNUAL_LETTER)
    assert (task.dedupe_key, task.due_on, task.owner) == ("annual:2027", ANNUAL_DUE, case.officer)


def test_the_annual_sweep_twice_makes_one_letter_and_one_task(case):
    first = sweeps.annual_letter_sweep(as_of=ANNUAL_DUE)
    second = sweeps.annual_letter_sweep(as_of=ANNUAL_DUE)
    assert (
        first["letters drafted"],
        first["tasks created"],
        second["letters drafted"],
        second["tasks created"],
    ) == (1, 1, 0, 0)
    assert counts(LetterKind.ANNUAL, TaskKind.ANNUAL_LETTER) == (1, 1)


def test_a_missed_day_is_caught_up(case):
    sweeps.annual_letter_sweep(as_of=ANNUAL_DUE + dt.timedelta(days=20))
    assert counts(LetterKind.ANNUAL, TaskKind.ANNUAL_LETTER) == (1, 1)


def test_the_deadline_sweeps_task_and_ours_are_the_same_task(case):
    deadline_sweep(as_of=ANNUAL_DUE - dt.timedelta(days=10))
    assert Task.objects.filter(kind=TaskKind.ANNUAL_LETTER).count() == 1
    result = sweeps.annual_letter_sweep(as_of=ANNUAL_DUE - dt.timedelta(days=10))
    assert (result["letters drafted"], result["tasks created"]) == (1, 0)
    assert counts(LetterKind.ANNUAL, TaskKind.ANNUAL_LETTER) == (1, 1)


def test_next_years_letter_follows_the_cycle(case):
    sweeps.annual_letter_sweep(as_of=ANNUAL_DUE)
    assert sweeps.annual_letter_sweep(as_of=dt.date(2028, 3, 20))["letters drafted"] == 0
    result = sweeps.annual_letter_sweep(as_of=dt.date(2028, 3, 21))
    assert (result["letters drafted"], result["tasks created"]) == (1, 1)
    assert sorted(Letter.objects.values_list("period_key", flat=True)) == ["2027", "2028"]


def test_a_completed_annual_task_gets_no_letter(case):
    task, _ = task_ensure(
        case=case, kind=TaskKind.ANNUAL_LETTER, dedupe_key="annual:2027", title="x", due_on=ANNUAL_DUE
    )
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.DONE, outcome="Phoned instead")
    sweeps.annual_letter_sweep(as_of=ANNUAL_DUE)
    assert not Letter.objects.exists()


@pytest.mark.parametrize(
    ("status", "level"),
    [
        (CaseStatus.OPTED_IN, ContactLevel.RELEASE_MONTH),
        (CaseStatus.OPTED_OUT, ContactLevel.ANNUAL),
        (CaseStatus.REFERRED, ContactLevel.ANNUAL),
    ],
)
def test_only_victims_who_chose_yearly_letters_get_one(make_case, status, level):
    make_case(status=status, contact_level=level)
    sweeps.annual_letter_sweep(as_of=ANNUAL_DUE)
    assert counts(LetterKind.ANNUAL, TaskKind.ANNUAL_LETTER) == (0, 0)


def test_the_window_is_a_setting(case, settings):
    settings.VCS_ANNUAL_LETTER_WINDOW_DAYS = 60
    assert sweeps.annual_letter_sweep(as_of=ANNUAL_DUE - dt.timedelta(days=60))["letters drafted"] == 1


# --- release alerts --------------------------------------------------------------------------------

# CRD 14 March 2027, PED 12 January 2027 (conftest); alerts 56 days before.
CRD_ALERT = dt.date(2027, 1, 17)


def test_a_release_alert_comes_56_days_before_the_crd(case):
    assert not Letter.objects.filter(kind=LetterKind.RELEASE).exists()
    sweeps.release_alert_sweep(as_of=CRD_ALERT - dt.timedelta(days=1))
    assert not Letter.objects.filter(kind=LetterKind.RELEASE).exists()
    result = sweeps.release_alert_sweep(as_of=CRD_ALERT)
    letter = Letter.objects.get(kind=LetterKind.RELEASE)
    assert letter.period_key == "crd:2027-03-14"
    task = Task.objects.get(kind=TaskKind.KEY_EVENT, dedupe_key="alert:crd:2027-03-14")
    assert task.due_on == dt.date(2027, 2, 14)  # 28 days before, so the letter arrives in time
    assert "14 March 2027" in task.title  # the VLO sees the date; the victim will see the month
    assert result["letters drafted"] >= 1


def test_the_release_alert_sweep_twice_makes_one_letter_and_one_task(case):
    first = sweeps.release_alert_sweep(as_of=CRD_ALERT)
    second = sweeps.release_alert_sweep(as_of=CRD_ALERT + dt.timedelta(days=3))
    assert (second["letters drafted"], second["tasks created"]) == (0, 0)
    assert (
        first["letters drafted"] == Letter.objects.count() and first["tasks created"] == Task.objects.count()
    )
    assert counts(LetterKind.RELEASE, TaskKind.KEY_EVENT)[0] == 1


def test_ped_and_parole_hearing_alerts_for_all_key_stages(case, vlo):
    from parole.models import ParoleReview, ReviewKind

    ParoleReview.objects.create(
        sentence=case.sentence,
        referred_on=dt.date(2026, 10, 1),
        kind=ReviewKind.ORAL,
        hearing_on=dt.date(2027, 1, 5),
        recorded_by=vlo,
    )
    sweeps.release_alert_sweep(as_of=dt.date(2026, 11, 20))
    assert set(Letter.objects.values_list("kind", "period_key")) == {
        (LetterKind.PAROLE_REVIEW, "ped:2027-01-12"),
        (LetterKind.VPS_INVITATION, "hearing:2027-01-05"),
    }
    assert set(Task.objects.values_list("dedupe_key", flat=True)) == {
        "alert:ped:2027-01-12",
        "alert:hearing:2027-01-05",
    }


def test_a_release_month_only_victim_hears_only_about_release(make_case):
    make_case(contact_level=ContactLevel.RELEASE_MONTH)
    sweeps.release_alert_sweep(as_of=dt.date(2026, 11, 20))  # PED within the window: not for them
    sweeps.release_alert_sweep(as_of=CRD_ALERT)
    assert list(Letter.objects.values_list("kind", flat=True)) == [LetterKind.RELEASE]


def test_a_changed_crd_gets_a_new_alert(case, vlo):
    from offenders.models import KeyDate, KeyDateKind

    sweeps.release_alert_sweep(as_of=CRD_ALERT)
    KeyDate.objects.create(
        sentence=case.sentence,
        kind=KeyDateKind.CRD,
        date=dt.date(2027, 3, 1),
        source="recalculated",
        recorded_by=vlo,
    )
    sweeps.release_alert_sweep(as_of=CRD_ALERT)
    assert set(Letter.objects.filter(kind=LetterKind.RELEASE).values_list("period_key", flat=True)) == {
        "crd:2027-03-14",
        "crd:2027-03-01",
    }


def test_opted_out_victims_get_no_alert_letters(make_case):
    make_case(status=CaseStatus.OPTED_OUT)
    sweeps.release_alert_sweep(as_of=CRD_ALERT)
    assert not Letter.objects.exists()


def test_one_case_that_cannot_be_drafted_does_not_stop_the_sweep(make_case, monkeypatch):
    from vcs_portal.letters.models import LetterTemplate

    make_case(reference="VCS-A")
    make_case(reference="VCS-B", victim__language="cy")
    LetterTemplate.objects.filter(kind=LetterKind.RELEASE, language="cy").update(body="{{ nope }}")
    result = sweeps.release_alert_sweep(as_of=CRD_ALERT)
    assert result.errors == 1
    assert list(Letter.objects.filter(kind=LetterKind.RELEASE).values_list("case__reference", flat=True)) == [
        "VCS-A"
    ]


# --- escalation -------------------------------------------------------------------------------------


@pytest.fixture
def overdue_task(case):
    task, _ = task_ensure(
        case=case,
        kind=TaskKind.FOLLOW_UP,
        dedupe_key="contact:0",  # no contact has id 0: a contact logged in a test never settles it
        title="Call back",
        due_on=dt.date(2026, 11, 9),
    )
    return task


def test_a_task_overdue_by_more_than_10_days_goes_to_a_manager(overdue_task, manager):
    assert sweeps.escalation_sweep(as_of=dt.date(2026, 11, 19))["tasks created"] == 0  # 10 days: not yet
    result = sweeps.escalation_sweep(as_of=dt.date(2026, 11, 20))
    assert result["tasks created"] == 1
    escalation = Task.objects.get(kind=TaskKind.ESCALATION)
    assert (escalation.owner, escalation.dedupe_key, escalation.priority) == (
        manager,
        f"overdue:{overdue_task.pk}",
        "high",
    )
    assert escalation.due_on == dt.date(2026, 11, 20)
    assert "Call back" in escalation.title


def test_escalation_twice_makes_one_task(overdue_task, manager):
    sweeps.escalation_sweep(as_of=dt.date(2026, 11, 25))
    assert sweeps.escalation_sweep(as_of=dt.date(2026, 11, 26))["tasks created"] == 0
    assert Task.objects.filter(kind=TaskKind.ESCALATION).count() == 1


def test_a_team_without_a_manager_escalates_to_the_regional_manager(overdue_task, regional_manager):
    sweeps.escalation_sweep(as_of=dt.date(2026, 11, 25))
    assert Task.objects.get(kind=TaskKind.ESCALATION).owner == regional_manager


def test_no_manager_at_all_is_reported(overdue_task):
    result = sweeps.escalation_sweep(as_of=dt.date(2026, 11, 25))
    assert result["tasks created"] == 0 and "1 overdue tasks have no manager" in result.line()


def test_done_tasks_and_escalations_are_not_escalated(overdue_task, manager):
    sweeps.escalation_sweep(as_of=dt.date(2026, 11, 25))
    Task.objects.filter(pk=overdue_task.pk).update(status=TaskStatus.DONE, outcome="Done")
    sweeps.escalation_sweep(as_of=dt.date(2027, 1, 25))  # the escalation itself is now overdue too
    assert Task.objects.filter(kind=TaskKind.ESCALATION).count() == 1


def test_a_second_manager_does_not_change_who_gets_it(overdue_task, manager, team_a1):
    ManagerFactory(region=team_a1.region, managed_teams=[team_a1])
    sweeps.escalation_sweep(as_of=dt.date(2026, 11, 25))
    assert Task.objects.get(kind=TaskKind.ESCALATION).owner == manager


def test_an_overdue_task_escalation_survives_the_next_deadline_sweep(overdue_task, manager, case):
    """Only the first-contact escalation closes when contact is made: an escalation about other
    overdue work stays with the manager."""
    case.first_contact_on = dt.date(2026, 6, 1)
    case.save(update_fields=["first_contact_on"])
    sweeps.escalation_sweep(as_of=dt.date(2026, 11, 25))
    deadline_sweep(as_of=dt.date(2026, 11, 26))
    escalation = Task.objects.get(kind=TaskKind.ESCALATION)
    assert escalation.status == TaskStatus.OPEN, escalation.outcome


def test_first_contact_with_the_victim_leaves_an_overdue_task_escalation_open(
    overdue_task, manager, case, vlo
):
    from django.utils import timezone

    from contacts.models import ContactWith, Direction, Method
    from contacts.services import contact_record

    case.first_contact_on = None
    case.save(update_fields=["first_contact_on"])
    sweeps.escalation_sweep(as_of=dt.date(2026, 11, 25))
    contact_record(
        actor=vlo,
        case=case,
        occurred_at=timezone.now(),
        method=Method.PHONE,
        direction=Direction.OUTGOING,
        with_whom=ContactWith.VICTIM,
        summary="Spoke to the victim.",
    )
    case.refresh_from_db()
    assert case.first_contact_on is not None
    assert Task.objects.get(kind=TaskKind.ESCALATION).status == TaskStatus.OPEN


def test_a_first_contact_task_is_not_escalated_a_second_time(case, manager):
    """First contact has its own escalation (the deadline sweep's): one missed deadline, one escalation."""
    task_ensure(
        case=case,
        kind=TaskKind.FIRST_CONTACT,
        dedupe_key="first_contact",
        title="First",
        due_on=dt.date(2026, 11, 1),
    )
    assert sweeps.escalation_sweep(as_of=dt.date(2026, 11, 20))["tasks created"] == 0


def test_overdue_work_on_a_discretionary_case_is_not_escalated(overdue_task, manager, case):
    case.statutory = False
    case.save(update_fields=["statutory"])
    assert sweeps.escalation_sweep(as_of=dt.date(2026, 11, 25))["tasks created"] == 0


def test_the_escalation_closes_when_its_task_is_done_and_is_never_raised_again(overdue_task, manager, vlo):
    from contacts.services import task_complete

    sweeps.escalation_sweep(as_of=dt.date(2026, 11, 25))
    task_complete(actor=vlo, task=overdue_task, outcome="Called back")
    escalation = Task.objects.get(kind=TaskKind.ESCALATION)
    assert (escalation.status, escalation.outcome) == (
        TaskStatus.DONE,
        "Met: the task was done (Called back)",
    )
    sweeps.escalation_sweep(as_of=dt.date(2026, 12, 25))
    assert Task.objects.filter(kind=TaskKind.ESCALATION).count() == 1


def test_an_escalation_whose_task_was_closed_elsewhere_is_closed_by_the_sweep(overdue_task, manager):
    sweeps.escalation_sweep(as_of=dt.date(2026, 11, 25))
    Task.objects.filter(pk=overdue_task.pk).update(status=TaskStatus.CANCELLED, outcome="Gone")
    result = sweeps.escalation_sweep(as_of=dt.date(2026, 11, 26))
    assert result["escalations closed"] == 1
    assert Task.objects.get(kind=TaskKind.ESCALATION).status == TaskStatus.CANCELLED


# --- closing what no longer applies ------------------------------------------------------------------


def test_a_release_alert_whose_date_has_passed_is_closed_and_its_draft_cancelled(case):
    sweeps.release_alert_sweep(as_of=CRD_ALERT)
    result = sweeps.release_alert_sweep(as_of=dt.date(2027, 3, 15))
    task = Task.objects.get(dedupe_key="alert:crd:2027-03-14")
    assert (task.status, task.outcome) == (
        TaskStatus.CANCELLED,
        "The conditional release date (14 March 2027) has passed",
    )
    assert result["tasks closed"] >= 1
    letter = Letter.objects.get(kind=LetterKind.RELEASE)
    assert letter.status == "cancelled"
    assert AuditEvent.objects.filter(
        object_id=str(letter.pk), summary="letter cancelled by rule: the conditional release date has passed"
    ).exists()


def test_a_hearing_taken_out_closes_its_alert_and_cancels_the_draft(case, vlo):
    from parole.models import ParoleReview, ReviewKind

    review = ParoleReview.objects.create(
        sentence=case.sentence,
        referred_on=dt.date(2026, 10, 1),
        kind=ReviewKind.ORAL,
        hearing_on=dt.date(2027, 1, 5),
        recorded_by=vlo,
    )
    sweeps.release_alert_sweep(as_of=dt.date(2026, 11, 20))
    review.hearing_on = None
    review.save()
    sweeps.release_alert_sweep(as_of=dt.date(2026, 11, 21))
    task = Task.objects.get(dedupe_key="alert:hearing:2027-01-05")
    assert task.status == TaskStatus.CANCELLED and "no longer on record" in task.outcome
    assert Letter.objects.get(kind=LetterKind.VPS_INVITATION).status == "cancelled"
    assert Task.objects.get(dedupe_key="alert:ped:2027-01-12").status == TaskStatus.OPEN


def test_a_draft_a_vlo_approved_is_never_cancelled_by_a_rule(case, vlo):
    from vcs_portal.letters.services import letter_approve

    sweeps.release_alert_sweep(as_of=CRD_ALERT)
    letter_approve(actor=vlo, letter=Letter.objects.get(kind=LetterKind.RELEASE))
    sweeps.release_alert_sweep(as_of=dt.date(2027, 3, 15))
    assert Letter.objects.get(kind=LetterKind.RELEASE).status == "approved"


def test_an_unsent_annual_draft_is_cancelled_when_the_next_years_is_due(case):
    sweeps.annual_letter_sweep(as_of=ANNUAL_DUE)
    result = sweeps.annual_letter_sweep(as_of=ANNUAL_DUE + dt.timedelta(days=365))
    assert result["drafts cancelled"] == 1
    assert set(Letter.objects.values_list("period_key", "status")) == {
        ("2027", "cancelled"),
        ("2028", "draft"),
    }
    assert set(Task.objects.filter(kind=TaskKind.ANNUAL_LETTER).values_list("dedupe_key", "status")) == {
        ("annual:2027", TaskStatus.CANCELLED),
        ("annual:2028", TaskStatus.OPEN),
    }


def test_the_annual_task_reads_the_same_whichever_sweep_makes_it(make_case):
    first = make_case(reference="VCS-A")
    deadline_sweep(as_of=ANNUAL_DUE)
    second = make_case(reference="VCS-B")  # recorded after the deadline sweep: the letters sweep tasks it
    sweeps.annual_letter_sweep(as_of=ANNUAL_DUE)
    a, b = (Task.objects.get(case=c, kind=TaskKind.ANNUAL_LETTER) for c in (first, second))
    assert (a.title, a.detail, a.due_on) == (b.title, b.detail, b.due_on)
