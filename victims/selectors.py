"""Reads about victims and cases, scoped to the user, with their relations loaded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from offenders.models import KeyDate, SentenceEvent
from vcs_portal.core.scope import get_visible_or_404

from .models import Address, Case, CaseStatusChange, VictimChoice

CASELOAD_COLUMNS = (
    "reference",
    "status",
    "statutory",
    "needs_review",
    # What Case.standing reads, so each row says where it stands without a query of its own.
    "discretionary_context",
    "discretionary_decision",
    "discretionary_approved_by",
    "first_contact_due",
    "first_contact_on",
    "victim__first_name",
    "victim__last_name",
    "offender__first_name",
    "offender__last_name",
    "officer__first_name",
    "officer__last_name",
    "officer__email",
)


def caseload(
    *,
    user: Any,
    search: str = "",
    status: str = "",
    deadline: str = "",
    today: date,
    mine_only: bool = False,
) -> QuerySet[Case]:
    """The cases a user may see, filtered for the caseload page.

    Only the columns the list shows: no victim contact details are read (or decrypted) for a list.
    """
    cases = (
        Case.objects.visible_to(user).select_related("victim", "offender", "officer").only(*CASELOAD_COLUMNS)
    )
    if mine_only:
        cases = cases.filter(officer=user)
    if status == "open":
        cases = cases.open()
    elif status:
        cases = cases.filter(status=status)
    if deadline == "overdue":
        cases = cases.first_contact_overdue(today)
    elif deadline == "awaiting":
        cases = cases.awaiting_first_contact()
    elif deadline == "met":
        cases = cases.filter(first_contact_on__isnull=False)
    elif deadline == "review":
        cases = cases.filter(needs_review=True)
    term = search.strip()
    if term:
        cases = cases.filter(
            Q(reference__iexact=term)
            | Q(offender__pnc_number__iexact="".join(term.split()))
            | Q(victim__last_name__istartswith=term)
            | Q(victim__first_name__istartswith=term)
            | Q(offender__last_name__istartswith=term)
            | Q(offender__first_name__istartswith=term)
        )
    return cases


T = TypeVar("T")


def case_rows(case: Case, key: str, load: Callable[[], T]) -> T:
    """Rows about ``case`` read once per Case object, under ``key``.

    The case page shows the same rows in more than one place (the timeline and the cards beside
    it); every reader asks through here, so each kind of row costs one query per page however
    many places show it. Only reads use it: a service that changes rows fetches afresh, and
    ``Case.refresh_from_db`` forgets what was read.
    """
    loaded = case.__dict__.setdefault("_case_rows", {})
    if key not in loaded:
        loaded[key] = load()
    return loaded[key]


def case_key_dates(*, case: Case) -> list[KeyDate]:
    """Every key date recorded on the case's sentence, each kind newest first (read once per case)."""
    return case_rows(
        case,
        "key_dates",
        lambda: list(
            KeyDate.objects.filter(sentence_id=case.sentence_id)
            .select_related("recorded_by")
            .order_by("kind", "-recorded_at", "-pk")
        ),
    )


def latest_key_dates(key_dates: list[KeyDate]) -> list[KeyDate]:
    """The newest recorded date of each kind, soonest first, from rows ordered as above."""
    latest: dict[str, KeyDate] = {}
    for key_date in key_dates:
        latest.setdefault(key_date.kind, key_date)
    return sorted(latest.values(), key=lambda k: k.date)


def case_get_for_user(*, user: Any, pk: int) -> Case:
    """One case the user may see, with what its page shows; 404 otherwise."""
    queryset = Case.objects.select_related(
        "victim", "offender", "sentence", "officer", "team", "discretionary_approved_by"
    ).prefetch_related(
        Prefetch("victim__addresses", queryset=Address.objects.order_by("-is_current", "-valid_from", "-pk")),
        "sentence__counts__offence",
        "offender__aliases",
    )
    return get_visible_or_404(queryset, user, pk=pk)


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    title: str
    detail: str
    by: str
    kind: str  # "status", "event", "key_date", "assessment", ...
    sort_key: tuple


def case_timeline_entries(*, case: Case, newest: int | None = None) -> list[TimelineEntry]:
    """The case's own history and its sentence's: status changes, events, key dates, choices.

    Unsorted; ``vcs_portal.cases.selectors.case_timeline`` merges every app's entries. ``newest``
    is accepted for the same signature as the other apps' (these sources are read whole).
    """
    entries: list[TimelineEntry] = []
    for change in CaseStatusChange.objects.filter(case=case).select_related("recorded_by"):
        title = (
            f"Status: {change.get_to_status_display()}"
            if change.from_status != change.to_status
            else "Case note"
        )
        entries.append(
            TimelineEntry(
                on=change.changed_on,
                title=title,
                detail=change.reason,
                by=str(change.recorded_by),
                kind="status",
                sort_key=(change.changed_on, change.recorded_at),
            )
        )
    for event in SentenceEvent.objects.filter(sentence_id=case.sentence_id).select_related("recorded_by"):
        entries.append(
            TimelineEntry(
                on=event.occurred_on,
                title=event.get_kind_display() + (" (correction)" if event.corrects_id else ""),
                detail=event.detail,
                by=str(event.recorded_by),
                kind="event",
                sort_key=(event.occurred_on, event.recorded_at),
            )
        )
    for key_date in case_key_dates(case=case):
        recorded_on = timezone.localtime(key_date.recorded_at).date()
        entries.append(
            TimelineEntry(
                on=recorded_on,
                title=f"Key date recorded: {key_date.get_kind_display()}",
                detail=f"{key_date.date:%-d %B %Y} (source: {key_date.source})",
                by=str(key_date.recorded_by),
                kind="key_date",
                sort_key=(recorded_on, key_date.recorded_at),
            )
        )
    for choice in VictimChoice.objects.filter(case=case).select_related("recorded_by"):
        how = f" ({choice.how_received})" if choice.how_received else ""
        entries.append(
            TimelineEntry(
                on=choice.received_on,
                title=f"Victim's choice: {choice.get_kind_display()}",
                detail=choice.summary + how,
                by=str(choice.recorded_by),
                kind="choice",
                sort_key=(choice.received_on, choice.recorded_at),
            )
        )
    return entries


def current_key_dates(*, sentence_id: int) -> list[KeyDate]:
    """The newest recorded date of each kind, soonest first."""
    return latest_key_dates(
        list(KeyDate.objects.filter(sentence_id=sentence_id).order_by("kind", "-recorded_at", "-pk"))
    )
