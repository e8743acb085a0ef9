"""Reads about contact work, scoped to the user, with their relations loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from vcs_portal.core.models import Role, User
from vcs_portal.core.prepared import Prepared
from vcs_portal.core.scope import ScopedPrepared, get_visible_or_404
from victims.models import Case
from victims.selectors import TimelineEntry, case_rows
from victims.selectors import eligible_case_officers as case_officers_of

from .models import (
    Contact,
    ContactWith,
    Direction,
    Method,
    Priority,
    ReferralOut,
    Task,
    TaskStatus,
)

# Read as "Phone call with the victim", "Letter to the police": written methods go one way.
WRITTEN_METHODS = {Method.LETTER, Method.EMAIL, Method.TEXT}
WHO: dict[str, str] = {
    ContactWith.VICTIM: "the victim",
    ContactWith.REPRESENTATIVE: "the victim's representative",
    ContactWith.OFFENDER_MANAGER: "the offender manager",
    ContactWith.PRISON: "the prison",
    ContactWith.HOSPITAL: "the hospital",
    ContactWith.POLICE: "the police",
    ContactWith.VICTIM_SUPPORT: "Victim Support",
    ContactWith.OTHER: "someone else",
}
PRIORITY_RANK = models.Case(
    models.When(priority=Priority.HIGH, then=models.Value(0)),
    models.When(priority=Priority.NORMAL, then=models.Value(1)),
    default=models.Value(2),
    output_field=models.IntegerField(),
)


def contact_title(contact: Contact) -> str:
    """'Phone call with the victim (from us)', 'Letter from the police'."""
    method = contact.get_method_display()
    who = WHO.get(contact.with_whom, contact.get_with_whom_display())
    if contact.method in WRITTEN_METHODS:
        return f"{method} {'to' if contact.direction == Direction.OUTGOING else 'from'} {who}"
    return f"{method} with {who} ({contact.get_direction_display().lower()})"


def contact_time(contact: Contact) -> str:
    """The time of day, or nothing when none was given (stored as midnight)."""
    local = timezone.localtime(contact.occurred_at)
    return "" if (local.hour, local.minute) == (0, 0) else f"{local:%H:%M}"


# --- single objects -------------------------------------------------------------


def contact_get_for_user(*, user: Any, pk: int) -> Contact:
    queryset = Contact.objects.select_related("case", "case__victim", "author", "corrects")
    return get_visible_or_404(queryset, user, pk=pk)


def task_get_for_user(*, user: Any, pk: int) -> Task:
    queryset = Task.objects.select_related("case", "case__victim", "case__team", "owner", "completed_by")
    return get_visible_or_404(queryset, user, pk=pk)


def referral_out_get_for_user(*, user: Any, pk: int) -> ReferralOut:
    queryset = ReferralOut.objects.select_related("case", "case__victim", "recorded_by")
    return get_visible_or_404(queryset, user, pk=pk)


# --- lists ------------------------------------------------------------------------


def my_tasks(
    *, user: Any, today: date, team: bool = False, overdue_only: bool = False, kind: str = ""
) -> QuerySet[Task]:
    """Open tasks: the user's own, or (``team``) every open task the user may see.

    Overdue first, then by due date; on the same day, high priority first.
    """
    tasks = Task.objects.visible_to(user).open().select_related("case", "case__victim", "owner")
    if not team:
        tasks = tasks.filter(owner=user)
    if overdue_only:
        tasks = tasks.filter(due_on__lt=today)
    if kind:
        tasks = tasks.filter(kind=kind)
    # Overdue tasks have the earliest due dates, so due date order puts them first.
    return tasks.annotate(priority_rank=PRIORITY_RANK).order_by("due_on", "priority_rank", "pk")


def _open_tasks_owned(user: User, owner_id: int) -> QuerySet[Task]:
    """The open tasks ``owner_id`` holds, each marked ``in_scope`` if its case is one ``user`` may
    see (``Task.objects.visible_to`` is the case's scope).

    The scope is asked per task, in the select list, not as a filter: as a filter PostgreSQL
    joins the user's few tasks to every case of their teams (for a manager, probing each of a
    team's 1,400 cases for tasks: 3 ms on every page), where one primary-key lookup per owned
    task is all the count needs.
    """
    visible = Case.objects.visible_to(user).filter(pk=OuterRef("case_id"))
    return (
        Task.objects.open().filter(owner_id=owner_id).annotate(in_scope=Exists(visible)).only("pk").order_by()
    )


# Compiled once per kind of user (core.scope.ScopedPrepared).
_open_tasks: ScopedPrepared[Task] = ScopedPrepared(_open_tasks_owned)


def open_task_count(*, user: Any) -> int:
    """How many open tasks ``user`` owns in their scope (the number beside "My tasks" on every
    page, what the My tasks list shows), with SQL compiled once per kind of user (core/prepared.py)."""
    return _open_tasks.annotation("in_scope", user, user.pk).count(True)


def case_tasks(*, case: Case) -> QuerySet[Task]:
    """The open tasks on a case, soonest first."""
    return (
        Task.objects.filter(case=case, status=TaskStatus.OPEN)
        .select_related("owner")
        .annotate(priority_rank=PRIORITY_RANK)
        .order_by("due_on", "priority_rank", "pk")
    )


def case_contacts(*, case: Case) -> QuerySet[Contact]:
    """The case's contact log, newest first."""
    return (
        Contact.objects.filter(case=case).select_related("author", "corrects").order_by("-occurred_at", "-pk")
    )


@dataclass(frozen=True)
class CaseWork:
    """A case's tasks and referrals out, as the case page shows them (its contacts are read apart,
    newest first and only as many as are shown: a case may log hundreds)."""

    open_tasks: list[Task]  # soonest first; on the same day, high priority first
    done_tasks: list[Task]  # most recently completed first; with those a rule closed as not needed
    referrals: list[ReferralOut]


# The case page's tasks and referrals out, SQL compiled once (core/prepared.py). Cancelled tasks
# are shown only when a rule closed them (completed_by empty): the case's history says what was
# missed or made obsolete, and why.
_case_page_tasks = Prepared(
    lambda case_id: (
        Task.objects.filter(case_id=case_id)
        .filter(
            Q(status__in=[TaskStatus.OPEN, TaskStatus.DONE])
            | Q(status=TaskStatus.CANCELLED, completed_by__isnull=True)
        )
        .select_related("owner", "completed_by")
        .annotate(priority_rank=PRIORITY_RANK)
    )
)
_referrals_out = Prepared(
    lambda case_id: ReferralOut.objects.filter(case_id=case_id).select_related("recorded_by")
)


def case_work(*, case: Case) -> CaseWork:
    """The case page's tasks and referrals out in two queries, read once per case object.

    The timeline and the contact card both show these rows; ``case_rows`` lets them share one read.
    """

    def load() -> CaseWork:
        tasks = _case_page_tasks.all(case.pk)
        open_tasks = sorted(
            (t for t in tasks if t.status == TaskStatus.OPEN), key=lambda t: (t.due_on, t.priority_rank, t.pk)
        )
        done = [t for t in tasks if t.status != TaskStatus.OPEN and t.completed_at is not None]
        done.sort(key=lambda t: t.completed_at, reverse=True)
        return CaseWork(
            open_tasks=open_tasks,
            done_tasks=done,
            referrals=_referrals_out.all(case.pk),
        )

    return case_rows(case, "contact_work", load)


def eligible_task_owners(*, case: Case) -> QuerySet[User]:
    """Who may hold a task on the case: active VLOs who can see it (its team)."""
    owners = User.objects.filter(
        role=Role.VLO, is_active=True, team_id=case.team_id, region_id=case.team.region_id
    )
    if settings.VCS_VLO_OWN_CASES_ONLY:
        # A VLO sees only their own cases then, so only the officer could open the task.
        owners = owners.filter(pk=case.officer_id)
    return owners.order_by("last_name", "first_name", "pk")


def eligible_case_officers(*, manager: Any) -> QuerySet[User]:
    """Who a manager may give a case to: active VLOs in the teams they manage (``victims.selectors``)."""
    return case_officers_of(manager=manager)


# --- the case timeline --------------------------------------------------------------


def _name(user: User | None) -> str:
    return str(user) if user is not None else "the system"


def _timeline_contacts(case_id: int, newest: int | None) -> QuerySet[Contact]:
    contacts = (
        Contact.objects.filter(case_id=case_id)
        .select_related("author", "corrects")
        .order_by(TruncDate("occurred_at").desc(), "-recorded_at", "-occurred_at", "-pk")
    )
    return contacts[:newest] if newest is not None else contacts


_timeline_contacts_read = Prepared(_timeline_contacts)


def timeline_contacts(*, case: Case, newest: int | None = None) -> list[Contact]:
    """The case's contacts in timeline order (day, then when recorded), newest first.

    With ``newest``, only that many: exactly the contacts that can be among the newest entries of
    the timeline, since it sorts contacts by the same key. SQL compiled once (core/prepared.py).
    """
    return _timeline_contacts_read.all(case.pk, fixed=(newest,))


def case_timeline_entries(*, case: Case, newest: int | None = None) -> list[TimelineEntry]:
    """Contacts, completed tasks and referrals out, for the case timeline (three queries).

    ``newest`` asks for at least the newest that many entries rather than all of them.
    """

    entries: list[TimelineEntry] = []
    work = case_work(case=case)
    for contact in timeline_contacts(case=case, newest=newest):
        on = timezone.localtime(contact.occurred_at).date()
        title = contact_title(contact)
        if contact.corrects_id:
            corrected_on = timezone.localtime(cast(Contact, contact.corrects).occurred_at).date()
            title = f"Correction of {corrected_on:%-d %B %Y} entry: {title}"
        detail = contact.summary
        if contact.outcome:
            detail += f"\nOutcome: {contact.outcome}"
        if contact.edited_at:
            detail += f"\n(Edited on the day, {timezone.localtime(contact.edited_at):%-d %B %Y at %H:%M})"
        entries.append(
            TimelineEntry(
                on=on,
                title=title,
                detail=detail,
                by=_name(contact.author),
                kind="contact",
                sort_key=(on, contact.recorded_at),
            )
        )
    for task in work.done_tasks:
        on = timezone.localtime(task.completed_at).date()
        entries.append(
            TimelineEntry(
                on=on,
                title=(
                    f"Task done: {task.title}"
                    if task.status == TaskStatus.DONE
                    else f"Task closed (not needed): {task.title}"
                ),
                detail=task.outcome,
                by=_name(task.completed_by),
                kind="task",
                sort_key=(on, task.completed_at),
            )
        )
    for referral in work.referrals:
        name = f": {referral.service_name}" if referral.service_name else ""
        detail = f"Outcome: {referral.get_outcome_display()}"
        if referral.outcome_on:
            detail += f", {referral.outcome_on:%-d %B %Y}"
        if referral.notes:
            detail = f"{referral.notes}\n{detail}"
        entries.append(
            TimelineEntry(
                on=referral.referred_on,
                title=f"Referred to {referral.get_service_display()}{name}",
                detail=detail,
                by=_name(referral.recorded_by),
                kind="referral_out",
                sort_key=(referral.referred_on, referral.recorded_at),
            )
        )
    return entries
