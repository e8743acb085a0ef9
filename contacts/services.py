"""Writes about contact work: the contact log, tasks, alerts and referrals out."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction

from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction

from .models import Priority, Task, TaskKind

if TYPE_CHECKING:
    from vcs_portal.core.models import User
    from victims.models import Case


@transaction.atomic
def task_ensure(
    *,
    case: Case,
    kind: str,
    dedupe_key: str,
    title: str,
    due_on: date,
    owner: User | None = None,
    priority: str = Priority.NORMAL,
    detail: str = "",
    actor: User | None = None,
) -> tuple[Task, bool]:
    """Create the generated task for (case, kind, dedupe_key) unless it exists. Safe to call twice.

    Returns (task, created). The owner defaults to the case's officer.
    """
    if not dedupe_key:
        raise ValueError("A generated task needs a dedupe_key naming its rule and period.")
    task, created = Task.objects.get_or_create(
        case=case,
        kind=kind,
        dedupe_key=dedupe_key,
        defaults={
            "title": title,
            "detail": detail,
            "due_on": due_on,
            "owner": owner or case.officer,
            "priority": priority,
            "created_by": actor,
        },
    )
    if created:
        audit_record(actor=actor, action=AuditAction.CREATE, obj=task, summary=f"task: {kind}")
    return task, created


__all__ = ["TaskKind", "task_ensure"]
