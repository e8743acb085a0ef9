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
from django.db.models import BigIntegerField, CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat, Substr

from contacts import rules
from contacts.models import Priority, Task, TaskKind, TaskStatus
from contacts.services import task_close, tasks_ensure
from contacts.sweeps import annual_due_q, annual_keys, annual_letter_cases, annual_letter_task_ensure
from offenders.models import EventKind, KeyDate, KeyDateKind, SentenceEvent
from parole.models import ParoleReview
from vcs_portal.core.models import Role, Team, User
from vcs_portal.core.pages import govuk_date as _d
from vcs_portal.core.sweeps import SweepResult
from victims.models import Case, CaseStatus

from . import rendering
from .models import KINDS_FOR_LEVEL, Letter, LetterKind, LetterStatus
from .services import ALERT_LETTER_KINDS, alert_task_key, letter_cancel_by_rule, letter_draft

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

log = logging.getLogger(__name__)

# Before a key date, the letter is due this many days ahead of it (or at once, if the alert is later).
LETTER_LEAD_DAYS = 28

ANNUAL_LEVELS = rules.ANNUAL_LEVELS


def _result(name: str) -> SweepResult:
    return SweepResult.of(name, ["letters drafted", "tasks created"])


def _draft(
    result: SweepResult, *, case: Case, kind: str, period_key: str, on: date, facts: rendering.CaseFacts
) -> None:
    try:
        _, created = letter_draft(
            case=case, kind=kind, period_key=period_key, on=on, facts=facts, known_absent=True
        )
    except Exception:
        log.exception("Could not draft a %s letter on case %s for %s", kind, case.pk, period_key)
        result.errors += 1
        return
    result.add("letters drafted", created)


# --- annual letters -----------------------------------------------------------------------


def annual_letter_sweep(*, as_of: date) -> SweepResult:
    """Draft the annual letter of every opted-in victim who chose yearly letters or all key stages,
    once it falls due within ``VCS_ANNUAL_LETTER_WINDOW_DAYS``; period key: the year it is due.

    The rule and the task are the deadline sweep's (``contacts.rules.annual_letter_period``,
    ``contacts.sweeps.annual_letter_task_ensure``), so whichever runs first the task is the same.
    A draft of an earlier year that was never sent is cancelled once the next one is due.
    """
    result = SweepResult.of("Annual letters", ["letters drafted", "tasks created", "drafts cancelled"])
    # A letter is drafted for an open annual task: the cases with one, and those whose next window
    # has opened (their task may not exist yet, when this sweep runs before the deadline sweep).
    with_task = Task.objects.open().filter(kind=TaskKind.ANNUAL_LETTER, case_id=OuterRef("pk"))
    cases = annual_letter_cases().filter(annual_due_q(as_of) | Q(Exists(with_task)))
    keys = annual_keys(cases.values("pk"))
    open_keys = set(
        Task.objects.open()
        .filter(kind=TaskKind.ANNUAL_LETTER, case__in=cases)
        .values_list("case_id", "dedupe_key")
    )
    have_letters = set(
        # A cancelled letter frees its period: the sweep drafts the year's letter again.
        Letter.objects.filter(kind=LetterKind.ANNUAL, case__in=cases)
        .exclude(status=LetterStatus.CANCELLED)
        .values_list("case_id", "period_key")
    )
    todo: dict[int, str] = {}
    for case in cases.select_related("officer").iterator(chunk_size=500):
        period = rules.annual_letter_period(case, as_of)
        if period is None:
            continue
        created = annual_letter_task_ensure(case=case, period=period, have=keys.get(case.pk, {}))
        result.add("tasks created", created)
        task_open = created or (case.pk, period.task_key) in open_keys
        if task_open and (case.pk, period.letter_period) not in have_letters:
            todo[case.pk] = period.letter_period
    for case, facts in _cases_for_drafting(todo):
        _draft(result, case=case, kind=LetterKind.ANNUAL, period_key=todo[case.pk], on=as_of, facts=facts)
    result.add("drafts cancelled", _annual_drafts_cancel(as_of))
    return result


def _annual_drafts_cancel(as_of: date) -> int:
    """Cancel the sweep's annual drafts the rule no longer asks for: a later year's is due, or
    the victim no longer wants yearly letters (or has left the scheme)."""
    cancelled = 0
    drafts = Letter.objects.without_pdf().filter(
        kind=LetterKind.ANNUAL, status=LetterStatus.DRAFT, created_by__isnull=True
    )
    for letter in drafts.select_related("case"):
        period = rules.annual_letter_period(letter.case, as_of)
        if period is None:
            wanted = letter.case.status == CaseStatus.OPTED_IN and letter.case.contact_level in ANNUAL_LEVELS
            if wanted:
                continue  # a run for an earlier day
            reason = "the victim no longer asks for yearly letters"
        elif letter.period_key.isdigit() and int(letter.period_key) < period.year:
            reason = f"the {period.year} annual letter is now due"
        else:
            continue
        cancelled += letter_cancel_by_rule(letter=letter, reason=reason)
    return cancelled


DRAFTING_CHUNK = 200


def _cases_for_drafting(pks: Iterable[int]) -> Iterator[tuple[Case, rendering.CaseFacts]]:
    """The cases with what their letters need to know, read 200 at a time."""
    pks = sorted(pks)
    for start in range(0, len(pks), DRAFTING_CHUNK):
        cases = list(
            Case.objects.filter(pk__in=pks[start : start + DRAFTING_CHUNK])
            .select_related("victim", "offender", "sentence", "officer")
            .order_by("pk")
        )
        facts = rendering.case_facts_many(cases)
        for case in cases:
            yield case, facts[case.pk]


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


def _coming_dates(
    sentence_ids: Iterable[int], start: date | None, end: date | None
) -> dict[int, set[_Coming]]:
    """The current CRDs and PEDs and the parole hearings between ``start`` and ``end`` (either
    open-ended when None), per sentence."""
    coming: dict[int, set[_Coming]] = defaultdict(set)

    def within(on: date) -> bool:
        return (start is None or start <= on) and (end is None or on <= end)

    current = (
        KeyDate.objects.filter(sentence_id__in=sentence_ids, kind__in=[KeyDateKind.CRD, KeyDateKind.PED])
        .order_by("sentence_id", "kind", "-recorded_at", "-pk")
        .distinct("sentence_id", "kind")
    )
    for key_date in current:
        if within(key_date.date):
            coming[key_date.sentence_id].add(_Coming(key_date.kind, key_date.date))
    for sentence_id, on in SentenceEvent.objects.filter(
        sentence_id__in=sentence_ids, kind=EventKind.PAROLE_HEARING
    ).values_list("sentence_id", "occurred_on"):
        if within(on):
            coming[sentence_id].add(_Coming("hearing", on))
    for sentence_id, on in ParoleReview.objects.filter(
        sentence_id__in=sentence_ids, outcome="", hearing_on__isnull=False
    ).values_list("sentence_id", "hearing_on"):
        if within(on):
            coming[sentence_id].add(_Coming("hearing", on))
    return coming


def release_alert_due(item: _Coming) -> date:
    """The "coming up" task is due a set time before the date (or as the alert opens, if later):
    counted from the date, so it is the same whichever day the task is made."""
    return item.on - timedelta(days=min(LETTER_LEAD_DAYS, settings.VCS_RELEASE_ALERT_DAYS))


def release_alerts_wanted(*, as_of: date) -> list[tuple[Case, _Coming]]:
    """The rule: each opted-in case whose level of contact wants the letter a CRD, PED or parole
    hearing calls for, from ``VCS_RELEASE_ALERT_DAYS`` before the date until the date itself."""
    days = settings.VCS_RELEASE_ALERT_DAYS
    cases = Case.objects.filter(status=CaseStatus.OPTED_IN).exclude(contact_level="")
    coming = _coming_dates(cases.values("sentence_id"), as_of, as_of + timedelta(days=days))
    if not coming:
        return []
    wanted: list[tuple[Case, _Coming]] = []
    for case in cases.filter(sentence_id__in=coming.keys()).select_related("officer").order_by("pk"):
        for item in sorted(coming[case.sentence_id], key=lambda c: (c.on, c.key)):
            if COMING[item.key][1] in KINDS_FOR_LEVEL.get(case.contact_level, ()):
                wanted.append((case, item))
    return wanted


def release_alert_sweep(*, as_of: date) -> SweepResult:
    """``VCS_RELEASE_ALERT_DAYS`` before a CRD, PED or parole hearing: a task for the VLO and a draft
    letter, for each opted-in victim whose level of contact wants that letter.

    The period key names the date (``crd:2027-03-14``). A task and a sweep's draft whose date has
    passed, changed or been cancelled (a hearing taken out) are closed with the reason.
    """
    result = SweepResult.of("Release alerts", ["letters drafted", "tasks created", "tasks closed"])
    wanted = release_alerts_wanted(as_of=as_of)
    keys = {f"alert:{item.key}:{item.on.isoformat()}" for _, item in wanted}
    have_tasks = set(
        Task.objects.filter(kind=TaskKind.KEY_EVENT, dedupe_key__in=keys).values_list("case_id", "dedupe_key")
    )
    have_letters = set(
        Letter.objects.filter(case_id__in={c.pk for c, _ in wanted})
        .exclude(status=LetterStatus.CANCELLED)
        .values_list("case_id", "kind", "period_key")
    )
    to_draft: dict[int, list[tuple[str, str]]] = defaultdict(list)
    new_tasks: dict[tuple[int, str], Task] = {}
    for case, item in wanted:
        label, kind = COMING[item.key]
        period_key = f"{item.key}:{item.on.isoformat()}"
        dedupe_key = alert_task_key(period_key)
        if (case.pk, dedupe_key) not in have_tasks and (case.pk, dedupe_key) not in new_tasks:
            new_tasks[(case.pk, dedupe_key)] = Task(
                case=case,
                kind=TaskKind.KEY_EVENT,
                dedupe_key=dedupe_key,
                title=f"Coming up: {label.lower()} on {item.on:%-d %B %Y}",
                detail=(
                    f"A draft letter is ready ({LetterKind(kind).label.lower()}). Check it, approve it and "
                    "send it. Tell the victim the month only, never the date or where the offender is held."
                ),
                due_on=release_alert_due(item),
            )
        if (case.pk, kind, period_key) not in have_letters:
            to_draft[case.pk].append((kind, period_key))
    result.add("tasks created", tasks_ensure(list(new_tasks.values())))
    for case, facts in _cases_for_drafting(to_draft):
        for kind, period_key in to_draft[case.pk]:
            _draft(result, case=case, kind=kind, period_key=period_key, on=as_of, facts=facts)
    _release_alerts_close(result, as_of=as_of)
    return result


def _parse_alert(period_key: str) -> _Coming | None:
    key, _, iso = period_key.partition(":")
    try:
        return _Coming(key, date.fromisoformat(iso)) if key in COMING else None
    except ValueError:
        return None


def _release_alerts_close(result: SweepResult, *, as_of: date) -> None:
    """Close the "coming up" tasks, and cancel the sweep's drafts, that no longer apply: the date
    has passed, or it is no longer on record (changed, or a hearing cancelled)."""
    tasks = list(
        Task.objects.open()
        .filter(kind=TaskKind.KEY_EVENT, dedupe_key__startswith="alert:")
        .select_related("case")
    )
    drafts = list(
        Letter.objects.without_pdf()
        .filter(kind__in=ALERT_LETTER_KINDS, status=LetterStatus.DRAFT, created_by__isnull=True)
        .select_related("case")
    )
    sentences = {t.case.sentence_id for t in tasks} | {d.case.sentence_id for d in drafts}
    current = _coming_dates(sentences, None, None) if sentences else {}

    def reason(case: Case, item: _Coming | None) -> tuple[str, str] | None:
        """Why the work no longer applies: for the task (with the date) and for the audit (without)."""
        if item is None:
            return None
        label = COMING[item.key][0].lower()
        if item.on < as_of:
            return f"The {label} ({_d(item.on)}) has passed", f"the {label} has passed"
        if item not in current.get(case.sentence_id, set()):
            return (
                f"The {label} of {_d(item.on)} is no longer on record (changed or cancelled)",
                f"the {label} changed or was cancelled",
            )
        return None

    for task in tasks:
        why = reason(task.case, _parse_alert(task.dedupe_key.removeprefix("alert:")))
        if why:
            closed = task_close(task=task, status=TaskStatus.CANCELLED, outcome=why[0], actor=None)
            result.add("tasks closed", closed)
    for letter in drafts:
        why = reason(letter.case, _parse_alert(letter.period_key))
        if why:
            letter_cancel_by_rule(letter=letter, reason=why[1])


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


def _escalated_task_open() -> Exists:
    """Whether the task an escalation (``overdue:<pk>``) was raised for is still open, and not
    first contact's (which has its own escalation); the pk read from the key in SQL."""
    escalated_pk = Cast(
        Substr(OuterRef("dedupe_key"), len(rules.ESCALATION_KEY_PREFIX) + 1), BigIntegerField()
    )
    return Exists(Task.objects.open().filter(pk=escalated_pk).exclude(kind=TaskKind.FIRST_CONTACT))


def _escalations_close(result: SweepResult) -> None:
    """Close the escalations whose task is no longer open (the service closes them at once; this
    catches any closed another way) or whose case is not statutory.

    The database picks them out, so a day reads only those to close, not every open escalation.
    """
    escalations = list(
        Task.objects.open()
        .filter(kind=TaskKind.ESCALATION, dedupe_key__startswith=rules.ESCALATION_KEY_PREFIX)
        .filter(Q(case__statutory=False) | ~_escalated_task_open())
        .select_related("case")
    )
    if not escalations:
        return
    pks = {int(t.dedupe_key.removeprefix(rules.ESCALATION_KEY_PREFIX)) for t in escalations}
    still_open = dict(Task.objects.open().filter(pk__in=pks).values_list("pk", "kind"))
    for escalation in escalations:
        escalated = int(escalation.dedupe_key.removeprefix(rules.ESCALATION_KEY_PREFIX))
        if not escalation.case.statutory:
            why = "Not a statutory case (discretionary): no statutory breach is raised"
        elif escalated not in still_open:
            why = "The escalated task is closed"
        elif still_open[escalated] == TaskKind.FIRST_CONTACT:
            why = "First contact has its own escalation: one missed deadline, one escalation"
        else:
            continue
        closed = task_close(task=escalation, status=TaskStatus.CANCELLED, outcome=why, actor=None)
        result.add("escalations closed", closed)


def escalation_sweep(*, as_of: date) -> SweepResult:
    """Give a manager of the team an ESCALATION task for each open task of a statutory case overdue
    by more than ``VCS_ESCALATE_AFTER_DAYS`` days; one per overdue task (key ``overdue:<task id>``),
    closed with the task and never raised again for it.

    First contact has its own escalation (``contacts.rules.first_contact_escalation_due``), so its
    task is not escalated a second time here.
    """
    result = SweepResult.of("Escalations", ["letters drafted", "tasks created", "escalations closed"])
    _escalations_close(result)
    after = settings.VCS_ESCALATE_AFTER_DAYS
    overdue = list(
        Task.objects.open()
        .filter(due_on__lt=as_of - timedelta(days=after), case__statutory=True)
        .exclude(kind__in=[TaskKind.ESCALATION, TaskKind.FIRST_CONTACT])
        .exclude(owner__role=Role.MANAGER)  # a manager's own task has no one above it here
        .exclude(case__status=CaseStatus.CLOSED)
        # Escalated before, open or closed: never raised again. Left to the database, so a day
        # reads only the tasks newly overdue, not the whole backlog.
        .exclude(
            Exists(
                Task.objects.filter(
                    case_id=OuterRef("case_id"),
                    kind=TaskKind.ESCALATION,
                    dedupe_key=Concat(Value(rules.ESCALATION_KEY_PREFIX), Cast(OuterRef("pk"), CharField())),
                )
            )
        )
        .select_related("case", "owner")
        .order_by("pk")
    )
    if not overdue:
        return result
    managers = _team_managers({t.case.team_id for t in overdue})
    no_manager = 0
    escalations: list[Task] = []
    for task in overdue:
        manager = managers.get(task.case.team_id)
        if manager is None:
            no_manager += 1
            continue
        escalations.append(
            Task(
                case=task.case,
                kind=TaskKind.ESCALATION,
                dedupe_key=rules.escalation_key(task.pk),
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
        )
    result.add("tasks created", tasks_ensure(escalations))
    if no_manager:
        result.notes.append(f"{no_manager} overdue tasks have no manager to escalate to")
    return result
