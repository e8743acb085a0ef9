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
