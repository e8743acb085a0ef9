"""Parole's daily sweep: statements that missed the Parole Board's deadline."""

from __future__ import annotations

from datetime import date, timedelta

from contacts.models import Priority, TaskKind
from contacts.services import task_ensure
from vcs_portal.core.pages import govuk_date as _d
from vcs_portal.core.sweeps import SweepResult
from victims.deadlines import vps_due

from .models import VictimPersonalStatement
from .services import INACTIVE_STATUSES


def vps_sweep(*, as_of: date) -> SweepResult:
    """Raise a high-priority task for each statement past its deadline and not yet submitted.

    Safe to run twice: the task's dedupe key names the review, so a second run creates nothing.
    """
    today = as_of
    # The deadline is hearing - n days, so "deadline before today" is "hearing before today + n".
    days_before = (today - vps_due(today).due).days
    statements = (
        VictimPersonalStatement.objects.filter(
            submitted_on__isnull=True,
            review__outcome="",
            review__hearing_on__lt=today + timedelta(days=days_before),
        )
        .exclude(case__status__in=INACTIVE_STATUSES)
        .select_related("case__officer", "review")
        .order_by("pk")
    )
    created = 0
    for statement in statements:
        deadline = vps_due(statement.review.hearing_on)
        if deadline.due >= today:
            continue
        _, was_created = task_ensure(
            case=statement.case,
            kind=TaskKind.VPS_OVERDUE,
            dedupe_key=f"vps-overdue:{statement.review_id}",
            title=f"VPS overdue: it was due to the Parole Board by {_d(deadline.due)}",
            due_on=today,
            owner=statement.case.officer,
            priority=Priority.HIGH,
            detail=deadline.rule,
        )
        created += was_created
    return SweepResult("VPS sweep", {"overdue-statement tasks created": created})
