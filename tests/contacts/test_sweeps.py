"""The deadline sweep and the Celery tasks: each rule, each run twice, and a missed day caught up."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts import services
from contacts.models import Priority, Task, TaskKind, TaskStatus
from contacts.sweeps import annual_letter_cases_due, annual_next_record, deadline_sweep
from offenders.models import KeyDate
from tests.contacts.factories import TaskFactory
from tests.factories import ManagerFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from vcs_portal.core.sweeps import SweepResult
from victims.models import CaseStatus, ClosureReason, ContactLevel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2026, 5, 20)


@pytest.fixture
def make_case(make_case):
    """Due well ahead by default, so only the rule under test fires."""
    return partial(make_case, first_contact_due=dt.date(2026, 6, 30), escalation_due=dt.date(2026, 7, 30))


def sweep(day: dt.date = TODAY) -> SweepResult:
    return deadline_sweep(as_of=day)


def task_keys() -> set[tuple[int, str, str]]:
    return set(Task.objects.values_list("case_id", "kind", "dedupe_key"))


# --- first contact ----------------------------------------------------------------


def test_an_open_case_without_first_contact_gets_a_first_contact_task(make_case, vlo):
    case = make_case()
    assert sweep()["first-contact tasks created"] == 1
    task = Task.objects.get(kind=TaskKind.FIRST_CONTACT)
    assert (task.case, task.owner, task.due_on, task.dedupe_key) == (
        case,
        vlo,
        dt.date(2026, 6, 30),
        "first_contact",
    )


def test_the_sweep_run_twice_makes_one_first_contact_task(make_case):
    make_case()
    sweep()
    assert sweep()["first-contact tasks created"] == 0
    assert Task.objects.filter(kind=TaskKind.FIRST_CONTACT).count() == 1


def test_a_generated_task_is_audited(make_case):
    make_case()
    sweep()
    task = Task.objects.get()
    assert AuditEvent.objects.filter(
        object_type="contacts.Task", object_id=str(task.pk), action=AuditAction.CREATE, actor=None
    ).exists()


def test_a_case_with_first_contact_gets_no_first_contact_task(make_case):
    make_case(first_contact_on=dt.date(2026, 4, 20))
    sweep()
    assert not Task.objects.exists()


def test_a_closed_case_gets_no_tasks(make_case):
    make_case(status=CaseStatus.CLOSED, closure_reason=ClosureReason.DUPLICATE)
    sweep()
    assert not Task.objects.exists()


def test_a_completed_first_contact_task_is_never_made_again(make_case, vlo):
    make_case()
    sweep()
    task = Task.objects.get()
    services.task_complete(actor=vlo, task=task, outcome="Victim phoned; recorded on the old system")
    sweep()
    assert Task.objects.count() == 1
    assert Task.objects.get().status == TaskStatus.DONE


# --- escalation ---------------------------------------------------------------


def test_an_overdue_statutory_case_is_escalated_to_the_teams_manager(make_case, manager):
    case = make_case(first_contact_due=dt.date(2026, 5, 1))
    assert sweep()["escalations created"] == 1
    task = Task.objects.get(kind=TaskKind.ESCALATION)
    assert task.owner == manager
    assert task.priority == Priority.HIGH
    assert task.dedupe_key == "escalation"
    assert task.due_on == dt.date(2026, 5, 2)  # the day it became overdue
    assert task.case == case


def test_escalation_goes_to_the_officer_when_the_team_has_no_manager(make_case, vlo):
    make_case(first_contact_due=dt.date(2026, 5, 1))
    sweep()
    assert Task.objects.get(kind=TaskKind.ESCALATION).owner == vlo


def test_escalation_skips_an_inactive_manager(make_case, team_a1, manager):
    manager.is_active = False
    manager.save()
    deputy = ManagerFactory(region=team_a1.region, managed_teams=[team_a1])
    make_case(first_contact_due=dt.date(2026, 5, 1))
    sweep()
    assert Task.objects.get(kind=TaskKind.ESCALATION).owner == deputy


def test_a_discretionary_case_is_never_escalated(make_case):
    make_case(first_contact_due=dt.date(2026, 5, 1), statutory=False)
    sweep()
    assert not Task.objects.filter(kind=TaskKind.ESCALATION).exists()


def test_a_case_not_yet_due_is_not_escalated(make_case):
    make_case(first_contact_due=TODAY)
    sweep()
    assert not Task.objects.filter(kind=TaskKind.ESCALATION).exists()


def test_a_case_past_its_escalation_date_is_escalated(make_case):
    make_case(first_contact_due=dt.date(2026, 6, 1), escalation_due=dt.date(2026, 5, 19))
    sweep()
    assert Task.objects.filter(kind=TaskKind.ESCALATION).count() == 1


def test_the_sweep_run_twice_makes_one_escalation(make_case, manager):
    make_case(first_contact_due=dt.date(2026, 5, 1))
    sweep()
    sweep()
    assert Task.objects.filter(kind=TaskKind.ESCALATION).count() == 1


def test_first_contact_tasks_close_once_contact_is_made(make_case):
    case = make_case(first_contact_due=dt.date(2026, 5, 1))
    sweep()
    case.first_contact_on = TODAY  # e.g. the offer letter was sent (a status change)
    case.save()
    result = sweep()
    assert result["tasks closed (first contact made)"] == 2
    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.DONE}


def test_open_tasks_of_a_closed_case_are_cancelled(make_case):
    case = make_case()
    TaskFactory(case=case)
    case.status, case.closure_reason = CaseStatus.CLOSED, ClosureReason.OFFENDER_DIED
    case.save()
    assert sweep()["tasks closed (case closed)"] == 1
    assert Task.objects.get().status == TaskStatus.CANCELLED


# --- annual letter ----------------------------------------------------------------


def opted_in(make_case, level=ContactLevel.ANNUAL, since=dt.date(2025, 6, 1)):
    return make_case(
        status=CaseStatus.OPTED_IN,
        contact_level=level,
        status_changed_on=since,
        first_contact_on=since,
    )


def test_an_annual_letter_task_appears_in_the_window_before_it_is_due(make_case):
    case = opted_in(make_case)
    assert sweep()["annual-letter tasks created"] == 1
    task = Task.objects.get(kind=TaskKind.ANNUAL_LETTER)
    assert (task.case, task.due_on, task.dedupe_key) == (case, dt.date(2026, 6, 1), "annual:2026")


def test_no_annual_letter_task_before_the_window(make_case):
    opted_in(make_case, since=dt.date(2025, 7, 1))
    sweep()
    assert not Task.objects.filter(kind=TaskKind.ANNUAL_LETTER).exists()


def test_the_window_is_a_setting(make_case, settings):
    settings.VCS_ANNUAL_LETTER_WINDOW_DAYS = 60
    opted_in(make_case, since=dt.date(2025, 7, 1))
    assert sweep()["annual-letter tasks created"] == 1


def test_all_key_stages_victims_also_get_an_annual_letter(make_case):
    opted_in(make_case, level=ContactLevel.ALL_KEY_STAGES)
    assert sweep()["annual-letter tasks created"] == 1


def test_release_month_victims_get_no_annual_letter(make_case):
    opted_in(make_case, level=ContactLevel.RELEASE_MONTH)
    sweep()
    assert not Task.objects.filter(kind=TaskKind.ANNUAL_LETTER).exists()


def test_the_sweep_run_twice_makes_one_annual_letter_task(make_case):
    opted_in(make_case)
    sweep()
    assert sweep()["annual-letter tasks created"] == 0
    assert Task.objects.filter(kind=TaskKind.ANNUAL_LETTER).count() == 1


def test_next_years_letter_follows_this_years(make_case, vlo):
    opted_in(make_case)
    sweep()
    services.task_complete(actor=vlo, task=Task.objects.get(), outcome="Sent")
    assert sweep(dt.date(2027, 5, 10))["annual-letter tasks created"] == 1
    assert set(Task.objects.values_list("dedupe_key", flat=True)) == {"annual:2026", "annual:2027"}


# --- the annual cases a day reads -----------------------------------------------------------


def test_the_sweep_records_when_the_next_letter_is_next_due_to_be_looked_at(make_case):
    case = opted_in(make_case)
    assert case.next_annual_on is None  # never looked at
    sweep()
    case.refresh_from_db()
    assert case.next_annual_on == dt.date(2027, 5, 2)  # 30 days before 1 June 2027


def test_a_case_whose_next_window_has_not_opened_is_not_read(make_case):
    case = opted_in(make_case)
    assert list(annual_letter_cases_due(TODAY)) == [case]
    sweep()
    assert not annual_letter_cases_due(TODAY + dt.timedelta(days=1)).exists()
    assert list(annual_letter_cases_due(dt.date(2027, 5, 2))) == [case]


def test_a_new_contact_level_is_read_the_next_day(make_case):
    """A trigger empties the bookkeeping when the level changes, however it changed."""
    case = opted_in(make_case, level=ContactLevel.RELEASE_MONTH)
    sweep()
    type(case).objects.filter(pk=case.pk).update(next_annual_on=dt.date(2030, 1, 1))  # as if looked at
    type(case).objects.filter(pk=case.pk).update(contact_level=ContactLevel.ANNUAL)
    case.refresh_from_db()
    assert case.next_annual_on is None
    assert sweep(TODAY + dt.timedelta(days=1))["annual-letter tasks created"] == 1


def test_a_window_opened_on_a_missed_day_is_caught_up(make_case, vlo):
    opted_in(make_case)
    sweep()
    services.task_complete(actor=vlo, task=Task.objects.get(), outcome="Sent")
    assert sweep(dt.date(2027, 5, 20))["annual-letter tasks created"] == 1  # 18 days late
    assert Task.objects.filter(dedupe_key="annual:2027").exists()


def test_the_next_window_is_not_stored_over_a_change_made_since_the_case_was_read(make_case):
    case = opted_in(make_case)
    type(case).objects.filter(pk=case.pk).update(status_changed_on=dt.date(2025, 9, 1))  # read before this
    annual_next_record([(case, dt.date(2027, 5, 2))], TODAY)
    case.refresh_from_db()
    assert case.next_annual_on is None


def key_date(case, kind, on, **kwargs):
    return KeyDate.objects.create(
        sentence=case.sentence, kind=kind, date=on, source="Prison", recorded_by=case.officer, **kwargs
    )


# --- the whole sweep ----------------------------------------------------------------


@pytest.fixture
def world(make_case, manager):
    """One case for each rule."""
    make_case()
    make_case(first_contact_due=dt.date(2026, 5, 1))
    opted_in(make_case)


def test_a_missed_day_is_caught_up_by_the_next_run(world):
    sweep(TODAY + dt.timedelta(days=2))  # the run on TODAY never happened
    caught_up = task_keys()
    assert {kind for _, kind, _ in caught_up} == {
        TaskKind.FIRST_CONTACT,
        TaskKind.ESCALATION,
        TaskKind.ANNUAL_LETTER,
    }
    sweep(TODAY)
    assert task_keys() == caught_up


def test_the_whole_sweep_run_twice_changes_nothing(world):
    sweep()
    before = (Task.objects.count(), AuditEvent.objects.count())
    assert sweep().changed == 0
    assert (Task.objects.count(), AuditEvent.objects.count()) == before


def test_a_second_sweep_costs_the_same_queries_for_many_cases(make_case, django_assert_num_queries):
    def add_cases():
        make_case()
        make_case(first_contact_due=dt.date(2026, 5, 1))
        opted_in(make_case)

    add_cases()
    sweep()
    with CaptureQueriesContext(connection) as few:
        sweep()
    for _ in range(5):
        add_cases()
    sweep()
    with django_assert_num_queries(len(few)):
        sweep()


# --- closing what no longer applies ---------------------------------------------------------------


def test_a_victim_who_opts_out_has_their_annual_task_closed_with_the_reason(make_case):
    case = opted_in(make_case)
    sweep()
    case.status, case.status_changed_on = CaseStatus.OPTED_OUT, TODAY
    case.save(update_fields=["status", "status_changed_on"])
    result = sweep()
    task = Task.objects.get(kind=TaskKind.ANNUAL_LETTER)
    assert result["tasks closed (victim left the scheme)"] == 1
    assert (task.status, task.outcome) == (
        TaskStatus.CANCELLED,
        "No longer needed: the victim opted out on 20 May 2026",
    )


def test_an_escalation_closes_when_the_case_is_approved_as_discretionary(make_case, manager):
    case = make_case(first_contact_due=dt.date(2026, 5, 1))
    sweep()
    case.statutory = False
    case.save(update_fields=["statutory"])
    sweep()
    escalation = Task.objects.get(kind=TaskKind.ESCALATION)
    assert escalation.status == TaskStatus.CANCELLED
    assert escalation.outcome == "Not a statutory case (discretionary): no statutory breach is raised"


def test_a_catch_up_years_later_makes_only_the_current_annual_letter(make_case):
    case = opted_in(make_case, since=dt.date(2020, 6, 1))
    assert sweep()["annual-letter tasks created"] == 1
    assert list(Task.objects.open().values_list("dedupe_key", flat=True)) == ["annual:2026"]
    missed = Task.objects.get(case=case, status=TaskStatus.CANCELLED)
    assert missed.dedupe_key == "annual:2025"
    assert missed.outcome.startswith("Missed: 5 annual letters fell due between 1 June 2021 and 1 June 2025")


def test_what_was_missed_is_on_the_case_history(make_case):
    from vcs_portal.cases.selectors import case_timeline

    case = opted_in(make_case, since=dt.date(2020, 6, 1))
    sweep()
    titles = [entry.title for entry in case_timeline(case=case)]
    assert "Task closed (not needed): Send the annual letter (missed)" in titles


def test_the_annual_cycle_runs_from_the_opt_in_so_a_late_year_does_not_move_it(make_case, vlo):
    opted_in(make_case, since=dt.date(2025, 6, 1))
    sweep()
    sweep(dt.date(2027, 5, 10))
    assert Task.objects.open().get(kind=TaskKind.ANNUAL_LETTER).due_on == dt.date(2027, 6, 1)
