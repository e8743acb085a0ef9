"""The data migration that reopens escalations closed by mistake (contacts 0003)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from contacts.models import Task, TaskKind, TaskStatus
from tests.contacts.factories import TaskFactory
from tests.victims.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(team_a1, vlo):
    return CaseFactory(team=team_a1, officer=vlo)


reopen = importlib.import_module("contacts.migrations.0003_reopen_overdue_escalations").reopen


def escalation_of(task: Task, outcome: str = "First contact made on 1 June 2026") -> Task:
    return TaskFactory(
        case=task.case,
        kind=TaskKind.ESCALATION,
        dedupe_key=f"overdue:{task.pk}",
        status=TaskStatus.DONE,
        outcome=outcome,
        completed_at=timezone.now(),
    )


def test_an_escalation_of_work_still_overdue_is_reopened(case):
    overdue = TaskFactory(case=case, due_on=dt.date(2026, 1, 5))
    escalation = escalation_of(overdue)
    reopen(apps, None)
    escalation.refresh_from_db()
    assert (escalation.status, escalation.outcome, escalation.completed_at) == (TaskStatus.OPEN, "", None)


def test_escalations_of_finished_work_or_closed_for_another_reason_stay_closed(case):
    finished = TaskFactory(case=case, status=TaskStatus.DONE, outcome="Called back")
    settled = escalation_of(finished)
    handled = escalation_of(TaskFactory(case=case), outcome="Agreed a date with the officer")
    first_contact = TaskFactory(
        case=case,
        kind=TaskKind.ESCALATION,
        dedupe_key="escalation",
        status=TaskStatus.DONE,
        outcome="First contact made on 1 June 2026",
    )
    reopen(apps, None)
    for task in (settled, handled, first_contact):
        task.refresh_from_db()
        assert task.status == TaskStatus.DONE


# --- contacts 0005: one open annual letter per case -------------------------------------------------

close_duplicates = importlib.import_module("contacts.migrations.0006_one_open_annual_letter").close_duplicates


def test_the_clean_up_keeps_the_latest_open_annual_task_and_the_constraint_then_holds(case):
    from django.db import connection

    constraint = next(c for c in Task._meta.constraints if c.name == "task_one_open_annual_letter_per_case")
    with connection.schema_editor() as editor:
        editor.remove_constraint(Task, constraint)
    years = [
        TaskFactory(
            case=case, kind=TaskKind.ANNUAL_LETTER, dedupe_key=f"annual:{year}", due_on=dt.date(year, 4, 1)
        )
        for year in (2009, 2010, 2011)
    ]
    escalated = TaskFactory(
        case=case, kind=TaskKind.ESCALATION, dedupe_key=f"overdue:{years[0].pk}", due_on=dt.date(2009, 4, 12)
    )
    close_duplicates(apps, None)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fire the history triggers before the DDL
    with connection.schema_editor() as editor:
        editor.add_constraint(Task, constraint)
    assert list(
        Task.objects.open().filter(kind=TaskKind.ANNUAL_LETTER).values_list("dedupe_key", flat=True)
    ) == ["annual:2011"]
    escalated.refresh_from_db()
    assert escalated.status == TaskStatus.CANCELLED
