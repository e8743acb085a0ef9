"""The contact work's daily sweeps: tasks the deadlines call for, and alerts that were missed.

Each finds what is due on ``as_of`` from the database, so a missed day is caught by the next
run, and each is safe to run twice: a task is unique per (case, kind, dedupe key).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Prefetch, Q
from django.utils import timezone

from offenders.models import EventKind, KeyDate, KeyDateKind, SentenceEvent
from vcs_portal.core.models import Role, User
from vcs_portal.core.pages import govuk_date as _d
from vcs_portal.core.pages import lower_first
from vcs_portal.core.sweeps import SweepResult
from victims import deadlines
from victims.models import Case, CaseStatus, ContactLevel

from .alerts import KEY_DATE_EVENTS, Alert, event_alert, key_date_alert, key_date_history, key_date_is_news
from .models import Priority, Task, TaskKind, TaskStatus
from .services import FIRST_CONTACT_WORK, alerts_create, escalation_owner, task_close, task_ensure

# Working days to act on a prompt to re-offer the scheme (capped at the date itself).
REOFFER_WORKING_DAYS = 10

# Cases outside the scheme that are prompted to re-offer it as release nears (Victims' Commissioner 2020).
REOFFER_STATUSES = [
    CaseStatus.OPTED_OUT,
    CaseStatus.DECLINED,
    CaseStatus.NO_RESPONSE,
    CaseStatus.UNABLE_TO_TRACE,
]
REOFFER_KEY_DATES = [KeyDateKind.PED, KeyDateKind.CRD]


def _task_exists(kind: str, dedupe_key: str) -> Exists:
    return Exists(Task.objects.filter(case=OuterRef("pk"), kind=kind, dedupe_key=dedupe_key))


def _first_contact_tasks(today: date) -> int:
    created = 0
    cases = (
        Case.objects.awaiting_first_contact()
        .filter(first_contact_due__isnull=False)
        .exclude(_task_exists(TaskKind.FIRST_CONTACT, "first_contact"))
        .select_related("officer")
    )
    for case in cases.iterator(chunk_size=500):
        _, made = task_ensure(
            case=case,
            kind=TaskKind.FIRST_CONTACT,
            dedupe_key="first_contact",
            title="Make first contact with the victim",
            detail=case.first_contact_rule,
            due_on=case.first_contact_due,
        )
        created += made
    return created


def _escalation_tasks(today: date) -> int:
    created = 0
    cases = (
        Case.objects.needs_escalation(today)
        .exclude(_task_exists(TaskKind.ESCALATION, "escalation"))
        .select_related("officer", "team")
        .prefetch_related(
            Prefetch(
                "team__managers",
                queryset=User.objects.filter(is_active=True, role=Role.MANAGER).order_by("pk"),
                to_attr="active_managers",
            )
        )
    )
    for case in cases:
        missed = [d for d in (case.first_contact_due, case.escalation_due) if d and d < today]
        _, made = task_ensure(
            case=case,
            kind=TaskKind.ESCALATION,
            dedupe_key="escalation",
            title="Escalation: first contact with the victim is overdue",
            detail=(
                f"First contact was due by {_d(case.first_contact_due)}."
                if case.first_contact_due
                else "First contact is overdue."
            )
            + " Agree with the officer how the victim will be reached.",
            # The day the case became overdue, so a late run gives the same date.
            due_on=min(missed) + timedelta(days=1),
            owner=escalation_owner(case),
            priority=Priority.HIGH,
        )
        created += made
    return created


def _annual_letter_tasks(today: date) -> int:
    created = 0
    window = timedelta(days=settings.VCS_ANNUAL_LETTER_WINDOW_DAYS)
    cases = (
        Case.objects.filter(
            status=CaseStatus.OPTED_IN,
            contact_level__in=[ContactLevel.ANNUAL, ContactLevel.ALL_KEY_STAGES],
        )
        .annotate(last_letter_due=Max("tasks__due_on", filter=Q(tasks__kind=TaskKind.ANNUAL_LETTER)))
        .select_related("officer")
    )
    for case in cases.iterator(chunk_size=500):
        # Counted from the opt-in, or from when the last letter was due, whichever is later: a
        # letter sent early does not move the cycle, so each year has exactly one letter.
        due = deadlines.annual_letter_due(case.status_changed_on)
        if case.last_letter_due:
            after_last = deadlines.annual_letter_due(case.last_letter_due)
            due = max(due, after_last, key=lambda d: d.due)
        if today < due.due - window:
            continue
        _, made = task_ensure(
            case=case,
            kind=TaskKind.ANNUAL_LETTER,
            dedupe_key=f"annual:{due.due.year}",
            title="Send the annual letter",
            detail=(
                f"Due {_d(due.due)}: {due.rule}. Say what has changed, including the current security "
                "category and the next key date (in months, never an exact release date)."
            ),
            due_on=due.due,
        )
        created += made
    return created


def _reoffer_tasks(today: date) -> int:
    horizon = today + timedelta(days=settings.VCS_REOFFER_WINDOW_DAYS)
    candidates = Case.objects.filter(status__in=REOFFER_STATUSES)
    # What is coming, per sentence: the current (newest) PED and CRD, and parole hearings.
    coming: dict[int, list[tuple[str, str, date]]] = defaultdict(list)
    current = (
        KeyDate.objects.filter(sentence_id__in=candidates.values("sentence_id"), kind__in=REOFFER_KEY_DATES)
        .order_by("sentence_id", "kind", "-recorded_at", "-pk")
        .distinct("sentence_id", "kind")
    )
    for key_date in current:
        if today <= key_date.date <= horizon:
            coming[key_date.sentence_id].append((key_date.kind, key_date.get_kind_display(), key_date.date))
    hearings = SentenceEvent.objects.filter(
        sentence_id__in=candidates.values("sentence_id"),
        kind=EventKind.PAROLE_HEARING,
        occurred_on__range=(today, horizon),
    )
    for event in hearings:
        coming[event.sentence_id].append((event.kind, event.get_kind_display(), event.occurred_on))
    if not coming:
        return 0
    cases = list(candidates.filter(sentence_id__in=coming.keys()).select_related("officer"))
    existing = set(
        Task.objects.filter(kind=TaskKind.REOFFER, case__in=cases).values_list("case_id", "dedupe_key")
    )
    created = 0
    for case in cases:
        for kind, label, on in coming[case.sentence_id]:
            dedupe_key = f"reoffer:{kind}:{on.isoformat()}"
            if (case.pk, dedupe_key) in existing:
                continue
            _, made = task_ensure(
                case=case,
                kind=TaskKind.REOFFER,
                dedupe_key=dedupe_key,
                title=f"Consider re-offering the scheme: {lower_first(label)} on {_d(on)}",
                detail=(
                    f"The victim is {CaseStatus(case.status).label.lower()}. As release or a parole review "
                    "nears, consider offering the scheme again."
                ),
                due_on=min(deadlines.add_working_days(today, REOFFER_WORKING_DAYS), on),
            )
            created += made
    return created


def _close_spent_tasks() -> tuple[int, int]:
    """Close first-contact work once contact is made, and every open task of a closed case."""
    met = 0
    for task in Task.objects.filter(
        FIRST_CONTACT_WORK, status=TaskStatus.OPEN, case__first_contact_on__isnull=False
    ).select_related("case"):
        met += task_close(
            task=task,
            status=TaskStatus.DONE,
            outcome=f"First contact made on {_d(task.case.first_contact_on)}",
            actor=None,
        )
    cancelled = 0
    for task in Task.objects.filter(status=TaskStatus.OPEN, case__status=CaseStatus.CLOSED):
        cancelled += task_close(task=task, status=TaskStatus.CANCELLED, outcome="Case closed", actor=None)
    return met, cancelled


def deadline_sweep(*, as_of: date) -> SweepResult:
    """Make the tasks the deadlines call for on ``as_of``. Safe to run twice; a missed day is
    caught up by the next run, because each rule looks at what is due, not at what changed.
    """
    with transaction.atomic():
        first_contact_met, closed_case = _close_spent_tasks()
    return SweepResult(
        "Deadline sweep",
        {
            "first-contact tasks created": _first_contact_tasks(as_of),
            "escalations created": _escalation_tasks(as_of),
            "annual-letter tasks created": _annual_letter_tasks(as_of),
            "re-offer tasks created": _reoffer_tasks(as_of),
            "tasks closed (first contact made)": first_contact_met,
            "tasks closed (case closed)": closed_case,
        },
    )


def alerts_sweep(*, as_of: date, lookback_days: int | None = None) -> SweepResult:
    """Re-run the alerts for events and key dates recorded in the last ``lookback_days``, so an
    alert missed at the time (an error, a deploy) is made now."""
    today = as_of
    if lookback_days is None:
        lookback_days = settings.VCS_ALERT_LOOKBACK_DAYS
    since = timezone.make_aware(datetime.combine(today - timedelta(days=lookback_days), datetime.min.time()))
    alerts: list[Alert] = [
        event_alert(event)
        for event in SentenceEvent.objects.filter(recorded_at__gte=since).exclude(kind=EventKind.SENTENCED)
    ]
    # Only the current value of each key date: one superseded within the window is old news.
    recent = KeyDate.objects.filter(kind__in=list(KEY_DATE_EVENTS), recorded_at__gte=since)
    for history in key_date_history(recent.values("sentence_id")).values():
        current = history[0]
        if current.recorded_at >= since and key_date_is_news(current, history):
            alert = key_date_alert(current)
            if alert is not None:
                alerts.append(alert)
    return SweepResult(
        "Alerts sweep", {"alert tasks created": alerts_create(alerts, actor=None, today=today)}
    )
