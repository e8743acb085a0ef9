"""The contact work's daily sweeps: tasks the deadlines call for, and alerts that were missed.

Each finds what is due on ``as_of`` from the database, so a missed day is caught by the next
run, and each is safe to run twice: a task is unique per (case, kind, dedupe key).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from offenders.models import EventKind, KeyDate, SentenceEvent
from vcs_portal.core.models import Role, User
from vcs_portal.core.pages import govuk_date as _d
from vcs_portal.core.sweeps import SweepResult, sweep_last_finished
from victims.models import Case, CaseStatus

from . import rules
from .alerts import KEY_DATE_EVENTS, Alert, event_alert, key_date_alert, key_date_history, key_date_is_news
from .models import Priority, Task, TaskKind, TaskStatus
from .services import (
    FIRST_CONTACT_WORK,
    alerts_create,
    escalation_owner,
    task_close,
    task_ensure,
    task_record_missed,
)


def _task_exists(kind: str, dedupe_key: str) -> Exists:
    return Exists(Task.objects.filter(case=OuterRef("pk"), kind=kind, dedupe_key=dedupe_key))


# --- first contact ----------------------------------------------------------------------


def _first_contact_tasks() -> int:
    created = 0
    cases = (
        Case.objects.awaiting_first_contact()
        .filter(first_contact_due__isnull=False)
        .exclude(_task_exists(TaskKind.FIRST_CONTACT, rules.FIRST_CONTACT_KEY))
        .select_related("officer")
    )
    for case in cases.iterator(chunk_size=500):
        due_on = rules.first_contact_task_due(case)
        if due_on is None:
            continue
        _, made = task_ensure(
            case=case,
            kind=TaskKind.FIRST_CONTACT,
            dedupe_key=rules.FIRST_CONTACT_KEY,
            title="Make first contact with the victim",
            detail=case.first_contact_rule,
            due_on=due_on,
        )
        created += made
    return created


def _escalation_tasks(today: date) -> int:
    created = 0
    cases = (
        Case.objects.needs_escalation(today)
        .exclude(_task_exists(TaskKind.ESCALATION, rules.FIRST_CONTACT_ESCALATION_KEY))
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
        due_on = rules.first_contact_escalation_due(case, today)
        if due_on is None:
            continue
        _, made = task_ensure(
            case=case,
            kind=TaskKind.ESCALATION,
            dedupe_key=rules.FIRST_CONTACT_ESCALATION_KEY,
            title="Escalation: first contact with the victim is overdue",
            detail=(
                f"First contact was due by {_d(case.first_contact_due)}."
                if case.first_contact_due
                else "First contact is overdue."
            )
            + " Agree with the officer how the victim will be reached.",
            due_on=due_on,
            owner=escalation_owner(case),
            priority=Priority.HIGH,
        )
        created += made
    return created


# --- annual letters -----------------------------------------------------------------------


def _year(key: str) -> int:
    """The year of an annual-letter task key (``annual:2027``)."""
    return int(key.rsplit(":", 1)[-1])


def annual_letter_task_ensure(*, case: Case, period: rules.AnnualPeriod, have: dict[str, date]) -> bool:
    """Make the task for the case's current annual letter: the one wording, whichever sweep asks.

    ``have`` maps the case's annual-task keys to their due dates. Nothing is made if a later
    year's task exists (an earlier day run again). If letters of the cycle before this one were
    never made, the case's history gets one closed entry saying how many and when.
    """
    years = [_year(key) for key in have]
    if period.task_key in have or any(year > period.year for year in years):
        return False  # checked before the transaction: an ordinary day costs no query per case
    return _annual_letter_task_make(case=case, period=period, years=years)


@transaction.atomic
def _annual_letter_task_make(*, case: Case, period: rules.AnnualPeriod, years: list[int]) -> bool:
    # The earlier year's letter was not sent in time: closed first (one open annual task per case
    # is a database constraint), whichever sweep got here first.
    for earlier in Task.objects.open().filter(case=case, kind=TaskKind.ANNUAL_LETTER):
        task_close(
            task=earlier,
            status=TaskStatus.CANCELLED,
            outcome=f"Missed: not sent before the next annual letter fell due ({_d(period.due)})",
            actor=None,
        )
    _, created = task_ensure(
        case=case,
        kind=TaskKind.ANNUAL_LETTER,
        dedupe_key=period.task_key,
        title="Send the annual letter",
        detail=rules.annual_letter_detail(period),
        due_on=period.task_due,
    )
    last_year = max(years, default=0)
    missed = [d for d in period.missed if d.year > last_year]
    if created and missed:
        task_record_missed(
            case=case,
            kind=TaskKind.ANNUAL_LETTER,
            dedupe_key=f"annual:{missed[-1].year}",
            title="Send the annual letter (missed)",
            due_on=missed[-1],
            outcome=rules.annual_missed_outcome(missed),
        )
    return created


def annual_keys(case_ids: QuerySet | list[int]) -> dict[int, dict[str, date]]:
    """Every annual-letter task key of the cases, with its due date, in one query."""
    keys: dict[int, dict[str, date]] = defaultdict(dict)
    for case_id, key, due_on in Task.objects.filter(
        kind=TaskKind.ANNUAL_LETTER, case_id__in=case_ids
    ).values_list("case_id", "dedupe_key", "due_on"):
        keys[case_id][key] = due_on
    return keys


def annual_letter_cases() -> QuerySet[Case]:
    """The cases the annual-letter rule can apply to (``rules.annual_letter_period`` decides)."""
    return Case.objects.filter(status=CaseStatus.OPTED_IN, contact_level__in=rules.ANNUAL_LEVELS)


def annual_due_q(as_of: date, prefix: str = "") -> Q:
    """Cases the annual-letter rule may ask something new of on ``as_of``: never looked at since a
    change (``Case.next_annual_on`` empty), or their next letter's window has opened."""
    return Q(**{f"{prefix}next_annual_on__isnull": True}) | Q(**{f"{prefix}next_annual_on__lte": as_of})


def annual_letter_cases_due(as_of: date) -> QuerySet[Case]:
    """The annual cases to read on ``as_of``: a day's worth, through ``case_annual_due_idx``."""
    return annual_letter_cases().filter(annual_due_q(as_of))


def annual_next_record(looked: list[tuple[Case, date]], as_of: date) -> None:
    """Store each case's next window (``rules.annual_next_opens``), given with it, in one statement.

    Only where the case is still as it was read: a change committed since (which the trigger
    marks by emptying the column) must not be overwritten, or the case would wait a year.
    """
    if not looked:
        return
    rows = [(c.pk, opens, c.status_changed_on, c.contact_level) for c, opens in looked]
    table = Case._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS c SET next_annual_on = v.opens "  # noqa: S608 - the model's own table
            "FROM unnest(%s::bigint[], %s::date[], %s::date[], %s::text[]) AS v(id, opens, anchor, level) "
            "WHERE c.id = v.id AND c.status = %s AND c.status_changed_on = v.anchor "
            "AND c.contact_level = v.level",
            [
                [r[0] for r in rows],
                [r[1] for r in rows],
                [r[2] for r in rows],
                [r[3] for r in rows],
                CaseStatus.OPTED_IN,
            ],
        )


def _annual_letter_tasks(today: date) -> int:
    """The annual tasks due: only the cases whose next window has opened are read."""
    created = 0
    cases = annual_letter_cases_due(today)
    keys = annual_keys(cases.values("pk"))
    looked: list[tuple[Case, date]] = []
    for case in cases.select_related("officer").iterator(chunk_size=500):
        period = rules.annual_letter_period(case, today)
        if period is not None:
            created += annual_letter_task_ensure(case=case, period=period, have=keys.get(case.pk, {}))
        looked.append((case, rules.annual_next_opens(case, today, period)))
        if len(looked) == 500:
            annual_next_record(looked, today)
            looked = []
    annual_next_record(looked, today)
    return created


def _annual_tasks_close(today: date) -> int:
    """Close the annual tasks the rule no longer asks for: a later letter is now due (this one
    was missed), or the victim no longer wants yearly letters."""
    closed = 0
    # Only a new window or a change to the case makes a task obsolete (``annual_due_q``).
    tasks = Task.objects.open().filter(kind=TaskKind.ANNUAL_LETTER)
    for task in tasks.filter(annual_due_q(today, "case__")).select_related("case"):
        case = task.case
        period = rules.annual_letter_period(case, today)
        if period is None:
            if case.status == CaseStatus.OPTED_IN and case.contact_level in rules.ANNUAL_LEVELS:
                continue  # a run for an earlier day: nothing is due yet, and nothing is obsolete
            outcome = (
                f"No longer needed: the victim is {CaseStatus(case.status).label.lower()}"
                if case.status != CaseStatus.OPTED_IN
                else "No longer needed: the victim no longer asks for yearly letters"
            )
        elif _year(task.dedupe_key) < period.year:
            outcome = f"Missed: not sent before the next annual letter fell due ({_d(period.due)})"
        else:
            continue
        closed += task_close(task=task, status=TaskStatus.CANCELLED, outcome=outcome, actor=None)
    return closed


# --- closing what no longer applies ---------------------------------------------------------


def _close_spent_tasks(today: date) -> dict[str, int]:
    """Close the generated work a change has made obsolete, each with the reason."""
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
    for task in Task.objects.open().filter(
        kind=TaskKind.ESCALATION, dedupe_key=rules.FIRST_CONTACT_ESCALATION_KEY, case__statutory=False
    ):
        cancelled += task_close(
            task=task,
            status=TaskStatus.CANCELLED,
            outcome="Not a statutory case (discretionary): no statutory breach is raised",
            actor=None,
        )
    left = 0
    for task in (
        Task.objects.open()
        .filter(kind__in=rules.TELL_THE_VICTIM, case__status__in=rules.OUT_OF_SCHEME)
        .select_related("case")
    ):
        case = task.case
        left += task_close(
            task=task,
            status=TaskStatus.CANCELLED,
            outcome=f"No longer needed: the victim {CaseStatus(case.status).label.lower()} "
            f"on {_d(case.status_changed_on)}",
            actor=None,
        )
    return {
        "tasks closed (first contact made)": met,
        "tasks closed (case closed)": cancelled,
        "tasks closed (victim left the scheme)": left,
        "tasks closed (annual letter missed or not wanted)": _annual_tasks_close(today),
    }


def deadline_sweep(*, as_of: date) -> SweepResult:
    """Make the tasks the deadlines call for on ``as_of``, and close those no longer called for.

    Safe to run twice; a missed day is caught up by the next run, because each rule
    (``contacts.rules``) looks at what is due, not at what changed.
    """
    with transaction.atomic():
        closed = _close_spent_tasks(as_of)
    return SweepResult(
        "Deadline sweep",
        {
            "first-contact tasks created": _first_contact_tasks(),
            "escalations created": _escalation_tasks(as_of),
            "annual-letter tasks created": _annual_letter_tasks(as_of),
            **closed,
        },
    )


ALERTS_SWEEP = "Alerts sweep"


def alerts_sweep(*, as_of: date, lookback_days: int | None = None) -> SweepResult:
    """Re-run the alerts for events and key dates recorded since the sweep last finished (from the
    start of that day, at most ``VCS_ALERT_LOOKBACK_DAYS`` back; or the last ``lookback_days``),
    so an alert missed at the time (an error, a deploy) is made now, and an ordinary day reads
    only a day's records."""
    today = as_of
    if lookback_days is None:
        lookback_days = settings.VCS_ALERT_LOOKBACK_DAYS
        last = sweep_last_finished(ALERTS_SWEEP, before=today)
        if last is not None:
            lookback_days = min(lookback_days, (today - last).days)
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
    return SweepResult(ALERTS_SWEEP, {"alert tasks created": alerts_create(alerts, actor=None)})
