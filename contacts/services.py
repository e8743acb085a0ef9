"""Writes about contact work: the contact log, tasks, alerts and referrals out.

Each write is one transaction, validated and audited. Audit rows name what happened,
never the words of a contact summary or a task outcome (they may hold a victim's details).
Rules raise ``ValidationError`` keyed by the form field they belong to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from offenders import services as offender_services
from offenders.models import KeyDate, Sentence, SentenceEvent
from vcs_portal.core.audit import audit_record, audit_record_many
from vcs_portal.core.csv import csv_text
from vcs_portal.core.models import AuditAction, Role, Team, User
from vcs_portal.core.pages import govuk_date as _d
from victims import deadlines
from victims.eligibility import sentence_reassess
from victims.models import Case, CaseStatus

from . import rules, selectors
from .alerts import Alert, alert_wanted, event_alert, key_date_alert, key_date_history, key_date_is_news
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

# Working days the VLO has to tell a victim about a key event.
ALERT_WORKING_DAYS = 5

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


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


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


def tasks_ensure(tasks: list[Task], *, actor: User | None = None) -> int:
    """``task_ensure`` for many new generated tasks at once (a sweep's first run makes thousands):
    one INSERT and one audit INSERT, all or nothing. Returns how many were created.

    The caller has checked that none exists. Should one have appeared since (another worker, a
    VLO's page), the batch is rolled back and each is made with ``task_ensure``, which skips it.
    Unsaved ``Task`` objects; an owner left empty is the case's officer.
    """
    if not tasks:
        return 0
    for task in tasks:
        if not task.dedupe_key:
            raise ValueError("A generated task needs a dedupe_key naming its rule and period.")
        if task.owner_id is None:
            task.owner_id = task.case.officer_id
        task.created_by = actor
    try:
        with transaction.atomic():
            made = Task.objects.bulk_create(tasks)
            by_kind: dict[str, list[Task]] = defaultdict(list)
            for task in made:
                by_kind[task.kind].append(task)
            for kind, of_kind in by_kind.items():
                audit_record_many(
                    actor=actor, action=AuditAction.CREATE, objs=list(of_kind), summary=f"task: {kind}"
                )
        return len(made)
    except IntegrityError:
        created = 0
        for task in tasks:
            task.pk = None
            _, was_made = task_ensure(
                case=task.case,
                kind=task.kind,
                dedupe_key=task.dedupe_key,
                title=task.title,
                detail=task.detail,
                due_on=task.due_on,
                owner=task.owner,
                priority=task.priority,
                actor=actor,
            )
            created += was_made
        return created


@transaction.atomic
def task_record_missed(
    *, case: Case, kind: str, dedupe_key: str, title: str, due_on: date, outcome: str
) -> bool:
    """Record, closed, a piece of generated work that was due and never made (the jobs did not
    run), so the case's history says what was missed. Safe to call twice; returns whether it wrote."""
    _, created = Task.objects.get_or_create(
        case=case,
        kind=kind,
        dedupe_key=dedupe_key,
        defaults={
            "title": title,
            "due_on": due_on,
            "owner": case.officer,
            "status": TaskStatus.CANCELLED,
            "outcome": outcome,
            "completed_at": timezone.now(),
        },
    )
    if created:
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            obj=Task.objects.get(case=case, kind=kind, dedupe_key=dedupe_key),
            summary=f"task: {kind} missed",
        )
    return created


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
    _escalation_close(task=task, actor=actor)
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


def _refuse_unseen(wanted: set[int], found: Iterable[int], what: str) -> None:
    missing = sorted(wanted - set(found))
    if missing:
        raise ValidationError(
            f"You cannot reassign {len(missing)} of the {len(wanted)} {what} chosen: they are not in a team "
            f"you manage, or no longer open. Nothing was reassigned."
        )


@transaction.atomic
def tasks_reassign(*, actor: User, task_ids: Iterable[int], owner: User) -> int:
    """A manager gives several open tasks to one VLO of their teams, all or none; each change audited.

    A task the manager may not see (or no longer open) refuses the whole request. Tasks the VLO
    already holds are left as they are. Returns how many tasks changed hands.
    """
    wanted = {int(pk) for pk in task_ids}
    if actor.role != Role.MANAGER:
        raise ValidationError("Only a manager can reassign several tasks at once")
    if not wanted:
        raise ValidationError("Select at least one task")
    if not selectors.eligible_case_officers(manager=actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": "Choose a VLO in a team you manage"})
    tasks = list(
        Task.objects.visible_to(actor)
        .filter(pk__in=wanted, status=TaskStatus.OPEN)
        .select_related("case", "case__team")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    _refuse_unseen(wanted, (t.pk for t in tasks), "tasks")
    moved = 0
    for task in tasks:
        if task.owner_id == owner.pk:
            continue
        if not selectors.eligible_task_owners(case=task.case).filter(pk=owner.pk).exists():
            raise ValidationError(
                {
                    "owner": f"{owner.get_full_name()} cannot take the task \u201c{task.title}\u201d on case "
                    f"{task.case.reference}: they are not in its team. Nothing was reassigned."
                }
            )
        task_reassign(actor=actor, task=task, owner=owner)
        moved += 1
    return moved


@transaction.atomic
def cases_reassign(*, actor: User, case_ids: Iterable[int], officer: User) -> int:
    """A manager moves several cases to one VLO of their teams, all or none; each change audited.

    Each case moves as ``case_reassign`` moves one (its open tasks with it). A case the manager
    may not see refuses the whole request. Cases the VLO already holds are left as they are.
    Returns how many cases moved.
    """
    wanted = {int(pk) for pk in case_ids}
    if actor.role != Role.MANAGER:
        raise ValidationError("Only a manager can reassign several cases at once")
    if not wanted:
        raise ValidationError("Select at least one case")
    if not selectors.eligible_case_officers(manager=actor).filter(pk=officer.pk).exists():
        raise ValidationError({"officer": "Choose a VLO in a team you manage"})
    cases = list(
        Case.objects.visible_to(actor)
        .filter(pk__in=wanted)
        .select_related("team")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    _refuse_unseen(wanted, (c.pk for c in cases), "cases")
    moved = 0
    for case in cases:
        if case.officer_id == officer.pk:
            continue
        case_reassign(actor=actor, case=case, officer=officer)
        moved += 1
    return moved


def escalation_owner(case: Case) -> User:
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
            new_owner = escalation_owner(case)
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


def task_close(*, task: Task, status: str, outcome: str, actor: User | None) -> bool:
    """Close an open task the system no longer needs (first contact made, case closed, statement sent).

    The one way generated work is closed: a conditional update, so closing twice closes once,
    with the completion time, who (None: a rule) and why. Returns whether it closed the task.
    """
    closed = Task.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
        status=status, outcome=outcome, completed_at=timezone.now(), completed_by=actor
    )
    if closed:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, summary=f"task {status} by rule")
        task.status, task.outcome = status, outcome
        _escalation_close(task=task, actor=actor)
    return bool(closed)


@transaction.atomic
def tasks_close_each(closing: list[tuple[Task, str, str]], *, actor: User | None) -> int:
    """``task_close`` for many tasks at once, each ``(task, status, outcome)``: a sweep's first
    run closes thousands. One locked read and one UPDATE per distinct (status, outcome), one audit
    INSERT, and their escalations closed with them. Returns how many it closed."""
    groups: dict[tuple[str, str], list[Task]] = defaultdict(list)
    for task, status, outcome in closing:
        groups[(status, outcome)].append(task)
    closed: list[Task] = []
    now = timezone.now()
    for (status, outcome), tasks in groups.items():
        by_pk = {task.pk: task for task in tasks}
        still_open = list(
            Task.objects.select_for_update()
            .filter(pk__in=list(by_pk), status=TaskStatus.OPEN)
            .values_list("pk", flat=True)
        )
        if not still_open:
            continue
        Task.objects.filter(pk__in=still_open).update(
            status=status, outcome=outcome, completed_at=now, completed_by=actor
        )
        for pk in still_open:
            task = by_pk[pk]
            task.status, task.outcome = status, outcome
            closed.append(task)
    for status in {task.status for task in closed}:
        audit_record_many(
            actor=actor,
            action=AuditAction.UPDATE,
            objs=[task for task in closed if task.status == status],
            summary=f"task {status} by rule",
        )
    escalated = {rules.escalation_key(t.pk): t for t in closed if t.kind != TaskKind.ESCALATION}
    if escalated:
        escalations = Task.objects.filter(
            kind=TaskKind.ESCALATION, dedupe_key__in=list(escalated), status=TaskStatus.OPEN
        )
        follow: list[tuple[Task, str, str]] = []
        for escalation in escalations:
            task = escalated[escalation.dedupe_key]
            if task.case_id != escalation.case_id:
                continue
            follow.append((escalation, *_escalation_outcome(task)))
        tasks_close_each(follow, actor=actor)
    return len(closed)


def _escalation_outcome(task: Task) -> tuple[str, str]:
    """How the escalation of a closed ``task`` closes: met if the task was done, else why not."""
    if task.status == TaskStatus.DONE:
        return TaskStatus.DONE, f"Met: the task was done ({task.outcome})"[:2000]
    return TaskStatus.CANCELLED, f"The task was closed: {task.outcome}"[:2000]


def _escalation_close(*, task: Task, actor: User | None) -> None:
    """A manager's escalation of ``task`` closes with it: met if the task was done, else why not.

    Never re-raised: the escalation sweep only escalates open tasks, and its key names the task.
    """
    if task.kind == TaskKind.ESCALATION:
        return
    status, outcome = _escalation_outcome(task)
    for escalation in Task.objects.filter(
        case_id=task.case_id,
        kind=TaskKind.ESCALATION,
        dedupe_key=rules.escalation_key(task.pk),
        status=TaskStatus.OPEN,
    ):
        task_close(task=escalation, status=status, outcome=outcome, actor=actor)


def task_reschedule(*, task: Task, due_on: date, title: str, actor: User | None) -> bool:
    """Move an open generated task to the date its rule now gives (a hearing moved, say).

    Returns whether it changed anything; a closed task is left as it was.
    """
    changed = (
        Task.objects.filter(pk=task.pk, status=TaskStatus.OPEN)
        .exclude(due_on=due_on, title=title)
        .update(due_on=due_on, title=title)
    )
    if changed:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, summary="task rescheduled by rule")
    return bool(changed)


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
        task_close(task=task, status=TaskStatus.DONE, outcome=outcome, actor=actor)


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
            task_close(
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


def tasks_close(*, tasks: QuerySet[Task], status: str, outcome: str, actor: User | None) -> int:
    """Close every open task in ``tasks`` (see ``task_close``); returns how many it closed."""
    return sum(
        task_close(task=task, status=status, outcome=outcome, actor=actor)
        for task in tasks.filter(status=TaskStatus.OPEN)
    )


# --- alerts: tell the victim about key events ----------------------------------------


def alerts_create(alerts: Iterable[Alert], *, actor: User | None) -> int:
    """One KEY_EVENT task per opted-in case whose level of contact asks for the alert
    (``alerts.alert_wanted``), due ``ALERT_WORKING_DAYS`` after the fact was recorded.

    Bulk-fetches the cases and the tasks already made, so only new tasks cost queries.
    """
    alerts = list(alerts)
    if not alerts:
        return 0
    by_sentence: dict[int, list[Case]] = defaultdict(list)
    for case in Case.objects.filter(
        sentence_id__in={a.sentence_id for a in alerts}, status=CaseStatus.OPTED_IN
    ).select_related("officer", "sentence"):
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
    new: dict[tuple[int, str], Task] = {}
    for alert in alerts:
        # Dated from when the fact was recorded, so a catch-up run gives the same date.
        due_on = deadlines.add_working_days(alert.recorded_on, ALERT_WORKING_DAYS)
        for case in by_sentence.get(alert.sentence_id, []):
            key = (case.pk, alert.dedupe_key)
            if not alert_wanted(alert, case) or key in existing or key in new:
                continue
            new[key] = Task(
                case=case,
                kind=TaskKind.KEY_EVENT,
                dedupe_key=alert.dedupe_key,
                title=alert.title,
                detail=alert.detail,
                due_on=due_on,
            )
    return tasks_ensure(list(new.values()), actor=actor)


def alerts_for_event(*, event: SentenceEvent, actor: User | None = None) -> int:
    """Make a task to tell each opted-in victim on the sentence about ``event``, if their level of
    contact asks for it. Returns how many tasks were created; safe to call twice."""
    return alerts_create([event_alert(event)], actor=actor)


def alerts_for_key_date(*, key_date: KeyDate, actor: User | None = None) -> int:
    """Make a task to tell each opted-in victim that a release (CRD) or parole eligibility (PED)
    date has been set or changed. Returns how many tasks were created; safe to call twice."""
    alert = key_date_alert(key_date)
    if alert is None:
        return 0
    history = key_date_history([key_date.sentence_id])[(key_date.sentence_id, key_date.kind)]
    if not key_date_is_news(key_date, history):
        return 0
    return alerts_create([alert], actor=actor)


# --- facts about the sentence, with what follows from them -------------------------
# The offenders app records the fact; what it means for victims (an alert to tell them, a case
# to review) is decided here, in the same transaction, so every effect of one action is in view.


@transaction.atomic
def sentence_event_add(
    *,
    actor: User,
    sentence: Sentence,
    kind: str,
    occurred_on: date,
    detail: str = "",
    location: str = "",
    corrects: SentenceEvent | None = None,
) -> SentenceEvent:
    """Record a sentence event, then make the alert tasks for the victims who asked to hear of it."""
    event = offender_services.sentence_event_record(
        actor=actor,
        sentence=sentence,
        kind=kind,
        occurred_on=occurred_on,
        detail=detail,
        location=location,
        corrects=corrects,
    )
    alerts_for_event(event=event, actor=actor)
    return event


@transaction.atomic
def key_date_add(*, actor: User, sentence: Sentence, kind: str, on: date, source: str) -> KeyDate:
    """Record a key date, then tell the victims for whom it is news (a CRD or PED set or moved)."""
    key_date = offender_services.key_date_record(
        actor=actor, sentence=sentence, kind=kind, on=on, source=source
    )
    alerts_for_key_date(key_date=key_date, actor=actor)
    return key_date


@transaction.atomic
def appeal_record(
    *,
    actor: User,
    sentence: Sentence,
    decided_on: date,
    years: int | None,
    months: int | None,
    days: int | None,
    detail: str = "",
) -> SentenceEvent:
    """Record an appeal's new term, flag the cases whose eligibility changed, and raise the alerts.

    A case whose sentence no longer qualifies is flagged for review, never dropped.
    """
    event = offender_services.sentence_amend_on_appeal(
        actor=actor,
        sentence=sentence,
        decided_on=decided_on,
        years=years,
        months=months,
        days=days,
        detail=detail,
    )
    sentence_reassess(sentence=sentence, actor=actor)
    alerts_for_event(event=event, actor=actor)
    return event


TASKS_CSV_HEADER = ("Task", "Priority", "Due", "Overdue", "Case reference", "Victim", "Assigned to", "Status")


@transaction.atomic
def tasks_export(*, actor: User, tasks: Iterable[Task], what: str, today: date) -> str:
    """A task list (as filtered) as CSV, audited: what to do and when, never contact details."""
    rows = (
        (
            task.title,
            task.get_priority_display(),
            task.due_on,
            "Yes" if task.status == TaskStatus.OPEN and task.due_on < today else "No",
            task.case.reference,
            task.case.victim.full_name,
            task.owner.get_full_name(),
            task.get_status_display(),
        )
        for task in tasks
    )
    text, count = csv_text(TASKS_CSV_HEADER, rows)
    audit_record(
        actor=actor, action=AuditAction.EXPORT, object_type=Task._meta.label, summary=f"{what}, rows={count}"
    )
    return text
