"""Reads about victims and cases, scoped to the user, with their relations loaded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet, When
from django.db.models import Case as CaseWhen
from django.utils import timezone

from offenders.models import KeyDate, Offender, OffenderAlias, SentenceEvent
from vcs_portal.core.fields import blind_index_digests
from vcs_portal.core.scope import get_visible_or_404
from vcs_portal.core.search import (
    MIN_TRIGRAM_TERM,
    looks_like_postcode,
    postcode_normalise,
    search_term,
    search_text,
)

from .models import Address, Case, CaseStatus, CaseStatusChange, Victim, VictimChoice

CASELOAD_COLUMNS = (
    "reference",
    "status",
    "statutory",
    "needs_review",
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


# --- Case search (the header's search box, on every page) -----------------------------

# Why a case matched, in the order a result lists them: annotation name -> words for the page.
SEARCH_REASONS = {
    "matched_reference": "Case reference",
    "matched_pnc": "PNC number",
    "matched_prison_number": "Prison number",
    "matched_postcode": "Postcode of the victim's current address",
    "matched_former_postcode": "Postcode of a former address of the victim",
    "matched_victim": "Victim's name",
    "matched_offender": "Offender's name",
    "matched_alias": "An alias of the offender",
}


def _name_matches(words: list[str]) -> Q:
    """Every word appears in the folded name (any order, partial, accents and case ignored)."""
    q = Q()
    for word in words:
        q &= Q(**{"search_name__contains": search_term(word)})
    return q


def _flag(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def case_search(*, user: Any, term: str) -> QuerySet[Case]:
    """Cases in ``user``'s scope matching ``term``, each annotated with why (``SEARCH_REASONS``).

    Matches a case reference, PNC or prison number exactly (spaces and case ignored), a full
    postcode through the address's blind index (the postcode itself is encrypted), and victims',
    offenders' and aliases' names by every word of the term, partially and accent-blind, through
    the trigram indexes on ``search_text(first_name, last_name)``. Names need a word of at least
    ``MIN_TRIGRAM_TERM`` letters; a shorter term matches a whole surname only. Exact matches
    come first. Only list columns are read: no contact detail is decrypted.
    """
    words = term.split()
    if not words:
        return Case.objects.none()
    compact = "".join(words).upper()
    # Names: each word contained in the name; with only short words, a surname that equals the term.
    if max(len(w) for w in words) >= MIN_TRIGRAM_TERM:
        victims = Victim.objects.visible_to(user).alias(search_name=search_text("first_name", "last_name"))
        offenders = Offender.objects.visible_to(user).alias(
            search_name=search_text("first_name", "last_name")
        )
        aliases = OffenderAlias.objects.alias(search_name=search_text("first_name", "last_name"))
        victims, offenders = victims.filter(_name_matches(words)), offenders.filter(_name_matches(words))
        aliases = aliases.filter(_name_matches(words))
    else:
        short = Q(search_name=search_term(" ".join(words)))
        victims = Victim.objects.visible_to(user).alias(search_name=search_text("last_name")).filter(short)
        offenders = (
            Offender.objects.visible_to(user).alias(search_name=search_text("last_name")).filter(short)
        )
        aliases = OffenderAlias.objects.alias(search_name=search_text("last_name")).filter(short)
    nothing = Q(pk__in=[])
    postcode, former = nothing, nothing
    if looks_like_postcode(term):
        addresses = Address.objects.filter(postcode_index__in=blind_index_digests(postcode_normalise(term)))
        postcode = Q(victim_id__in=addresses.filter(is_current=True).values("victim_id"))
        former = Q(victim_id__in=addresses.filter(is_current=False).values("victim_id"))
    numbered = Offender.objects.visible_to(user)
    # Every test is on the case's own columns, each against a set found through its own index, so
    # the planner reads the cases in scope once and never joins whole victim or offender tables.
    tests = {
        "matched_reference": Q(reference=compact),
        "matched_pnc": Q(offender_id__in=numbered.filter(pnc_number=compact).values("pk")),
        "matched_prison_number": Q(offender_id__in=numbered.filter(prison_number=compact).values("pk")),
        "matched_postcode": postcode,
        "matched_former_postcode": former,
        "matched_victim": Q(victim_id__in=victims.values("pk")),
        "matched_offender": Q(offender_id__in=offenders.values("pk")),
        "matched_alias": Q(offender_id__in=aliases.values("offender_id")),
    }
    exact = [
        "matched_reference",
        "matched_pnc",
        "matched_prison_number",
        "matched_postcode",
        "matched_former_postcode",
    ]
    any_match = Q()
    for q in tests.values():
        any_match |= q
    exact_match = Q()
    for name in exact:
        exact_match |= tests[name]
    return (
        Case.objects.visible_to(user)
        .filter(any_match)
        .select_related("victim", "offender", "officer")
        .only(*CASELOAD_COLUMNS, "team_id", "offender__pnc_number")
        .annotate(**{name: _flag(q) for name, q in tests.items()})
        .annotate(
            exact_rank=CaseWhen(When(exact_match, then=0), default=1),
            open_rank=CaseWhen(When(status=CaseStatus.CLOSED, then=1), default=0),
        )
        .order_by("exact_rank", "open_rank", "victim__last_name", "victim__first_name", "pk")
    )


def search_reasons(case: Case) -> list[str]:
    """Why ``case`` matched the search, in words, from ``case_search``'s annotations."""
    return [words for flag, words in SEARCH_REASONS.items() if getattr(case, flag, False)]


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
