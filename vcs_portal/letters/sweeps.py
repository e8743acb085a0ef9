"""Daily sweeps for letters: annual letters, alerts before key dates, escalation of overdue tasks.

Each sweep finds what is due on ``as_of`` from the database, so a missed day is caught by the
next run, and each is safe to run twice: letters are unique per (case, kind, period) and tasks per
(case, kind, dedupe key). One case that cannot be drafted (a missing template, say) is logged and
counted, and the sweep goes on.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Max, Q

from contacts.models import Priority, Task, TaskKind, TaskStatus
from contacts.services import task_ensure
from offenders.models import EventKind, KeyDate, KeyDateKind, SentenceEvent
from parole.models import ParoleReview
from vcs_portal.core.models import Role, Team, User
from vcs_portal.core.sweeps import SweepResult
from victims.deadlines import annual_letter_due
from victims.models import Case, CaseStatus, ContactLevel

from .models import KINDS_FOR_LEVEL, Letter, LetterKind
from .services import letter_draft

if TYPE_CHECKING:
    from collections.abc import Iterable

log = logging.getLogger(__name__)

# Before a key date, the letter is due this many days ahead of it (or at once, if the alert is later).
LETTER_LEAD_DAYS = 28

ANNUAL_LEVELS = [ContactLevel.ANNUAL, ContactLevel.ALL_KEY_STAGES]


def _result(name: str) -> SweepResult:
    return SweepResult.of(name, ["letters drafted", "tasks created"])


def _draft(result: SweepResult, *, case: Case, kind: str, period_key: str, on: date) -> None:
    try:
        _, created = letter_draft(case=case, kind=kind, period_key=period_key, on=on)
    except Exception:
        log.exception("Could not draft a %s letter on case %s for %s", kind, case.pk, period_key)
        result.errors += 1
        return
    result.add("letters drafted", created)


# --- annual letters -----------------------------------------------------------------------


def annual_letter_next_due(*, case: Case, last_task_due: date | None = None, known: bool = False) -> date:
    """When the case's next annual letter is due: a year after the opt-in, or after the last one due.

    The same rule as ``contacts.sweeps.deadline_sweep`` (a letter sent early does not move the
    cycle), so both make the same ``annual:<year>`` task and never two.
    """
    if not known:
        last_task_due = Task.objects.filter(case=case, kind=TaskKind.ANNUAL_LETTER).aggregate(
            d=Max("due_on")
        )["d"]
    due = annual_letter_due(case.status_changed_on).due
    if last_task_due:
        due = max(due, annual_letter_due(last_task_due).due)
    return due


def annual_letter_sweep(*, as_of: date) -> SweepResult:
    """Draft the annual letter of every opted-in victim who chose yearly letters or all key stages,
    once it falls due within ``VCS_ANNUAL_LETTER_WINDOW_DAYS``; period key: the year it is due."""
    result = _result("Annual letters")
    window = timedelta(days=settings.VCS_ANNUAL_LETTER_WINDOW_DAYS)
    in_scheme = Q(status=CaseStatus.OPTED_IN, contact_level__in=ANNUAL_LEVELS)
    cases = (
        Case.objects.filter(in_scheme)
        .annotate(last_task_due=Max("tasks__due_on", filter=Q(tasks__kind=TaskKind.ANNUAL_LETTER)))
        .select_related("officer")
    )
    # 1. The task, as the deadline sweep makes it (a no-op when that sweep ran first).
    for case in cases.iterator(chunk_size=500):
        due = annual_letter_next_due(case=case, last_task_due=case.last_task_due, known=True)
        if as_of < due - window:
            continue
        _, created = task_ensure(
            case=case,
            kind=TaskKind.ANNUAL_LETTER,
            dedupe_key=f"annual:{due.year}",
            title="Send the annual letter",
            detail="Say what has changed, including the current security category and the next key date.",
            due_on=due,
        )
        result.add("tasks created", created)
    # 2. The letter for the newest open annual task of each case, unless it has one already.
    tasks = (
        Task.objects.filter(
            kind=TaskKind.ANNUAL_LETTER,
            status=TaskStatus.OPEN,
            due_on__lte=as_of + window,
            case__status=CaseStatus.OPTED_IN,
            case__contact_level__in=ANNUAL_LEVELS,
        )
        .order_by("case_id", "-due_on")
        .distinct("case_id")
    )
    due_by_case = {t.case_id: t.due_on for t in tasks}
    have = set(
        Letter.objects.filter(kind=LetterKind.ANNUAL, case_id__in=due_by_case).values_list(
            "case_id", "period_key"
        )
    )
    todo = {pk: due for pk, due in due_by_case.items() if (pk, str(due.year)) not in have}
    for case in _cases_for_drafting(todo):
        _draft(result, case=case, kind=LetterKind.ANNUAL, period_key=str(todo[case.pk].year), on=as_of)
    return result


def _cases_for_drafting(pks: Iterable[int]) -> Iterable[Case]:
    return (
        Case.objects.filter(pk__in=list(pks))
        .select_related("victim", "offender", "sentence", "officer")
        .order_by("pk")
        .iterator(chunk_size=200)
    )


# --- alerts before key dates -----------------------------------------------------------------


@dataclass(frozen=True)
class _Coming:
    key: str  # crd, ped, hearing
    on: date


# What each coming date means, and the letter it calls for.
COMING: dict[str, tuple[str, str]] = {
    "crd": ("Conditional release date", LetterKind.RELEASE),
    "ped": ("Parole eligibility date", LetterKind.PAROLE_REVIEW),
    "hearing": ("Parole hearing", LetterKind.VPS_INVITATION),
}


def _coming_dates(sentence_ids: Iterable[int], start: date, end: date) -> dict[int, set[_Coming]]:
    """The CRDs, PEDs and parole hearings between ``start`` and ``end``, per sentence."""
    coming: dict[int, set[_Coming]] = defaultdict(set)
    current = (
        KeyDate.objects.filter(sentence_id__in=sentence_ids, kind__in=[KeyDateKind.CRD, KeyDateKind.PED])
        .order_by("sentence_id", "kind", "-recorded_at", "-pk")
        .distinct("sentence_id", "kind")
    )
    for key_date in current:
        if start <= key_date.date <= end:
            coming[key_date.sentence_id].add(_Coming(key_date.kind, key_date.date))
    for sentence_id, on in SentenceEvent.objects.filter(
        sentence_id__in=sentence_ids, kind=EventKind.PAROLE_HEARING, occurred_on__range=(start, end)
    ).values_list("sentence_id", "occurred_on"):
        coming[sentence_id].add(_Coming("hearing", on))
    for sentence_id, on in ParoleReview.objects.filter(
        sentence_id__in=sentence_ids, outcome="", hearing_on__range=(start, end)
    ).values_list("sentence_id", "hearing_on"):
        coming[sentence_id].add(_Coming("hearing", on))
    return coming


def release_alert_sweep(*, as_of: date) -> SweepResult:
    """``VCS_RELEASE_ALERT_DAYS`` before a CRD, PED or parole hearing: a task for the VLO and a draft
    letter, for each opted-in victim whose level of contact wants that letter.

    The period key names the date (``crd:2027-03-14``): a date that is changed gets a new alert,
    and the old draft is left for the VLO to cancel.
    """
    result = _result("Release alerts")
    days = settings.VCS_RELEASE_ALERT_DAYS
    cases = Case.objects.filter(status=CaseStatus.OPTED_IN).exclude(contact_level="")
    coming = _coming_dates(cases.values("sentence_id"), as_of, as_of + timedelta(days=days))
    if not coming:
        return result
    wanted: list[tuple[Case, _Coming]] = []
    for case in cases.filter(sentence_id__in=coming.keys()).select_related("officer").order_by("pk"):
        for item in sorted(coming[case.sentence_id], key=lambda c: (c.on, c.key)):
            if COMING[item.key][1] in KINDS_FOR_LEVEL.get(case.contact_level, ()):
                wanted.append((case, item))
    keys = {f"alert:{item.key}:{item.on.isoformat()}" for _, item in wanted}
    have_tasks = set(
        Task.objects.filter(kind=TaskKind.KEY_EVENT, dedupe_key__in=keys).values_list("case_id", "dedupe_key")
    )
    have_letters = set(
        Letter.objects.filter(case_id__in={c.pk for c, _ in wanted}).values_list(
            "case_id", "kind", "period_key"
        )
    )
    to_draft: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for case, item in wanted:
        label, kind = COMING[item.key]
        period_key = f"{item.key}:{item.on.isoformat()}"
        dedupe_key = f"alert:{period_key}"
        if (case.pk, dedupe_key) not in have_tasks:
            _, created = task_ensure(
                case=case,
                kind=TaskKind.KEY_EVENT,
                dedupe_key=dedupe_key,
                title=f"Coming up: {label.lower()} on {item.on:%-d %B %Y}",
                detail=(
                    f"A draft letter is ready ({LetterKind(kind).label.lower()}). Check it, approve it and "
                    "send it. Tell the victim the month only, never the date or where the offender is held."
                ),
                due_on=max(as_of, item.on - timedelta(days=min(LETTER_LEAD_DAYS, days))),
            )
            result.add("tasks created", created)
        if (case.pk, kind, period_key) not in have_letters:
            to_draft[case.pk].append((kind, period_key))
    for case in _cases_for_drafting(to_draft):
        for kind, period_key in to_draft[case.pk]:
            _draft(result, case=case, kind=kind, period_key=period_key, on=as_of)
    return result


# --- escalation of overdue work ------------------------------------------------------------------


def _team_managers(team_ids: Iterable[int]) -> dict[int, User]:
    """The first active manager of each team (by id, so it is stable), else its regional manager."""
    team_ids = set(team_ids)
    found: dict[int, User] = {}
    through = (
        User.managed_teams.through.objects.filter(
            team_id__in=team_ids, user__is_active=True, user__role=Role.MANAGER
        )
        .select_related("user")
        .order_by("user_id")
    )
    for row in through:
        found.setdefault(row.team_id, row.user)
    missing = team_ids - found.keys()
    if missing:
        regions = dict(Team.objects.filter(pk__in=missing).values_list("pk", "region_id"))
        regional = {}
        for user in User.objects.filter(
            role=Role.MANAGER, is_active=True, is_regional_manager=True, region_id__in=set(regions.values())
        ).order_by("pk"):
            regional.setdefault(user.region_id, user)
        for team_id, region_id in regions.items():
            if region_id in regional:
                found[team_id] = regional[region_id]
    return found


def escalation_sweep(*, as_of: date) -> SweepResult:
    """Give a manager of the team an ESCALATION task for each open task overdue by more than
    ``VCS_ESCALATE_AFTER_DAYS`` days; one per overdue task (dedupe key ``overdue:<task id>``)."""
    result = _result("Escalations")
    after = settings.VCS_ESCALATE_AFTER_DAYS
    overdue = list(
        Task.objects.open()
        .filter(due_on__lt=as_of - timedelta(days=after))
        .exclude(kind=TaskKind.ESCALATION)
        .exclude(owner__role=Role.MANAGER)  # a manager's own task has no one above it here
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case", "owner")
        .order_by("pk")
    )
    if not overdue:
        return result
    have = set(
        Task.objects.filter(
            kind=TaskKind.ESCALATION, dedupe_key__in=[f"overdue:{t.pk}" for t in overdue]
        ).values_list("dedupe_key", flat=True)
    )
    managers = _team_managers({t.case.team_id for t in overdue})
    no_manager = 0
    for task in overdue:
        key = f"overdue:{task.pk}"
        if key in have:
            continue
        manager = managers.get(task.case.team_id)
        if manager is None:
            no_manager += 1
            continue
        _, created = task_ensure(
            case=task.case,
            kind=TaskKind.ESCALATION,
            dedupe_key=key,
            title=f"Overdue task on {task.case.reference}: {task.title}"[:255],
            detail=(
                f"{task.owner} has had this task open since it was due on {task.due_on:%-d %B %Y}. "
                "Agree with them how and when it will be done."
            ),
            # From the task's own due date, so a late run gives the same date.
            due_on=task.due_on + timedelta(days=after + 1),
            owner=manager,
            priority=Priority.HIGH,
        )
        result.add("tasks created", created)
    if no_manager:
        result.notes.append(f"{no_manager} overdue tasks have no manager to escalate to")
    return result
