"""Reads about victims and cases, scoped to the user, with their relations loaded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Case as CaseWhen
from django.db.models import CharField, F, Func, Model, OuterRef, Q, QuerySet, Subquery, When
from django.utils import timezone

from offenders.models import KeyDate, Offender, OffenderAlias, SentenceEvent, SentenceOffence
from vcs_portal.core.fields import blind_index_digests
from vcs_portal.core.models import Role, User
from vcs_portal.core.pages import Paged
from vcs_portal.core.prepared import Prepared, set_prefetched
from vcs_portal.core.scope import ScopedPrepared, refuse, teams_visible_to
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


def sort_columns(names: tuple[str, ...]) -> list[F | Subquery]:
    """A caseload sort's columns. A victim's or offender's name is read per row by primary key,
    so sorting a team's cases never joins (and so never scans) the whole victims or offenders
    table; its parts (surname, then first name) come from one subquery as one row value, which
    PostgreSQL compares part by part: one lookup per case, not one per part.
    """
    related = {name.partition("__")[0] for name in names}
    if len(related) == 1 and (model := _SORT_RELATIONS.get(next(iter(related)))) is not None:
        fields = [name.partition("__")[2] for name in names]
        parts = [F(field) for field in fields]
        value = Func(*parts, function="ROW", output_field=CharField()) if len(parts) > 1 else parts[0]
        rows = model._default_manager.filter(pk=OuterRef(f"{next(iter(related))}_id")).order_by()
        return [Subquery(rows.values_list(value)[:1])]
    return [F(name) for name in names]


_SORT_RELATIONS: dict[str, type[Model]] = {"victim": Victim, "offender": Offender}


def caseload_ordering(names: tuple[str, ...], descending: bool) -> list[Any]:
    """The caseload's ORDER BY for a sort's columns (``sort_columns``), the primary key last."""
    columns = sort_columns(names)
    return [*(c.desc(nulls_last=True) if descending else c.asc(nulls_last=True) for c in columns), "pk"]


def _caseload_ids_build(user: Any, *rest: Any) -> QuerySet[Any]:
    """A caseload's ids in its order: ``rest`` is today (for the overdue filter), the officer (for
    a VLO's own cases), then the fixed filters and sort."""
    *values, mine_only, status, deadline, names, descending = rest
    today = values.pop(0) if deadline == "overdue" else date.min
    cases = caseload(user=user, status=status, deadline=deadline, today=today)
    if mine_only:
        cases = cases.filter(officer_id=values.pop(0))
    return cases.order_by(*caseload_ordering(names, descending)).values("pk")


# A caseload without a search term: counted and cut by SQL compiled once per kind of user, filters
# and sort (a search term's matches take values worked out from it, so the ORM builds those).
_caseload_ids: ScopedPrepared[Any] = ScopedPrepared(_caseload_ids_build)


def page_of_caseload(
    *,
    user: Any,
    today: date,
    status: str,
    deadline: str,
    mine_only: bool,
    sort: tuple[tuple[str, ...], bool],
    number: Any,
    per_page: int,
) -> Page:
    """``page_of_cases`` of ``caseload(...)`` without a search term, ordered by ``sort`` (its
    columns and whether descending), the count and the page's ids by SQL compiled once."""
    args = (*((today,) if deadline == "overdue" else ()), *((user.pk,) if mine_only else ()))
    fixed = (mine_only, status, deadline, *sort)
    ids_in_order = Paged(
        lambda: _caseload_ids.count(user, *args, fixed=fixed),
        lambda offset, limit: [
            row["pk"] for row in _caseload_ids.window(offset, limit, user, *args, fixed=fixed)
        ],
    )
    page: Page[Any] = Paginator(ids_in_order, per_page).get_page(number)  # type: ignore[arg-type]
    ids = list(page.object_list)
    rows = {case.pk: case for case in _caseload_rows.all(ids)}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


# A caseload page's rows, by the ids its scoped and filtered query found (the same SQL every time).
_caseload_rows: Prepared[Case] = Prepared(
    lambda ids: (
        Case.objects.select_related("victim", "offender", "officer")
        .only(*CASELOAD_COLUMNS)
        .filter(pk__any_of=ids)
    )
)


def page_of_cases(cases: QuerySet[Case], *, number: Any, per_page: int) -> Page:
    """One page of an ordered caseload, its rows read by primary key.

    The pages are counted and cut on the cases' own ids (an index-only scan of a team's cases),
    and only the page's rows are then read with their victim, offender and officer, by those ids
    alone (the scope and filters chose them a moment before): the last page costs what the first
    does, however many victims and offenders the country has.
    """
    page: Page[Any] = Paginator(cases.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    rows = {case.pk: case for case in _caseload_rows.all(ids)}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


# --- Case search (the header's search box, on every page) -----------------------------

# Why a case matched, in the order a result lists them.
SEARCH_REASONS = {
    "reference": "Case reference",
    "pnc": "PNC number",
    "prison_number": "Prison number",
    "postcode": "Postcode of the victim's current address",
    "former_postcode": "Postcode of a former address of the victim",
    "victim": "Victim's name",
    "offender": "Offender's name",
    "alias": "An alias of the offender",
}


def _matching_names(model: type[Model]) -> ScopedPrepared[Any]:
    """The ids of ``model``'s rows in scope whose folded name holds every word (or, ``short``,
    whose surname is the one term): one compiled read per kind of user and number of words."""

    def build(user: Any, *words_then_short: Any) -> QuerySet[Any]:
        *words, short = words_then_short
        if model is OffenderAlias:
            rows, key = (
                OffenderAlias.objects.filter(offender__in=Offender.objects.visible_to(user)),
                "offender_id",
            )
        else:
            rows, key = model.objects.visible_to(user), "pk"  # type: ignore[attr-defined]
        if short:  # only short words: a surname that is the term
            return (
                rows.alias(search_name=search_text("last_name"))
                .filter(search_name=search_term(words[0]))
                .values(key)
            )
        match = Q()
        for word in words:  # every word appears in the folded name (any order, partial)
            match &= Q(search_name__contains=search_term(word))
        return rows.alias(search_name=search_text("first_name", "last_name")).filter(match).values(key)

    return ScopedPrepared(build)


_victims_named = _matching_names(Victim)
_offenders_named = _matching_names(Offender)
_aliases_named = _matching_names(OffenderAlias)
_offenders_numbered: ScopedPrepared[Any] = ScopedPrepared(
    lambda user, compact: (
        Offender.objects.visible_to(user)
        .filter(Q(pnc_number=compact) | Q(prison_number=compact))
        .values("pk", "pnc_number", "prison_number")
    )
)
_postcodes: ScopedPrepared[Any] = ScopedPrepared(
    lambda user, *digests: Address.objects.filter(
        postcode_index__in=digests, victim__in=Victim.objects.visible_to(user)
    ).values("victim_id", "is_current")
)
# Every matching case in the result's order: exact matches first, then open cases, then by name.
_cases_found: ScopedPrepared[Any] = ScopedPrepared(
    lambda user, compact, victim_ids, offender_ids, exact_victim_ids, exact_offender_ids: (
        Case.objects.visible_to(user)
        .filter(Q(reference=compact) | Q(victim_id__any_of=victim_ids) | Q(offender_id__any_of=offender_ids))
        .annotate(
            exact_rank=CaseWhen(
                When(
                    Q(reference=compact)
                    | Q(victim_id__any_of=exact_victim_ids)
                    | Q(offender_id__any_of=exact_offender_ids),
                    then=0,
                ),
                default=1,
            ),
            open_rank=CaseWhen(When(status=CaseStatus.CLOSED, then=1), default=0),
        )
        .order_by("exact_rank", "open_rank", "victim__last_name", "victim__first_name", "pk")
        .values("pk")
    )
)
# A page of results by id (chosen in scope a moment before), with what a result shows.
_search_rows: Prepared[Case] = Prepared(
    lambda ids: (
        Case.objects.select_related("victim", "offender", "officer")
        .only(*CASELOAD_COLUMNS, "team_id", "victim_id", "offender_id", "offender__pnc_number")
        .filter(pk__any_of=ids)
    )
)


@dataclass(frozen=True)
class CaseSearch:
    """The cases matching a search (``ids``, in the result's order) and why each matched.

    Found in two steps: first the few victims and offenders that match, each kind through its own
    index (trigram for names, B-tree for numbers, the blind index for postcodes), then the cases
    in scope that name them, by the cases' own indexes. Neither step joins a whole table; every
    read is compiled once per kind of user (``core.scope.ScopedPrepared``).
    """

    ids: list[int]
    compact: str
    by_reason: dict[str, set[int]]  # reason -> victim or offender ids

    def rows(self, ids: list[int]) -> list[Case]:
        """The cases ``ids`` (some of this search's), in that order, with what a result shows."""
        found = {case.pk: case for case in _search_rows.all(ids)}
        return [found[pk] for pk in ids if pk in found]

    @property
    def cases(self) -> list[Case]:
        """Every matching case, in the result's order."""
        return self.rows(self.ids)

    def page(self, number: Any, per_page: int) -> Page:
        """One page of the results, its rows read by primary key."""
        page: Page[Any] = Paginator(self.ids, per_page).get_page(number)
        page.object_list = self.rows(list(page.object_list))
        return page

    def reasons(self, case: Case) -> list[str]:
        """Why ``case`` matched, in words."""
        found = []
        for reason, words in SEARCH_REASONS.items():
            if reason == "reference":
                hit = case.reference == self.compact
            elif reason in {"postcode", "former_postcode", "victim"}:
                hit = case.victim_id in self.by_reason[reason]
            else:
                hit = case.offender_id in self.by_reason[reason]
            if hit:
                found.append(words)
        return found


def case_search(*, user: Any, term: str) -> CaseSearch:
    """Cases in ``user``'s scope matching ``term``, and why each matched (``SEARCH_REASONS``).

    Matches a case reference, PNC or prison number exactly (spaces and case ignored), a full
    postcode through the address's blind index (the postcode itself is encrypted), and victims',
    offenders' and aliases' names by every word of the term, partially and accent-blind, through
    the trigram indexes on ``search_text(first_name, last_name)``. Names need a word of at least
    ``MIN_TRIGRAM_TERM`` letters; a shorter term matches a whole surname only. Exact matches
    come first, then open cases. Only list columns are read: no contact detail is decrypted.
    """
    words = term.split()
    compact = "".join(words).upper()
    by_reason: dict[str, set[int]] = {reason: set() for reason in SEARCH_REASONS}
    if not words:
        return CaseSearch([], compact, by_reason)
    short = max(len(w) for w in words) < MIN_TRIGRAM_TERM
    terms = [" ".join(words)] if short else words
    by_reason["victim"] = {row["pk"] for row in _victims_named.all(user, *terms, fixed=(short,))}
    by_reason["offender"] = {row["pk"] for row in _offenders_named.all(user, *terms, fixed=(short,))}
    by_reason["alias"] = {row["offender_id"] for row in _aliases_named.all(user, *terms, fixed=(short,))}
    for row in _offenders_numbered.all(user, compact):
        by_reason["pnc" if row["pnc_number"] == compact else "prison_number"].add(row["pk"])
    if looks_like_postcode(term):
        for row in _postcodes.all(user, *blind_index_digests(postcode_normalise(term))):
            by_reason["postcode" if row["is_current"] else "former_postcode"].add(row["victim_id"])
    exact_victims = by_reason["postcode"] | by_reason["former_postcode"]
    exact_offenders = by_reason["pnc"] | by_reason["prison_number"]
    # The ids as one array parameter each (``__any_of``): a common surname finds hundreds, and
    # the SQL stays the same length however many (``IN`` writes one parameter per id).
    found = _cases_found.all(
        user,
        compact,
        sorted(by_reason["victim"] | exact_victims),
        sorted(by_reason["offender"] | by_reason["alias"] | exact_offenders),
        sorted(exact_victims),
        sorted(exact_offenders),
    )
    return CaseSearch([row["pk"] for row in found], compact, by_reason)


T = TypeVar("T")
M = TypeVar("M", bound=Model)


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


_key_dates = Prepared(
    lambda sentence_id: (
        KeyDate.objects.filter(sentence_id=sentence_id)
        .select_related("recorded_by")
        .order_by("kind", "-recorded_at", "-pk")
    )
)


def case_key_dates(*, case: Case) -> list[KeyDate]:
    """Every key date recorded on the case's sentence, each kind newest first (read once per case)."""
    return case_rows(case, "key_dates", lambda: _key_dates.all(case.sentence_id))


def latest_key_dates(key_dates: list[KeyDate]) -> list[KeyDate]:
    """The newest recorded date of each kind, soonest first, from rows ordered as above."""
    latest: dict[str, KeyDate] = {}
    for key_date in key_dates:
        latest.setdefault(key_date.kind, key_date)
    return sorted(latest.values(), key=lambda k: k.date)


# A case with what its pages show, and the lists hung from it: SQL compiled (and planned) once.
_case_in_scope: ScopedPrepared[Case] = ScopedPrepared(
    lambda user, pk: (
        Case.objects.visible_to(user)
        .select_related("victim", "offender", "sentence", "officer", "team", "discretionary_approved_by")
        .filter(pk=pk)
    )
)
_addresses = Prepared(
    lambda victim_id: Address.objects.filter(victim_id=victim_id).order_by(
        "-is_current", "-valid_from", "-pk"
    )
)
_counts = Prepared(
    lambda sentence_id: SentenceOffence.objects.filter(sentence_id=sentence_id).select_related("offence")
)
_aliases = Prepared(lambda offender_id: OffenderAlias.objects.filter(offender_id=offender_id))


def case_get_for_user(*, user: Any, pk: int) -> Case:
    """One case the user may see, with what its page shows (the victim's addresses, the
    sentence's counts and offences, the offender's aliases); 404 otherwise, and the refusal
    audited (``get_visible_or_404``: the case may exist in another scope)."""
    case = _case_in_scope.first(user, pk) if isinstance(pk, int) and not isinstance(pk, bool) else None
    if case is None:
        refuse(user, Case, pk)
    set_prefetched(case.victim, "addresses", _addresses.all(case.victim_id))
    set_prefetched(case.sentence, "counts", _counts.all(case.sentence_id))
    set_prefetched(case.offender, "aliases", _aliases.all(case.offender_id))
    return case


def case_find_by_reference(*, user: Any, reference: str) -> Case | None:
    """The case with this reference (any letter case) if the user may see it, with its victim."""
    return Case.objects.visible_to(user).select_related("victim").filter(reference__iexact=reference).first()


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    title: str
    detail: str
    by: str
    kind: str  # "status", "event", "key_date", "assessment", ...
    sort_key: tuple


def _newest(rows: QuerySet[M], newest: int | None, day: str) -> QuerySet[M]:
    """The newest ``newest`` rows by (day, recorded_at), the timeline's order; all when None."""
    if newest is None:
        return rows
    return rows.order_by(f"-{day}", "-recorded_at", "-pk")[:newest]


# The timeline's rows of each kind (``newest`` of them, or all), SQL compiled once (core/prepared.py).
_status_changes = Prepared(
    lambda case_id, newest: _newest(
        CaseStatusChange.objects.filter(case_id=case_id).select_related("recorded_by"), newest, "changed_on"
    )
)
_events = Prepared(
    lambda sentence_id, newest: _newest(
        SentenceEvent.objects.filter(sentence_id=sentence_id).select_related("recorded_by"),
        newest,
        "occurred_on",
    )
)
_choices = Prepared(
    lambda case_id, newest: _newest(
        VictimChoice.objects.filter(case_id=case_id).select_related("recorded_by"), newest, "received_on"
    )
)


def case_timeline_entries(*, case: Case, newest: int | None = None) -> list[TimelineEntry]:
    """The case's own history and its sentence's: status changes, events, key dates, choices.

    Unsorted; ``vcs_portal.cases.selectors.case_timeline`` merges every app's entries. With
    ``newest``, each source reads only its newest that many rows, in the timeline's own order, so
    the page costs the same for a sentence with eight events or a thousand.
    """
    entries: list[TimelineEntry] = []
    for change in _status_changes.all(case.pk, fixed=(newest,)):
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
    for event in _events.all(case.sentence_id, fixed=(newest,)):
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
    for choice in _choices.all(case.pk, fixed=(newest,)):
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


def eligible_case_officers(*, manager: Any) -> QuerySet[User]:
    """Who a manager may give a case to: active VLOs in the teams they manage."""
    return (
        User.objects.filter(role=Role.VLO, is_active=True, team__in=teams_visible_to(manager))
        .select_related("team")
        .order_by("team__name", "last_name", "first_name", "pk")
    )
