"""Reads about letters, scoped to the user, with their relations loaded (and never the PDF bytes)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from contacts.models import Task, TaskKind, TaskStatus
from vcs_portal.core.models import Role
from vcs_portal.core.prepared import Prepared
from vcs_portal.core.scope import get_visible_or_404
from victims.models import Address
from victims.selectors import TimelineEntry

from .models import Letter, LetterKind, LetterQuerySet, LetterStatus

if TYPE_CHECKING:
    from victims.models import Case

# What the list shows when no status is chosen: the work still to do.
TO_DO = [LetterStatus.DRAFT, LetterStatus.APPROVED]


def _base() -> LetterQuerySet:
    # address_current: whether the address an approved letter was made for is still the safe one.
    return (
        Letter.objects.without_pdf()
        .select_related("case", "case__victim", "case__officer")
        .annotate(address_current=Exists(Address.objects.filter(pk=OuterRef("address_id"), is_current=True)))
    )


def letter_get_for_user(*, user: Any, pk: int) -> Letter:
    """One letter on a case the user may see; 404 otherwise."""
    queryset = _base().select_related(
        "case__offender",
        "case__sentence",
        "case__team",
        "created_by",
        "last_edited_by",
        "approved_by",
        "sent_by",
        "address",
    )
    return get_visible_or_404(queryset, user, pk=pk)


def letters_for_user(*, user: Any, status: str = "") -> QuerySet[Letter]:
    """The letters a user works on: a VLO's own cases, a manager's teams. Oldest work first."""
    letters = _base().visible_to(user)
    if user.role == Role.VLO:
        letters = letters.filter(case__officer=user)
    if status in LetterStatus.values:
        letters = letters.filter(status=status)
    else:
        letters = letters.filter(status__in=TO_DO)
    return letters.order_by("created_at", "pk")


def letters_for_bulk_print(*, user: Any, on: date | None = None) -> QuerySet[Letter]:
    """Letters approved on ``on`` (today) in the user's teams and not yet sent, to print in one go.

    Only those whose address is still the victim's safe address (not the emailed ones, which have
    none, nor any whose address changed after approval: those must be drafted again).
    """
    on = on or timezone.localdate()
    return (
        _base()
        .visible_to(user)
        .select_related("address")
        .filter(status=LetterStatus.APPROVED, approved_at__date=on, address_current=True)
        .order_by("case__reference", "pk")
    )


def _case_letters(case_id: int, limit: int | None) -> QuerySet[Letter]:
    letters = _base().filter(case_id=case_id).order_by("-created_at", "-pk")
    return letters[:limit] if limit is not None else letters


_case_letters_read = Prepared(_case_letters)


def case_letters(*, case: Case, limit: int | None = None) -> list[Letter]:
    """The case's letters, newest first (``limit`` of them), as the case page and its Letters tab
    list them, with SQL compiled once (core/prepared.py)."""
    return _case_letters_read.all(case.pk, fixed=(limit,))


_timeline_letters = Prepared(
    lambda case_id: (
        Letter.objects.without_pdf()
        .defer("body_html", "free_text")  # the timeline shows the subject, never the letter
        .filter(case_id=case_id)
        .select_related("created_by", "approved_by", "sent_by", "cancelled_by")
    )
)


def case_timeline_entries(*, case: Case, newest: int | None = None) -> list[TimelineEntry]:
    """Letters on the case timeline: drafted, approved and sent (victims.selectors.TIMELINE_SOURCES).

    All of them whatever ``newest`` asks: a case has a few letters a year.
    """

    entries: list[TimelineEntry] = []
    for letter in _timeline_letters.all(case.pk):
        steps = [("drafted", letter.created_at, letter.created_by, "Scheduled job")]
        if letter.approved_at:
            steps.append(("approved", letter.approved_at, letter.approved_by, ""))
        if letter.sent_at:
            steps.append(
                (f"sent ({letter.get_sent_via_display().lower()})", letter.sent_at, letter.sent_by, "")
            )
        if letter.cancelled_at:
            steps.append(("cancelled", letter.cancelled_at, letter.cancelled_by, ""))
        for what, at, who, nobody in steps:
            on = timezone.localtime(at).date()
            entries.append(
                TimelineEntry(
                    on=on,
                    title=f"Letter {what}: {letter.get_kind_display()}",
                    detail=letter.subject,
                    by=str(who) if who else nobody,
                    kind="letter",
                    sort_key=(on, at),
                )
            )
    return entries


def annual_letter_open_year(*, case: Case) -> int | None:
    """The year of the annual-letter task still open on the case that has no letter yet, if any
    (a cancelled letter leaves its year owed)."""

    years = set(
        Letter.objects.filter(case=case, kind=LetterKind.ANNUAL)
        .exclude(status=LetterStatus.CANCELLED)
        .values_list("period_key", flat=True)
    )
    for key in Task.objects.filter(
        case=case, kind=TaskKind.ANNUAL_LETTER, status=TaskStatus.OPEN
    ).values_list("dedupe_key", flat=True):
        year = key.rsplit(":", 1)[-1]  # the key names the year (annual:2027); the due date may be later
        if year.isdigit() and year not in years:
            return int(year)
    return None
