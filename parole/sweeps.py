"""Parole's daily sweeps: statements that missed the Parole Board's deadline, and prompts to
re-offer the scheme to victims outside it as a parole review or a release nears.

Each rule decides from the database and the day, so a run for any day gives the same open work
however the days before it were run; work a rule no longer asks for is closed with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q

from contacts import rules
from contacts.models import Priority, Task, TaskKind, TaskStatus
from contacts.services import task_close, task_ensure, tasks_close_each, tasks_ensure
from offenders.models import EventKind, KeyDate, KeyDateKind, SentenceEvent
from vcs_portal.core.pages import govuk_date as _d
from vcs_portal.core.pages import lower_first
from vcs_portal.core.sweeps import SweepResult
from victims.deadlines import vps_due
from victims.models import Case, CaseStatus

from .models import ParoleReview, VictimPersonalStatement
from .services import INACTIVE_STATUSES, reoffer_review_task, vps_task_keys

REOFFER_KEY_DATES = [KeyDateKind.PED, KeyDateKind.CRD]


# --- statements past the Board's deadline ----------------------------------------------------


def vps_overdue_due(statement: VictimPersonalStatement, as_of: date) -> date | None:
    """The rule: a statement not yet submitted, for an undecided review whose deadline has passed
    by ``as_of`` and whose hearing has not; due the day after the deadline, whenever it is made."""
    review = statement.review
    if statement.submitted_on or review.outcome or review.hearing_on is None:
        return None
    if statement.case.status in INACTIVE_STATUSES:
        return None
    deadline = vps_due(review.hearing_on).due
    if not deadline < as_of <= review.hearing_on:
        return None
    return deadline + timedelta(days=1)


def _vps_tasks_close(as_of: date) -> int:
    """Close the VPS tasks that no longer apply: the hearing passed, was taken out or moved
    beyond the deadline, the review was decided, or the victim left the scheme."""
    closing: list[tuple[Task, str, str]] = []
    tasks = (
        Task.objects.open().filter(kind__in=[TaskKind.VPS_DUE, TaskKind.VPS_OVERDUE]).select_related("case")
    )
    by_review: dict[int, list[Task]] = defaultdict(list)
    for task in tasks:
        review_pk = task.dedupe_key.rsplit(":", 1)[-1]
        if review_pk.isdigit():
            by_review[int(review_pk)].append(task)
    reviews = ParoleReview.objects.in_bulk(list(by_review))
    for review_pk, review_tasks in by_review.items():
        review = reviews.get(review_pk)
        for task in review_tasks:
            why = ""
            if review is None or review.outcome:
                why = "The parole review was decided"
            elif review.hearing_on is None:
                why = "The hearing was taken out (no hearing date on record)"
            elif review.hearing_on < as_of:
                why = f"The hearing ({_d(review.hearing_on)}) has passed"
            elif task.kind == TaskKind.VPS_OVERDUE and vps_due(review.hearing_on).due >= as_of:
                why = f"The hearing moved to {_d(review.hearing_on)}: the statement is no longer overdue"
            elif task.case.status in INACTIVE_STATUSES:
                why = f"No longer needed: the victim is {CaseStatus(task.case.status).label.lower()}"
            if why:
                closing.append((task, TaskStatus.CANCELLED, why))
    return tasks_close_each(closing, actor=None)


def vps_sweep(*, as_of: date) -> SweepResult:
    """Raise a high-priority task for each statement past its deadline and not yet submitted
    (``vps_overdue_due``), and close the VPS tasks that no longer apply.

    Safe to run twice: the task's key names the review, so a second run creates nothing.
    """
    closed = _vps_tasks_close(as_of)
    latest_hearing = as_of + timedelta(days=settings.VCS_VPS_DAYS_BEFORE_HEARING)
    statements = (
        VictimPersonalStatement.objects.filter(
            submitted_on__isnull=True,
            review__outcome="",
            review__hearing_on__gte=as_of,
            review__hearing_on__lt=latest_hearing,
        )
        .exclude(case__status__in=INACTIVE_STATUSES)
        .select_related("case__officer", "review")
        .order_by("pk")
    )
    created = 0
    for statement in statements:
        due_on = vps_overdue_due(statement, as_of)
        if due_on is None:
            continue
        deadline = vps_due(statement.review.hearing_on)
        reminder_key, overdue_key = vps_task_keys(statement.review_id)
        # One missed deadline, one piece of work: the reminder gives way to the overdue task.
        for reminder in Task.objects.open().filter(
            case=statement.case, kind=TaskKind.VPS_DUE, dedupe_key=reminder_key
        ):
            closed += task_close(
                task=reminder,
                status=TaskStatus.CANCELLED,
                outcome=f"The Board's deadline ({_d(deadline.due)}) passed: the overdue task replaces it",
                actor=None,
            )
        _, was_created = task_ensure(
            case=statement.case,
            kind=TaskKind.VPS_OVERDUE,
            dedupe_key=overdue_key,
            title=f"VPS overdue: it was due to the Parole Board by {_d(deadline.due)}",
            due_on=due_on,
            owner=statement.case.officer,
            priority=Priority.HIGH,
            detail=deadline.rule,
        )
        created += was_created
    return SweepResult(
        "VPS sweep", {"overdue-statement tasks created": created, "statement tasks closed": closed}
    )


# --- re-offering the scheme ------------------------------------------------------------------


def _current_key_dates(sentence_ids: Iterable[int]) -> dict[int, list[KeyDate]]:
    current: dict[int, list[KeyDate]] = defaultdict(list)
    for key_date in (
        KeyDate.objects.filter(sentence_id__in=sentence_ids, kind__in=REOFFER_KEY_DATES)
        .order_by("sentence_id", "kind", "-recorded_at", "-pk")
        .distinct("sentence_id", "kind")
    ):
        current[key_date.sentence_id].append(key_date)
    return current


def reoffer_dates(
    *, key_dates: list[KeyDate], hearings: list[date], reviews: list[ParoleReview]
) -> list[tuple[str, str, date]]:
    """Every date that could prompt a re-offer on a sentence: (key, label, date), whatever the day.

    A parole hearing already covered by an open review's prompt is not prompted again.
    """
    review_hearings = {r.hearing_on for r in reviews if r.hearing_on}
    dates = [(k.kind, k.get_kind_display(), k.date) for k in key_dates]
    dates += [
        (EventKind.PAROLE_HEARING, EventKind.PAROLE_HEARING.label, on)
        for on in sorted(set(hearings))
        if on not in review_hearings
    ]
    return [(f"reoffer:{kind}:{on.isoformat()}", label, on) for kind, label, on in dates]


def reoffer_sweep(*, as_of: date) -> SweepResult:
    """Prompt the VLO to consider re-offering the scheme to a victim outside it (opted out,
    declined, never reached) when a parole review is open, or a PED, CRD or parole hearing is
    within ``VCS_REOFFER_WINDOW_DAYS``: one task per review or date, and no letter.

    A prompt closes when the victim is back in the scheme (done), or when its date has passed,
    changed, or its review was decided (cancelled, with the reason).
    """
    result = SweepResult.of("Re-offer prompts", ["tasks created", "tasks closed"])
    open_prompts = list(Task.objects.open().filter(kind=TaskKind.REOFFER).select_related("case"))
    # Only the sentences with something that could prompt on ``as_of``, found through indexed
    # dates: a PED, CRD or parole hearing within the window (any recorded value: the current one
    # is read below), or an open parole review. Not every case outside the scheme.
    horizon = as_of + timedelta(days=settings.VCS_REOFFER_WINDOW_DAYS)
    due = (
        Q(
            sentence_id__in=KeyDate.objects.filter(
                kind__in=REOFFER_KEY_DATES, date__range=(as_of, horizon)
            ).values("sentence_id")
        )
        | Q(
            sentence_id__in=SentenceEvent.objects.filter(
                kind=EventKind.PAROLE_HEARING, occurred_on__range=(as_of, horizon)
            ).values("sentence_id")
        )
        | Q(sentence_id__in=ParoleReview.objects.filter(outcome="").values("sentence_id"))
    )
    candidates = Case.objects.filter(due, status__in=rules.REOFFER_STATUSES)
    cases = {c.pk: c for c in candidates.select_related("officer")}
    cases.update({t.case_id: t.case for t in open_prompts if t.case_id not in cases})
    sentence_ids = {c.sentence_id for c in cases.values()}
    key_dates = _current_key_dates(sentence_ids)
    hearings: dict[int, list[date]] = defaultdict(list)
    for sentence_id, on in SentenceEvent.objects.filter(
        sentence_id__in=sentence_ids, kind=EventKind.PAROLE_HEARING
    ).values_list("sentence_id", "occurred_on"):
        hearings[sentence_id].append(on)
    reviews: dict[int, list[ParoleReview]] = defaultdict(list)
    for review in ParoleReview.objects.filter(sentence_id__in=sentence_ids, outcome=""):
        reviews[review.sentence_id].append(review)
    # Every prompt already made for these cases, open or closed, in one read: an ordinary day asks
    # for thousands that exist, and a closed prompt is never made again (task_ensure's own rule).
    made_before = set(
        Task.objects.filter(kind=TaskKind.REOFFER, case_id__in=list(cases)).values_list(
            "case_id", "dedupe_key"
        )
    )
    wanted: dict[tuple[int, str], None] = {}
    prompts: list[Task] = []
    for case in cases.values():
        if case.status not in rules.REOFFER_STATUSES:
            continue
        for review in reviews.get(case.sentence_id, []):
            key = (case.pk, f"reoffer:review:{review.pk}")
            wanted[key] = None
            if key not in made_before:
                prompts.append(reoffer_review_task(review=review, case=case))
        for key, label, on in reoffer_dates(
            key_dates=key_dates.get(case.sentence_id, []),
            hearings=hearings.get(case.sentence_id, []),
            reviews=reviews.get(case.sentence_id, []),
        ):
            if not rules.reoffer_date_wanted(case, on, as_of):
                continue
            wanted[(case.pk, key)] = None
            if (case.pk, key) in made_before:
                continue
            prompts.append(
                Task(
                    case=case,
                    kind=TaskKind.REOFFER,
                    dedupe_key=key,
                    title=f"Consider re-offering the scheme: {lower_first(label)} on {_d(on)}",
                    detail=(
                        f"The victim is {CaseStatus(case.status).label.lower()}. As release or a parole "
                        "review nears, consider offering the scheme again."
                    ),
                    due_on=rules.reoffer_date_due(on),
                )
            )
    result.add("tasks created", tasks_ensure(prompts))
    closing: list[tuple[Task, str, str]] = []
    for task in open_prompts:
        if (task.case_id, task.dedupe_key) in wanted:
            continue
        why = _reoffer_obsolete(task, as_of=as_of, key_dates=key_dates, hearings=hearings, reviews=reviews)
        if why is not None:
            closing.append((task, *why))
    result.add("tasks closed", tasks_close_each(closing, actor=None))
    return result


def _reoffer_obsolete(
    task: Task,
    *,
    as_of: date,
    key_dates: dict[int, list[KeyDate]],
    hearings: dict[int, list[date]],
    reviews: dict[int, list[ParoleReview]],
) -> tuple[str, str] | None:
    """Why an open prompt no longer applies, as (status, outcome); None if it still does."""
    case = task.case
    if case.status == CaseStatus.OPTED_IN:
        return TaskStatus.DONE, f"The victim opted in again on {_d(case.status_changed_on)}"
    if case.status not in rules.REOFFER_STATUSES:
        return TaskStatus.CANCELLED, f"No longer needed: the case is {CaseStatus(case.status).label.lower()}"
    parts = task.dedupe_key.split(":")
    if len(parts) == 3 and parts[1] == "review":
        open_reviews = {str(r.pk) for r in reviews.get(case.sentence_id, [])}
        return None if parts[2] in open_reviews else (TaskStatus.CANCELLED, "The parole review was decided")
    if len(parts) != 3:
        return None
    on = date.fromisoformat(parts[2])
    if on < as_of:
        return TaskStatus.CANCELLED, f"The date ({_d(on)}) has passed"
    current = {
        key
        for key, _, _ in reoffer_dates(
            key_dates=key_dates.get(case.sentence_id, []),
            hearings=hearings.get(case.sentence_id, []),
            reviews=reviews.get(case.sentence_id, []),
        )
    }
    if task.dedupe_key not in current:
        return TaskStatus.CANCELLED, f"The date of {_d(on)} is no longer on record (changed or cancelled)"
    return None  # within the record but beyond this day's window: an earlier day run again
