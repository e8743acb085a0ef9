"""The lists of cases behind every figure and measure (the dashboards' drill-down), in scope, with
only what a list row shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404

from contacts.models import Task, TaskKind
from parole.models import ConditionOutcome, LicenceConditionRequest, ParoleReview, VictimPersonalStatement
from vcs_portal.core.pages import Paged
from vcs_portal.core.prepared import Prepared
from victims.models import Case

from .common import (
    UPCOMING_KINDS,
    WINDOWS,
    hearing_in,
    overdue_tasks,
    scope_sentences,
    snapshot_is_fresh,
    task_owner_ids,
    upcoming_date,
)
from .figures import case_filter
from .measures import Period, engaged_exists, judged_q, offer_candidates, offered_in_period, opted_in_since
from .scope import Scope


@dataclass(frozen=True)
class ListArgs:
    today: date
    team_ids: Sequence[int]
    period: Period | None = None
    officer_id: int | None = None
    snapshot: bool = False

    @property
    def p(self) -> Period:
        if self.period is None:  # the view always passes one for the period lists
            raise ValueError("This list needs a period")
        return self.period


@dataclass(frozen=True)
class CaseList:
    key: str
    title: str
    description: str
    date_label: str
    cases: Callable[[ListArgs], QuerySet[Case]]  # annotated with ``list_date``
    needs_period: bool = False


def _with_date(cases: QuerySet[Case], expression: Any) -> QuerySet[Case]:
    return cases.annotate(list_date=expression).order_by(F("list_date").asc(nulls_last=True), "pk")


def _first_due(tasks: QuerySet[Task]) -> Subquery:
    return Subquery(
        tasks.filter(case_id=OuterRef("pk")).order_by("due_on").values("due_on")[:1], output_field=DateField()
    )


def _case_figure(key: str, date_of: Callable[[ListArgs], Any]) -> Callable[[ListArgs], QuerySet[Case]]:
    """A list of the cases one of today's case figures counts, by their officer."""

    def cases(a: ListArgs) -> QuerySet[Case]:
        found = Case.objects.filter(case_filter(key, a.today, snapshot=a.snapshot))
        if a.officer_id is not None:
            found = found.filter(officer_id=a.officer_id)
        return _with_date(found, date_of(a))

    return cases


def _task_figure(annual_only: bool) -> Callable[[ListArgs], QuerySet[Case]]:
    """Cases with overdue tasks (or overdue annual letters); ``officer=`` means the tasks' owner."""

    def cases(a: ListArgs) -> QuerySet[Case]:
        tasks = overdue_tasks(a.today, a.team_ids, task_owner_ids(a.team_ids))
        if annual_only:
            tasks = tasks.filter(kind=TaskKind.ANNUAL_LETTER)
        if a.officer_id is not None:
            tasks = tasks.filter(owner_id=a.officer_id)
        return _with_date(Case.objects.filter(pk__in=tasks.values("case_id")), _first_due(tasks))

    return cases


def _missed_first_contact(a: ListArgs) -> QuerySet[Case]:
    cases = Case.objects.filter(judged_q(a.p)).exclude(first_contact_on__lte=F("first_contact_due"))
    return _with_date(cases, F("first_contact_due"))


def _not_engaged(a: ListArgs) -> QuerySet[Case]:
    return _with_date(Case.objects.filter(judged_q(a.p)).exclude(engaged_exists()), F("first_contact_due"))


def _offered_not_opted_in(a: ListArgs) -> QuerySet[Case]:
    offered = offer_candidates(a.p) & Q(offered_in_period(a.p))
    return _with_date(Case.objects.filter(offered).exclude(opted_in_since(a.p)), F("status_changed_on"))


def _no_vps(a: ListArgs) -> QuerySet[Case]:
    """The teams' cases on sentences whose review was heard in the period without a submitted statement."""
    reviews = ParoleReview.objects.filter(hearing_on__gte=a.p.start, hearing_on__lte=a.p.end)
    submitted = VictimPersonalStatement.objects.filter(
        review_id=OuterRef("pk"), submitted_on__isnull=False, case__team_id__in=a.team_ids
    )
    missed = reviews.filter(~Exists(submitted), sentence_id__in=scope_sentences(a.team_ids))
    return _with_date(
        Case.objects.filter(sentence_id__in=missed.values("sentence_id")), hearing_in(a.p.start, a.p.end)
    )


def _conditions_not_imposed(a: ListArgs) -> QuerySet[Case]:
    refused = LicenceConditionRequest.objects.filter(
        outcome=ConditionOutcome.NOT_IMPOSED, outcome_on__gte=a.p.start, outcome_on__lte=a.p.end
    )
    first = Subquery(
        refused.filter(case_id=OuterRef("pk")).order_by("outcome_on").values("outcome_on")[:1],
        output_field=DateField(),
    )
    return _with_date(Case.objects.filter(pk__in=refused.values("case_id")), first)


def _window_lists() -> dict[str, CaseList]:
    lists = {}
    for days in WINDOWS:

        def window_date(a: ListArgs, kind: str, d: int = days) -> Subquery:
            return upcoming_date(kind, a.today, a.today + timedelta(days=d), snapshot=a.snapshot)

        lists[f"releases_{days}"] = CaseList(
            f"releases_{days}",
            f"Releases in the next {days} days",
            f"Open cases whose offender's current conditional release date (CRD) is in the next {days} "
            "days. Tell the victim the month only, never the date.",
            "Conditional release date",
            _case_figure(f"releases_{days}", partial(window_date, kind="releases")),
        )
        lists[f"hearings_{days}"] = CaseList(
            f"hearings_{days}",
            f"Parole hearings in the next {days} days",
            f"Open cases whose offender has a parole hearing in the next {days} days.",
            "Hearing date",
            _case_figure(f"hearings_{days}", partial(window_date, kind="hearings")),
        )
    return lists


LISTS: dict[str, CaseList] = {
    "never_offered": CaseList(
        "never_offered",
        "Victims never offered the scheme",
        "Statutory cases still 'referred' whose first-contact deadline has passed: the victim has not "
        "been offered the scheme. Offer it now.",
        "First contact was due",
        _case_figure("never_offered", lambda a: F("first_contact_due")),
    ),
    "first_contact_overdue": CaseList(
        "first_contact_overdue",
        "Other first contacts overdue",
        "Open statutory cases past their first-contact deadline with no contact with the victim yet, "
        "other than those never offered the scheme (for example, unable to trace).",
        "First contact was due",
        _case_figure("first_contact_overdue", lambda a: F("first_contact_due")),
    ),
    "annual_letters_overdue": CaseList(
        "annual_letters_overdue",
        "Annual letters overdue",
        "Open cases with an annual letter task still open after its due date.",
        "Letter was due",
        _task_figure(annual_only=True),
    ),
    **_window_lists(),
    "open_cases": CaseList(
        "open_cases",
        "Open cases",
        "Every case that is not closed.",
        "Referral received",
        _case_figure("open_cases", lambda a: F("referral_received_on")),
    ),
    "overdue_tasks": CaseList(
        "overdue_tasks",
        "Cases with overdue tasks",
        "Open cases with at least one open task past its due date, held by the team's officers or managers.",
        "Oldest task was due",
        _task_figure(annual_only=False),
    ),
    "first_contact_late": CaseList(
        "first_contact_late",
        "First contact not made within the deadline",
        "Statutory cases referred in the period, judged by its end, whose first contact was late or has "
        "not happened.",
        "First contact was due",
        _missed_first_contact,
        needs_period=True,
    ),
    "not_engaged": CaseList(
        "not_engaged",
        "Victims not engaged at initial contact",
        "Statutory cases referred in the period, judged by its end, with no conversation with or reply "
        "from the victim by the first-contact deadline.",
        "First contact was due",
        _not_engaged,
        needs_period=True,
    ),
    "offered_not_opted_in": CaseList(
        "offered_not_opted_in",
        "Offered in the period, not opted in",
        "Cases offered the scheme in the period that have not opted in since.",
        "Status last changed",
        _offered_not_opted_in,
        needs_period=True,
    ),
    "no_vps": CaseList(
        "no_vps",
        "Parole reviews without a victim personal statement",
        "Cases on sentences whose parole review was heard in the period with no statement submitted.",
        "Hearing date",
        _no_vps,
        needs_period=True,
    ),
    "conditions_not_imposed": CaseList(
        "conditions_not_imposed",
        "Requested licence conditions not imposed",
        "Cases with a requested licence condition recorded as not imposed in the period. The victim must "
        "be told why.",
        "Decided on",
        _conditions_not_imposed,
        needs_period=True,
    ),
}


def case_list(
    *,
    key: str,
    scope: Scope,
    today: date,
    period: Period | None = None,
    officer_id: int | None = None,
) -> QuerySet[Case]:
    """The cases behind a figure, in scope, with what a list row shows; 404 for an unknown key."""
    spec = LISTS.get(key)
    if spec is None:
        raise Http404
    snapshot = key.startswith(tuple(UPCOMING_KINDS)) and snapshot_is_fresh()
    args = ListArgs(
        today=today, team_ids=scope.team_ids, period=period, officer_id=officer_id, snapshot=snapshot
    )
    cases = spec.cases(args).filter(team_id__in=scope.team_ids)
    if officer_id is not None and spec.needs_period:
        cases = cases.filter(officer_id=officer_id)
    # Only what a list row shows: a victim's contact details are never loaded (or decrypted) here.
    return cases.select_related("victim", "offender", "officer", "team").only(*LIST_FIELDS)


LIST_FIELDS = (
    "reference",
    "status",
    "team_id",
    "officer_id",
    "victim_id",
    "offender_id",
    "referral_received_on",
    "first_contact_due",
    "first_contact_on",
    "status_changed_on",
    "victim__first_name",
    "victim__last_name",
    "offender__first_name",
    "offender__last_name",
    "officer__first_name",
    "officer__last_name",
    "team__name",
    "team__region_id",
)


# A list page's rows, by the ids its figure's query found: the same SQL for every list, its rows
# plain values (a page of 25 was a hundred model objects: cases, victims, offenders, officers).
_list_rows: Prepared[Any] = Prepared(
    lambda ids: (
        Case.objects.filter(pk__any_of=ids)
        .order_by()
        .values(
            "pk",
            "reference",
            "status",
            "victim__first_name",
            "victim__last_name",
            "offender__first_name",
            "offender__last_name",
            "officer__first_name",
            "officer__last_name",
            "team__name",
        )
    )
)


@dataclass(frozen=True)
class ListRow:
    """One row of a drill-down list page: what ``dashboards_tags.list_rows`` shows."""

    pk: int
    reference: str
    status: str
    victim_name: str  # as ``Victim.full_name``
    offender_name: str  # as ``Offender.full_name``
    officer_name: str  # as ``User.get_full_name``
    team_name: str
    list_date: Any

    @classmethod
    def of(cls, row: dict[str, Any], list_date: Any) -> ListRow:
        return cls(
            pk=row["pk"],
            reference=row["reference"],
            status=row["status"],
            victim_name=f"{row['victim__first_name']} {row['victim__last_name']}",
            offender_name=f"{row['offender__first_name']} {row['offender__last_name']}",
            officer_name=f"{row['officer__first_name']} {row['officer__last_name']}".strip(),
            team_name=row["team__name"],
            list_date=list_date,
        )


# The lists whose queries take nothing worked out from their arguments before they reach SQL (no
# window's end day, no list of task owners read first): their count and a page of ids are
# compiled once (core.prepared), the others built by the ORM each time. An allowlist, because a
# value read from the database while building (``task_owner_ids``) would otherwise be compiled
# in for good, and Prepared could not tell.
# Each says whether its query reads today's date (an argument the SQL does not take is refused).
# None is an upcoming-dates list, so none reads the hourly snapshot.
PREPARED_LISTS = {"never_offered": True, "first_contact_overdue": True, "open_cases": False}


def _prepared_list(team_ids: list[int], *rest: Any) -> QuerySet[Any]:
    """A prepared list's cases in the teams: ``rest`` is today (if the list reads it), the officer
    (if narrowed to one), then the list's key (fixed)."""
    key = rest[-1]
    today, officer = (rest[0], rest[1:-1]) if PREPARED_LISTS[key] else (date.min, rest[:-1])
    args = ListArgs(today=today, team_ids=team_ids, officer_id=officer[0] if officer else None)
    return LISTS[key].cases(args).filter(team_id__any_of=team_ids)


def _prepared_args(key: str, scope: Scope, today: date, officer_id: int | None = None) -> tuple[Any, ...]:
    """The arguments ``_prepared_list`` takes for a list in ``PREPARED_LISTS``."""
    day = (today,) if PREPARED_LISTS[key] else ()
    officer = (officer_id,) if officer_id is not None else ()
    return (list(scope.team_ids), *day, *officer)


# A prepared list's ids and dates (a page of them), and its first rows with what a row shows (as
# ``case_list``) for a dashboard's preview.
_list_ids: Prepared[Any] = Prepared(lambda *values: _prepared_list(*values).values("pk", "list_date"))
_list_head: Prepared[Case] = Prepared(
    lambda *values: (
        _prepared_list(*values).select_related("victim", "offender", "officer", "team").only(*LIST_FIELDS)
    )
)


def list_head(*, key: str, scope: Scope, today: date, rows: int) -> list[Case]:
    """The first ``rows`` cases of a list, as ``case_list(...)[:rows]`` gives them: for a list in
    ``PREPARED_LISTS``, by SQL compiled once."""
    if key not in PREPARED_LISTS:
        return list(case_list(key=key, scope=scope, today=today)[:rows])
    return _list_head.window(0, rows, *_prepared_args(key, scope, today), fixed=(key,))


def page_of_list(
    cases: QuerySet[Case] | Callable[[], QuerySet[Case]],
    *,
    number: Any,
    per_page: int,
    key: str = "",
    scope: Scope | None = None,
    today: date | None = None,
    officer_id: int | None = None,
) -> Page:
    """One page of a ``case_list``, as the caseload pages: counted and cut on the cases' ids (with
    each one's list date), then only the page's rows read with their people, by those ids alone,
    as ``ListRow`` values.

    Given the list's ``key``, ``scope``, ``today`` and ``officer_id``, a list in ``PREPARED_LISTS``
    is counted and cut by SQL compiled once; ``cases`` (the same list, or a function that builds
    it) serves the others."""
    if key in PREPARED_LISTS and scope is not None and today is not None:
        args = _prepared_args(key, scope, today, officer_id)
        ids = Paged(
            lambda: _list_ids.count(*args, fixed=(key,)),
            lambda offset, limit: [
                (row["pk"], row["list_date"]) for row in _list_ids.window(offset, limit, *args, fixed=(key,))
            ],
        )
    else:
        queryset: QuerySet[Any] = cases() if callable(cases) else cases  # built only if the ORM serves it
        ids = Paged(
            queryset.count,
            lambda offset, limit: list(queryset.values_list("pk", "list_date")[offset : offset + limit]),
        )
    page: Page[Any] = Paginator(ids, per_page).get_page(number)  # type: ignore[arg-type]
    found = list(page.object_list)
    rows = {row["pk"]: row for row in _list_rows.all([pk for pk, _ in found])}
    page.object_list = [ListRow.of(rows[pk], day) for pk, day in found if pk in rows]
    return page
