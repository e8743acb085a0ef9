"""Writes about contact work: the contact log, tasks, alerts and referrals out.

Each write is one transaction, validated and audited. Audit rows name what happened,
never the words of a contact summary or a task outcome (they may hold a victim's details).
Rules raise ``ValidationError`` keyed by the form field they belong to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from offenders.models import EventKind, KeyDate, KeyDateKind, SentenceEvent
from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, Role, Team, User
from vcs_portal.core.pages import govuk_date as _d
from victims import deadlines
from victims.models import Case, CaseStatus, ContactLevel

from . import selectors
from .models import (
    Contact,
    ContactWith,
    Method,
    Priority,
    ReferralOut,
    ReferralOutcome,
    ReferralService,
    Task,
    TaskKind,
    TaskStatus,
)

DEFAULT_ANNUAL_LETTER_WINDOW_DAYS = 30
DEFAULT_REOFFER_WINDOW_DAYS = 90
DEFAULT_ALERT_LOOKBACK_DAYS = 30
# Working days the VLO has to tell a victim about a key event.
ALERT_WORKING_DAYS = 5
# Working days to act on a prompt to re-offer the scheme (capped at the date itself).
REOFFER_WORKING_DAYS = 10

# A contact with the victim by one of these meets the first-contact deadline (Victims' Code,
# Right 11). A text message is not a conversation; a video call is a visit by other means.
FIRST_CONTACT_METHODS = {
    Method.PHONE,
    Method.HOME_VISIT,
    Method.OFFICE_VISIT,
    Method.VIDEO,
    Method.LETTER,
    Method.EMAIL,
}

# Which sentence events a victim hears about, by the level of contact they chose (DOMAIN.md s.4).
# - Release month only: the release itself. HDC is an early release; a conditional discharge is a
#   hospital patient's release, so a victim of a hospital-order patient is not left out.
# - Annual letter: releases, plus the events that end or reverse one (recall, death, deportation).
# - All key stages: everything after sentence, appeals included.
ALERT_EVENTS: dict[str, frozenset[str]] = {
    ContactLevel.RELEASE_MONTH: frozenset(
        {EventKind.RELEASE, EventKind.HDC, EventKind.CONDITIONAL_DISCHARGE}
    ),
    ContactLevel.ANNUAL: frozenset(
        {
            EventKind.RELEASE,
            EventKind.HDC,
            EventKind.CONDITIONAL_DISCHARGE,
            EventKind.RECALL,
            EventKind.DEATH,
            EventKind.DEPORTATION,
        }
    ),
    ContactLevel.ALL_KEY_STAGES: frozenset(set(EventKind) - {EventKind.SENTENCED}),
}
# A key date being set counts as this event for the rule above.
KEY_DATE_EVENTS: dict[str, str] = {
    KeyDateKind.CRD: EventKind.RELEASE,
    KeyDateKind.PED: EventKind.PAROLE_ELIGIBILITY,
}
# Events after which a victim is told the month only, never the day (DOMAIN.md s.5).
RELEASE_EVENTS = {EventKind.RELEASE, EventKind.HDC, EventKind.CONDITIONAL_DISCHARGE}

# Cases outside the scheme that are prompted to re-offer it as release nears (Victims' Commissioner 2020).
REOFFER_STATUSES = [
    CaseStatus.OPTED_OUT,
    CaseStatus.DECLINED,
    CaseStatus.NO_RESPONSE,
    CaseStatus.UNABLE_TO_TRACE,
]
REOFFER_KEY_DATES = [KeyDateKind.PED, KeyDateKind.CRD]


def _setting(name: str, default: int) -> int:
    return getattr(settings, name, default)


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- tasks ------------------------------------------------------------------------


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


def _can_manage(user: User, case: Case) -> bool:
    """Whether ``user`` is a manager whose teams include the case's (a regional manager's do)."""
    return user.role == Role.MANAGER and Case.objects.visible_to(user).filter(pk=case.pk).exists()


def _check_owner(case: Case, owner: User, *, field: str = "owner") -> None:
    if not selectors.eligible_task_owners(case=case).filter(pk=owner.pk).exists():
        raise ValidationError({field: "Choose a VLO in the case's team"})


@transaction.atomic
def task_create_manual(
    *,
    actor: User,
    case: Case,
    title: str,
    due_on: date,
    priority: str,
    owner: User | None = None,
    detail: str = "",
) -> Task:
    """Add a task by hand; it goes to the case's officer unless another VLO of the team is chosen."""
    errors = {}
    if not title.strip():
        errors["title"] = "Enter what needs doing"
    if due_on < timezone.localdate():
        errors["due_on"] = "The due date must be today or in the future"
    if errors:
        raise ValidationError(errors)
    owner = owner or case.officer
    if owner.pk != case.officer_id:
        _check_owner(case, owner)
    task = Task(
        case=case,
        kind=TaskKind.MANUAL,
        title=title.strip(),
        detail=detail.strip(),
        due_on=due_on,
        owner=owner,
        priority=priority,
        created_by=actor,
    )
    task.full_clean()
    task.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=task, summary="task: manual")
    return task


@transaction.atomic
def task_complete(*, actor: User, task: Task, outcome: str) -> Task:
    """Mark a task done with what was done. Only its owner, or a manager of the team, may."""
    if not outcome.strip():
        raise ValidationError({"outcome": "Enter what you did"})
    if task.owner_id != actor.pk and not _can_manage(actor, task.case):
        raise ValidationError("Only the person the task is assigned to, or a manager, can complete it")
    now = timezone.now()
    # Claim the open task: a double submit, or someone else finishing first, changes nothing.
    claimed = Task.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
        status=TaskStatus.DONE, outcome=outcome.strip(), completed_at=now, completed_by=actor
    )
    if claimed != 1:
        raise ValidationError("This task is already closed")
    task.refresh_from_db()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, summary="task completed")
    return task


@transaction.atomic
def task_reassign(*, actor: User, task: Task, owner: User) -> Task:
    """Give a task to another VLO who can see the case. Its owner or a manager may do this."""
    if task.status != TaskStatus.OPEN:
        raise ValidationError("Only an open task can be reassigned")
    if task.owner_id != actor.pk and not _can_manage(actor, task.case):
        raise ValidationError("Only the person the task is assigned to, or a manager, can reassign it")
    if owner.pk == task.owner_id:
        raise ValidationError({"owner": "Choose someone other than the person who has the task now"})
    _check_owner(task.case, owner)
    task.owner = owner
    task.save(update_fields=["owner"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=task, summary=f"task reassigned to user {owner.pk}"
    )
    return task


def _escalation_owner(case: Case) -> User:
    """The first active manager of the case's team (by id, so it is stable), else the officer."""
    managers = getattr(case.team, "active_managers", None)
    if managers is None:
        managers = list(case.team.managers.filter(is_active=True, role=Role.MANAGER).order_by("pk")[:1])
    return managers[0] if managers else case.officer


@transaction.atomic
def case_reassign(*, actor: User, case: Case, officer: User) -> Case:
    """A manager moves a case to a VLO in a team they manage; its open tasks move with it.

    The case joins the officer's team. Tasks held by a VLO go to the new officer; a task
    held by a manager stays with them if they can still see the case, else it goes to the new
    team's manager (or the officer, if the team has none).
    """
    if not _can_manage(actor, case):
        raise ValidationError("Only a manager of the case's team can reassign it")
    if not selectors.eligible_case_officers(manager=actor).filter(pk=officer.pk).exists():
        raise ValidationError({"officer": "Choose a VLO in a team you manage"})
    if officer.pk == case.officer_id:
        raise ValidationError({"officer": "Choose someone other than the case's officer now"})
    old_team_id = case.team_id
    case.officer = officer
    case.team = cast(Team, officer.team)  # eligible_case_officers: a VLO in a team
    case.save(update_fields=["officer", "team"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        summary=f"case reassigned to user {officer.pk} (team {old_team_id} to {case.team_id})",
    )
    case.team.active_managers = list(  # type: ignore[attr-defined]
        case.team.managers.filter(is_active=True, role=Role.MANAGER).order_by("pk")[:1]
    )
    for task in Task.objects.filter(case=case, status=TaskStatus.OPEN).select_related("owner"):
        owner = task.owner
        if owner.role == Role.MANAGER:
            if Case.objects.visible_to(owner).filter(pk=case.pk).exists():
                continue
            new_owner = _escalation_owner(case)
        else:
            new_owner = officer
        if new_owner.pk == owner.pk:
            continue
        task.owner = new_owner
        task.save(update_fields=["owner"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=task,
            summary=f"task moved with the case to user {new_owner.pk}",
        )
    return case


def _task_close(*, task: Task, status: str, outcome: str, actor: User | None) -> bool:
    """Close an open task the system no longer needs (e.g. first contact made). Returns whether it did."""
    closed = Task.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
        status=status, outcome=outcome, completed_at=timezone.now(), completed_by=actor
    )
    if closed:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, summary=f"task {status} by rule")
    return bool(closed)


# --- the contact log --------------------------------------------------------------


@dataclass(frozen=True)
class _ContactInput:
    occurred_at: datetime
    method: str
    direction: str
    with_whom: str
    summary: str
    outcome: str
    follow_up_on: date | None


def _validate_contact(case: Case, data: _ContactInput, *, previous_follow_up: date | None = None) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    occurred_on = _local_date(data.occurred_at)
    if occurred_on > today:
        errors["occurred_on"] = "The date of the contact must be today or in the past"
    elif data.occurred_at > timezone.now():
        errors["occurred_at"] = "The time of the contact must be in the past"
    elif occurred_on < case.referral_received_on:
        errors["occurred_on"] = (
            f"The date of the contact must be on or after the referral date ({_d(case.referral_received_on)})"
        )
    if not data.summary.strip():
        errors["summary"] = "Enter a summary of the contact"
    # A correction may keep a follow-up date that has since passed; a new one must be ahead.
    if data.follow_up_on and data.follow_up_on < today and data.follow_up_on != previous_follow_up:
        errors["follow_up_on"] = "The follow-up date must be today or in the future"
    if errors:
        raise ValidationError(errors)


# The tasks that first contact with the victim settles: the first-contact task and its escalation
# (dedupe key "escalation"). An escalation of other overdue work ("overdue:<task id>", made by
# vcs_portal.letters.sweeps.escalation_sweep) stays open for its manager.
FIRST_CONTACT_WORK = Q(kind=TaskKind.FIRST_CONTACT) | Q(kind=TaskKind.ESCALATION, dedupe_key="escalation")


def _first_contact_check(*, case: Case, contact: Contact, actor: User | None) -> None:
    """A contact with the victim meets the first-contact deadline; its open tasks close."""
    if contact.with_whom != ContactWith.VICTIM or contact.method not in FIRST_CONTACT_METHODS:
        return
    on = _local_date(contact.occurred_at)
    if case.first_contact_on is None or on < case.first_contact_on:
        case.first_contact_on = on
        Case.objects.filter(pk=case.pk).update(first_contact_on=on)
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, summary="first contact made")
    outcome = f"First contact made on {_d(case.first_contact_on)}"
    for task in Task.objects.filter(FIRST_CONTACT_WORK, case=case, status=TaskStatus.OPEN):
        _task_close(task=task, status=TaskStatus.DONE, outcome=outcome, actor=actor)


def _contact_chain(contact: Contact) -> list[int]:
    """The contact and every entry it corrects, newest first (chains are short)."""
    pks = []
    current: Contact | None = contact
    while current is not None:
        pks.append(current.pk)
        current = current.corrects
    return pks


def _follow_up_sync(*, contact: Contact, actor: User) -> None:
    """Keep one follow-up task per contact and its corrections, matching the newest follow-up date."""
    keys = [f"contact:{pk}" for pk in _contact_chain(contact)]
    open_task = Task.objects.filter(
        case_id=contact.case_id, kind=TaskKind.FOLLOW_UP, dedupe_key__in=keys, status=TaskStatus.OPEN
    ).first()
    if open_task is not None:
        if contact.follow_up_on is None:
            _task_close(
                task=open_task,
                status=TaskStatus.CANCELLED,
                outcome="Follow-up date removed in a correction",
                actor=actor,
            )
        elif open_task.due_on != contact.follow_up_on:
            open_task.due_on = contact.follow_up_on
            open_task.save(update_fields=["due_on"])
            audit_record(
                actor=actor, action=AuditAction.UPDATE, obj=open_task, summary="follow-up date moved"
            )
        return
    if contact.follow_up_on is None:
        return
    previous = contact.corrects
    if previous is not None and previous.follow_up_on == contact.follow_up_on:
        return  # the same follow-up, already done or cancelled: not a new piece of work
    task_ensure(
        case=contact.case,
        kind=TaskKind.FOLLOW_UP,
        dedupe_key=f"contact:{contact.pk}",
        title=f"Follow up: {selectors.contact_title(contact)}",
        due_on=contact.follow_up_on,
        owner=actor if actor.role == Role.VLO and actor.team_id == contact.case.team_id else None,
        actor=actor,
    )


@transaction.atomic
def contact_record(
    *,
    actor: User,
    case: Case,
    occurred_at: datetime,
    method: str,
    direction: str,
    with_whom: str,
    summary: str,
    outcome: str = "",
    follow_up_on: date | None = None,
) -> Contact:
    """Log a contact on a case; a follow-up date makes a task, and a contact with the victim
    meets the first-contact deadline."""
    data = _ContactInput(occurred_at, method, direction, with_whom, summary, outcome, follow_up_on)
    _validate_contact(case, data)
    contact = Contact(
        case=case,
        occurred_at=occurred_at,
        method=method,
        direction=direction,
        with_whom=with_whom,
        summary=summary.strip(),
        outcome=outcome.strip(),
        follow_up_on=follow_up_on,
        author=actor,
    )
    contact.full_clean()
    contact.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=contact, summary=f"contact: {method}")
    _follow_up_sync(contact=contact, actor=actor)
    _first_contact_check(case=case, contact=contact, actor=actor)
    return contact


def contact_edits_in_place(*, contact: Contact, user: User) -> bool:
    """Whether a correction by ``user`` replaces the entry: only its author, on the day recorded."""
    return contact.author_id == user.pk and _local_date(contact.recorded_at) == timezone.localdate()


CONTACT_FIELDS = ("occurred_at", "method", "direction", "with_whom", "summary", "outcome", "follow_up_on")


@transaction.atomic
def contact_correct(*, actor: User, contact: Contact, **fields: object) -> Contact:
    """Correct a contact. Its author may edit it in place on the day it was recorded; otherwise
    the correction is a new entry pointing to the old one, and both stay on the timeline."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"contact_correct() got unexpected fields: {', '.join(sorted(unknown))}")
    values = {name: fields.get(name, getattr(contact, name)) for name in CONTACT_FIELDS}
    values["summary"] = str(values["summary"] or "").strip()
    values["outcome"] = str(values["outcome"] or "").strip()
    data = _ContactInput(**values)  # type: ignore[arg-type]
    case = contact.case
    _validate_contact(case, data, previous_follow_up=contact.follow_up_on)
    if contact_edits_in_place(contact=contact, user=actor):
        for name, value in values.items():
            setattr(contact, name, value)
        contact.edited_at = timezone.now()
        contact.full_clean()
        contact.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=contact, summary="contact edited same day")
        corrected = contact
    else:
        corrected = Contact(case=case, corrects=contact, author=actor, **values)
        corrected.full_clean()
        corrected.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=corrected,
            summary=f"contact correction of {contact.pk}",
        )
    _follow_up_sync(contact=corrected, actor=actor)
    _first_contact_check(case=case, contact=corrected, actor=actor)
    return corrected


# --- referrals out ----------------------------------------------------------------


@transaction.atomic
def referral_out_record(
    *,
    actor: User,
    case: Case,
    service: str,
    referred_on: date,
    service_name: str = "",
    notes: str = "",
) -> ReferralOut:
    """Record a referral of the victim to another service, waiting for a reply."""
    errors = {}
    if referred_on > timezone.localdate():
        errors["referred_on"] = "The date of the referral must be today or in the past"
    elif referred_on < case.referral_received_on:
        errors["referred_on"] = (
            f"The date of the referral must be on or after the date the case was referred to us "
            f"({_d(case.referral_received_on)})"
        )
    if service == ReferralService.OTHER and not service_name.strip():
        errors["service_name"] = "Enter the name of the service"
    if errors:
        raise ValidationError(errors)
    referral = ReferralOut(
        case=case,
        service=service,
        service_name=service_name.strip(),
        referred_on=referred_on,
        notes=notes.strip(),
        recorded_by=actor,
    )
    referral.full_clean()
    referral.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=referral, summary=f"referral out: {service}")
    return referral


@transaction.atomic
def referral_out_outcome(
    *, actor: User, referral: ReferralOut, outcome: str, outcome_on: date | None
) -> ReferralOut:
    """Record what came of a referral out."""
    errors = {}
    if outcome == ReferralOutcome.PENDING:
        outcome_on = None
    elif outcome_on is None:
        errors["outcome_on"] = "Enter the date you heard"
    elif outcome_on > timezone.localdate():
        errors["outcome_on"] = "The date you heard must be today or in the past"
    elif outcome_on < referral.referred_on:
        errors["outcome_on"] = (
            f"The date you heard must be on or after the referral ({_d(referral.referred_on)})"
        )
    if errors:
        raise ValidationError(errors)
    referral.outcome = outcome
    referral.outcome_on = outcome_on
    referral.full_clean()
    referral.save(update_fields=["outcome", "outcome_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=referral, summary=f"referral outcome: {outcome}")
    return referral


# --- generated tasks: the daily deadline sweep --------------------------------------


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
        Case.objects.awaiting_first_contact()
        .filter(statutory=True)
        .filter(Q(first_contact_due__lt=today) | Q(escalation_due__lt=today))
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
            owner=_escalation_owner(case),
            priority=Priority.HIGH,
        )
        created += made
    return created


def _annual_letter_tasks(today: date) -> int:
    created = 0
    window = timedelta(days=_setting("VCS_ANNUAL_LETTER_WINDOW_DAYS", DEFAULT_ANNUAL_LETTER_WINDOW_DAYS))
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
    horizon = today + timedelta(days=_setting("VCS_REOFFER_WINDOW_DAYS", DEFAULT_REOFFER_WINDOW_DAYS))
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
                title=f"Consider re-offering the scheme: {_lower_first(label)} on {_d(on)}",
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
        met += _task_close(
            task=task,
            status=TaskStatus.DONE,
            outcome=f"First contact made on {_d(task.case.first_contact_on)}",
            actor=None,
        )
    cancelled = 0
    for task in Task.objects.filter(status=TaskStatus.OPEN, case__status=CaseStatus.CLOSED):
        cancelled += _task_close(task=task, status=TaskStatus.CANCELLED, outcome="Case closed", actor=None)
    return met, cancelled


def deadline_sweep(*, today: date) -> dict[str, int]:
    """Make the tasks the deadlines call for on ``today``. Safe to run twice; a missed day is
    caught up by the next run, because each rule looks at what is due, not at what changed.

    Returns how many tasks of each kind were created (and how many were closed as spent).
    """
    with transaction.atomic():
        first_contact_met, closed_case = _close_spent_tasks()
    return {
        "first_contact": _first_contact_tasks(today),
        "escalation": _escalation_tasks(today),
        "annual_letter": _annual_letter_tasks(today),
        "reoffer": _reoffer_tasks(today),
        "closed_first_contact_met": first_contact_met,
        "closed_case_closed": closed_case,
    }


# --- alerts: tell the victim about key events ----------------------------------------


@dataclass(frozen=True)
class _Alert:
    """Something a victim may need telling, as the rule sees it."""

    sentence_id: int
    event_kind: str  # which EventKind the level-of-contact rule treats this as
    dedupe_key: str
    title: str
    detail: str
    on: date


def _event_alert(event: SentenceEvent) -> _Alert:
    label = event.get_kind_display()
    if event.kind in RELEASE_EVENTS:
        tell = f"Tell the victim the month ({event.occurred_on:%B %Y}), never the exact date"
    else:
        tell = "Tell the victim what this means for them"
    # Never event.location or event.detail: they may name the prison (DOMAIN.md s.5).
    return _Alert(
        sentence_id=event.sentence_id,
        event_kind=event.kind,
        dedupe_key=f"event:{event.pk}",
        title=f"Tell the victim: {label}" + (" (correction)" if event.corrects_id else ""),
        detail=f"{label} on {_d(event.occurred_on)}. {tell}, and never where the offender is held.",
        on=event.occurred_on,
    )


def _key_date_alert(key_date: KeyDate) -> _Alert | None:
    event_kind = KEY_DATE_EVENTS.get(key_date.kind)
    if event_kind is None:
        return None
    label = key_date.get_kind_display()
    if event_kind in RELEASE_EVENTS:
        tell = f"Tell the victim the month ({key_date.date:%B %Y}), never the exact date"
    else:
        tell = "Tell the victim what this means for them"
    return _Alert(
        sentence_id=key_date.sentence_id,
        event_kind=event_kind,
        dedupe_key=f"key_date:{key_date.pk}",
        title=f"Tell the victim: {label} set",
        detail=f"{label}: {_d(key_date.date)}. {tell}.",
        on=key_date.date,
    )


def _alerts_create(alerts: Iterable[_Alert], *, actor: User | None, today: date) -> int:
    """One KEY_EVENT task per opted-in case whose level of contact asks for the alert.

    Bulk-fetches the cases and the tasks already made, so only new tasks cost queries.
    """
    alerts = list(alerts)
    if not alerts:
        return 0
    by_sentence: dict[int, list[Case]] = defaultdict(list)
    for case in Case.objects.filter(
        sentence_id__in={a.sentence_id for a in alerts}, status=CaseStatus.OPTED_IN
    ).select_related("officer"):
        by_sentence[case.sentence_id].append(case)
    if not by_sentence:
        return 0
    existing = set(
        Task.objects.filter(
            kind=TaskKind.KEY_EVENT,
            case__sentence_id__in=by_sentence.keys(),
            dedupe_key__in={a.dedupe_key for a in alerts},
        ).values_list("case_id", "dedupe_key")
    )
    due_on = deadlines.add_working_days(today, ALERT_WORKING_DAYS)
    created = 0
    for alert in alerts:
        for case in by_sentence.get(alert.sentence_id, []):
            if alert.event_kind not in ALERT_EVENTS.get(case.contact_level, ()):
                continue
            # Something before the case was referred is explained with the offer, not as news.
            if alert.on < case.referral_received_on or (case.pk, alert.dedupe_key) in existing:
                continue
            _, made = task_ensure(
                case=case,
                kind=TaskKind.KEY_EVENT,
                dedupe_key=alert.dedupe_key,
                title=alert.title,
                detail=alert.detail,
                due_on=due_on,
                actor=actor,
            )
            created += made
    return created


def alerts_for_event(*, event: SentenceEvent, actor: User | None = None, today: date | None = None) -> int:
    """Make a task to tell each opted-in victim on the sentence about ``event``, if their level of
    contact asks for it. Returns how many tasks were created; safe to call twice."""
    return _alerts_create([_event_alert(event)], actor=actor, today=today or timezone.localdate())


def _key_date_history(sentence_ids: Iterable[int] | QuerySet) -> dict[tuple[int, str], list[KeyDate]]:
    """Every CRD and PED of the sentences, newest first per (sentence, kind), in one query."""
    history: dict[tuple[int, str], list[KeyDate]] = defaultdict(list)
    for key_date in KeyDate.objects.filter(
        sentence_id__in=sentence_ids, kind__in=list(KEY_DATE_EVENTS)
    ).order_by("sentence_id", "kind", "-recorded_at", "-pk"):
        history[(key_date.sentence_id, key_date.kind)].append(key_date)
    return history


def _key_date_is_news(key_date: KeyDate, history: list[KeyDate]) -> bool:
    """Whether ``key_date`` is the current value and differs from the one it replaced."""
    if not history or history[0].pk != key_date.pk:
        return False
    return len(history) == 1 or history[1].date != key_date.date


def alerts_for_key_date(*, key_date: KeyDate, actor: User | None = None, today: date | None = None) -> int:
    """Make a task to tell each opted-in victim that a release (CRD) or parole eligibility (PED)
    date has been set or changed. Returns how many tasks were created; safe to call twice."""
    alert = _key_date_alert(key_date)
    if alert is None:
        return 0
    history = _key_date_history([key_date.sentence_id])[(key_date.sentence_id, key_date.kind)]
    if not _key_date_is_news(key_date, history):
        return 0
    return _alerts_create([alert], actor=actor, today=today or timezone.localdate())


def alerts_sweep(*, today: date, lookback_days: int | None = None) -> int:
    """Re-run the alerts for events and key dates recorded in the last ``lookback_days``, so an
    alert missed at the time (an error, a deploy) is made now. Returns how many tasks were created."""
    if lookback_days is None:
        lookback_days = _setting("VCS_ALERT_LOOKBACK_DAYS", DEFAULT_ALERT_LOOKBACK_DAYS)
    since = timezone.make_aware(datetime.combine(today - timedelta(days=lookback_days), datetime.min.time()))
    alerts: list[_Alert] = [
        _event_alert(event)
        for event in SentenceEvent.objects.filter(recorded_at__gte=since).exclude(kind=EventKind.SENTENCED)
    ]
    # Only the current value of each key date: one superseded within the window is old news.
    recent = KeyDate.objects.filter(kind__in=list(KEY_DATE_EVENTS), recorded_at__gte=since)
    for history in _key_date_history(recent.values("sentence_id")).values():
        current = history[0]
        if current.recorded_at >= since and _key_date_is_news(current, history):
            alert = _key_date_alert(current)
            if alert is not None:
                alerts.append(alert)
    return _alerts_create(alerts, actor=None, today=today)


__all__ = [
    "ALERT_EVENTS",
    "TaskKind",
    "alerts_for_event",
    "alerts_for_key_date",
    "alerts_sweep",
    "case_reassign",
    "contact_correct",
    "contact_edits_in_place",
    "contact_record",
    "deadline_sweep",
    "referral_out_outcome",
    "referral_out_record",
    "task_complete",
    "task_create_manual",
    "task_ensure",
    "task_reassign",
]
