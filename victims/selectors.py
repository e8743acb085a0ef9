"""Reads about victims and cases, scoped to the user, with their relations loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from offenders.models import KeyDate, SentenceEvent
from vcs_portal.core.scope import get_visible_or_404

from .models import Address, Case, CaseStatusChange, VictimChoice


def caseload(
    *,
    user: Any,
    search: str = "",
    status: str = "",
    deadline: str = "",
    today: date,
    mine_only: bool = False,
) -> QuerySet[Case]:
    """The cases a user may see, filtered for the caseload page."""
    cases = Case.objects.visible_to(user).select_related("victim", "offender", "officer")
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


def case_timeline(*, case: Case) -> list[TimelineEntry]:
    """Everything that happened on the case and its sentence, newest first."""
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
    for key_date in KeyDate.objects.filter(sentence_id=case.sentence_id).select_related("recorded_by"):
        recorded_on = key_date.recorded_at.date()
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
    for extra in _timeline_extensions(case):
        entries.append(extra)
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    return entries


TIMELINE_SOURCES = ("contacts.selectors", "parole.selectors", "vcs_portal.letters.selectors")


def _timeline_extensions(case: Case) -> list[TimelineEntry]:
    """Entries contributed by other apps: each may offer ``case_timeline_entries(case=...)``."""
    from importlib import import_module

    extensions: list[TimelineEntry] = []
    for module_name in TIMELINE_SOURCES:
        try:
            source = import_module(module_name)
        except ModuleNotFoundError:
            continue
        entries = getattr(source, "case_timeline_entries", None)
        if entries is not None:
            extensions.extend(entries(case=case))
    return extensions


def current_key_dates(*, sentence_id: int) -> list[KeyDate]:
    """The newest recorded date of each kind, with the older ones as history."""
    latest: dict[str, KeyDate] = {}
    for key_date in KeyDate.objects.filter(sentence_id=sentence_id).order_by("kind", "-recorded_at", "-pk"):
        latest.setdefault(key_date.kind, key_date)
    return sorted(latest.values(), key=lambda k: k.date)
