"""The dashboards' reads: whose teams a manager sees, today's figures, the measures for a period,
and the list of cases behind every figure.

Every figure is a conditional count (``Count(filter=...)``) in one SQL aggregate over the
teams' cases, grouped by team and officer, so a dashboard costs the same handful of queries
whatever the number of cases. Cheap column conditions come first in each filter, so PostgreSQL
runs a correlated subquery only for the rows that pass them. Overdue tasks are found through the
task index on (owner, status, due_on). Releases and hearings coming up are read from the hourly
copy in ``models.UpcomingDate`` while it is fresh, and computed live when it is not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404

from contacts.models import Contact, ContactWith, Direction, Method, Task, TaskKind, TaskStatus
from offenders.models import KeyDate, KeyDateKind
from parole.models import ConditionOutcome, LicenceConditionRequest, ParoleReview, VictimPersonalStatement
from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, Region, Role, Team, User
from vcs_portal.core.scope import teams_visible_to
from victims.models import Case, CaseStatus, CaseStatusChange, ClosureReason, first_contact_overdue_q

from .models import UpcomingDate, UpcomingKind, UpcomingRefresh

WINDOWS = (30, 90)  # days ahead for releases and parole hearings

# --- scope --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The teams a dashboard covers: those the manager may see, or one of them."""

    teams: tuple[Team, ...]
    region: Region | None
    whole_region: bool  # a regional manager's view of every team in the region
    team: Team | None = None  # set when narrowed to one team

    @property
    def team_ids(self) -> list[int]:
        return [t.pk for t in self.teams]

    @property
    def label(self) -> str:
        if self.team is not None:
            return self.team.name
        if self.whole_region and self.region is not None:
            return self.region.name
        return ", ".join(t.name for t in self.teams) or "No teams"


def dashboard_scope(*, user: Any, team: str | int | None = None, whole_region: bool = False) -> Scope:
    """The scope of a dashboard page for ``user``; 404 for anyone but a manager.

    ``whole_region`` asks for the regional view (regional managers only). ``team`` narrows to
    one team the manager may see; any other value is a 404, whether or not the team exists.
    """
    if not getattr(user, "is_authenticated", False) or user.role != Role.MANAGER:
        raise Http404
    if whole_region and not user.is_regional_manager:
        raise Http404
    teams = tuple(teams_visible_to(user).select_related("region").order_by("name", "pk"))
    region = teams[0].region if teams else None
    if team not in (None, ""):
        chosen = next((t for t in teams if str(t.pk) == str(team)), None)
        if chosen is None:
            # As core.scope.get_visible_or_404 does: the team may exist in another scope.
            audit_record(
                actor=user, action=AuditAction.DENIED, object_type="core.Team", object_id=str(team)[:40]
            )
            raise Http404
        return Scope(teams=(chosen,), region=chosen.region, whole_region=False, team=chosen)
    return Scope(teams=teams, region=region, whole_region=user.is_regional_manager)


# --- sets that several figures share ------------------------------------------------------------


def scope_sentences(team_ids: Sequence[int]) -> QuerySet[Case]:
    return Case.objects.filter(team_id__in=team_ids).values("sentence_id")


def current_key_date_sentences(kind: str, start: date, end: date) -> QuerySet[KeyDate]:
    """Sentences whose current date of ``kind`` falls in [start, end].

    The current date is the newest recorded one: a recalculated date replaces the old value.
    Not narrowed to the teams: the date index finds the few hundred dates in a window
    nationally faster than joining each to its cases would.
    """
    newer = KeyDate.objects.filter(sentence_id=OuterRef("sentence_id"), kind=kind).filter(
        Q(recorded_at__gt=OuterRef("recorded_at"))
        | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
    )
    return (
        KeyDate.objects.filter(kind=kind, date__gte=start, date__lte=end)
        .filter(~Exists(newer))
        .values("sentence_id")
    )


def current_key_date(kind: str) -> Subquery:
    """The current date of ``kind`` for the case's sentence (newest recorded wins)."""
    return Subquery(
        KeyDate.objects.filter(sentence_id=OuterRef("sentence_id"), kind=kind)
        .order_by("-recorded_at", "-pk")
        .values("date")[:1],
        output_field=DateField(),
    )


def hearing_sentences(start: date, end: date) -> QuerySet[ParoleReview]:
    return ParoleReview.objects.filter(hearing_on__gte=start, hearing_on__lte=end).values("sentence_id")


def task_owner_ids(team_ids: Sequence[int]) -> list[int]:
    """Who holds the teams' tasks: their members and their managers (escalations go to managers).

    A list rather than a subquery, so PostgreSQL can look the owners up in the task index.
    """
    owners = User.objects.filter(Q(team_id__in=team_ids) | Q(managed_teams__in=team_ids))
    return sorted(set(owners.values_list("pk", flat=True)))


def overdue_tasks(today: date, team_ids: Sequence[int], owner_ids: Sequence[int]) -> QuerySet[Task]:
    """Open tasks past their due date on the teams' open cases, held by the teams' people.

    Found through the task index on (owner, status, due_on): only overdue open tasks are read,
    however many tasks the teams have finished over the years.
    """
    return Task.objects.filter(
        owner_id__in=owner_ids, status=TaskStatus.OPEN, due_on__lt=today, case__team_id__in=team_ids
    ).exclude(case__status=CaseStatus.CLOSED)


OPEN = ~Q(status=CaseStatus.CLOSED)


def never_offered_q(today: date) -> Q:
    """First contacts overdue (the one rule, ``victims.models.first_contact_overdue_q``) on cases
    still 'referred': the victim was never offered the scheme."""
    return Q(status=CaseStatus.REFERRED) & first_contact_overdue_q(today)


def other_first_contact_overdue_q(today: date) -> Q:
    """The other first contacts overdue: the one rule less the never-offered, so the two figures
    add up to the caseload's "first contact overdue" filter."""
    return ~Q(status=CaseStatus.REFERRED) & first_contact_overdue_q(today)


def snapshot_is_fresh() -> bool:
    """Whether the hourly copy of upcoming dates is recent enough to use (see ``models``)."""
    refresh = UpcomingRefresh.objects.filter(singleton=True).first()
    return refresh is not None and refresh.is_fresh()


def live_upcoming(start: date, end: date) -> tuple[list[tuple[int, date]], list[tuple[int, date]]]:
    """(sentence, date) of every current CRD and every parole hearing in [start, end], nationally."""
    crds = list(current_key_date_sentences(KeyDateKind.CRD, start, end).values_list("sentence_id", "date"))
    hearings = list(hearing_sentences(start, end).values_list("sentence_id", "hearing_on"))
    return crds, hearings


def upcoming_sentences(kind: str, start: date, end: date, *, snapshot: bool) -> QuerySet[Any]:
    """Sentences with a release (``kind`` "releases") or hearing ("hearings") in [start, end]."""
    if snapshot:
        return UpcomingDate.objects.filter(kind=UPCOMING_KINDS[kind], on__gte=start, on__lte=end).values(
            "sentence_id"
        )
    if kind == "releases":
        return current_key_date_sentences(KeyDateKind.CRD, start, end)
    return hearing_sentences(start, end)


def upcoming_date(kind: str, start: date, end: date, *, snapshot: bool) -> Subquery:
    """The first release or hearing date in [start, end] for the case's sentence, for list rows."""
    if snapshot:
        dates = UpcomingDate.objects.filter(kind=UPCOMING_KINDS[kind], on__gte=start, on__lte=end)
        return Subquery(
            dates.filter(sentence_id=OuterRef("sentence_id")).order_by("on").values("on")[:1],
            output_field=DateField(),
        )
    if kind == "releases":
        return current_key_date(KeyDateKind.CRD)
    return _hearing_in(start, end)


UPCOMING_KINDS = {"releases": UpcomingKind.RELEASE, "hearings": UpcomingKind.HEARING}


def case_filter(key: str, today: date, *, snapshot: bool = False) -> Q:
    """One of today's case figures as a condition on a case; the keys are also the lists' keys."""
    if key == "never_offered":
        return never_offered_q(today)
    if key == "first_contact_overdue":
        return other_first_contact_overdue_q(today)
    if key == "open_cases":
        return OPEN
    kind, _, days = key.rpartition("_")
    if kind not in UPCOMING_KINDS or not days.isdigit() or int(days) not in WINDOWS:
        raise KeyError(key)
    end = today + timedelta(days=int(days))
    return OPEN & Q(sentence_id__in=upcoming_sentences(kind, today, end, snapshot=snapshot))


CASE_FIGURES = [
    "never_offered",
    "first_contact_overdue",
    *(f"{kind}_{days}" for days in WINDOWS for kind in ("releases", "hearings")),
    "open_cases",
]
TASK_FIGURES = ["annual_letters_overdue", "overdue_tasks"]
FIGURE_KEYS = [*CASE_FIGURES, *TASK_FIGURES]


# --- today's figures ----------------------------------------------------------------------------


@dataclass
class Figures:
    """Today's counts for one team, or for all the teams in scope (``team is None``)."""

    team: Team | None
    counts: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        try:
            return self.__dict__["counts"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


@dataclass(frozen=True)
class OfficerLoad:
    officer: User
    open_cases: int
    never_offered: int
    overdue_tasks: int


@dataclass(frozen=True)
class Dashboard:
    total: Figures
    per_team: list[Figures]
    officers: list[OfficerLoad]
    snapshot: bool  # releases and hearings came from the hourly copy


def dashboard_figures(*, scope: Scope, today: date, with_officers: bool = False) -> Dashboard:
    """Today's figures per team, per officer and in total, in three queries: the teams' people,
    one aggregate over the cases and one over the overdue tasks.

    Both aggregates group by team and person, so the per-officer table and the team totals come
    from the same rows and always add up.
    """
    ids = scope.team_ids
    snapshot = snapshot_is_fresh()
    people = {
        u.pk: u
        for u in User.objects.filter(Q(team_id__in=ids) | Q(managed_teams__in=ids))
        .distinct()
        .only("pk", "first_name", "last_name", "role", "team_id", "is_active")
    }
    cases = (
        Case.objects.filter(team_id__in=ids)
        .order_by()
        .values("team_id", "officer_id")
        .annotate(
            **{key: Count("pk", filter=case_filter(key, today, snapshot=snapshot)) for key in CASE_FIGURES}
        )
    )
    tasks = (
        overdue_tasks(today, ids, sorted(people))
        .order_by()
        .values("case__team_id", "owner_id")
        .annotate(
            overdue_tasks=Count("pk"),
            annual_letters_overdue=Count("case_id", filter=Q(kind=TaskKind.ANNUAL_LETTER), distinct=True),
        )
    )
    team_counts: dict[int, dict[str, int]] = {t.pk: dict.fromkeys(FIGURE_KEYS, 0) for t in scope.teams}
    person_counts: dict[int, dict[str, int]] = {}
    for row in cases:
        person = person_counts.setdefault(row["officer_id"], dict.fromkeys(FIGURE_KEYS, 0))
        for key in CASE_FIGURES:
            team_counts[row["team_id"]][key] += row[key]
            person[key] += row[key]
    for row in tasks:
        person = person_counts.setdefault(row["owner_id"], dict.fromkeys(FIGURE_KEYS, 0))
        for key in TASK_FIGURES:
            team_counts[row["case__team_id"]][key] += row[key]
            person[key] += row[key]
    per_team = [Figures(team=t, counts=team_counts[t.pk]) for t in scope.teams]
    total = Figures(team=None, counts={key: sum(f.counts[key] for f in per_team) for key in FIGURE_KEYS})
    officers: list[OfficerLoad] = []
    if with_officers:
        # The teams' active VLOs, and anyone else holding their open cases or overdue tasks.
        shown = {pk for pk, u in people.items() if u.role == Role.VLO and u.is_active and u.team_id in ids}
        shown |= {pk for pk, c in person_counts.items() if c["open_cases"] or c["overdue_tasks"]}
        missing = shown - people.keys()  # a case holder from outside the teams: rare
        if missing:
            people.update(User.objects.in_bulk(missing))
        for pk in sorted(shown, key=lambda pk: (people[pk].last_name, people[pk].first_name, pk)):
            c = person_counts.get(pk, {})
            officers.append(
                OfficerLoad(
                    people[pk], c.get("open_cases", 0), c.get("never_offered", 0), c.get("overdue_tasks", 0)
                )
            )
    return Dashboard(total=total, per_team=per_team, officers=officers, snapshot=snapshot)


# --- performance measures for a period ----------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Definition:
    numerator: str
    denominator: str
    excluded: str
    benchmark: float | None = None
    benchmark_source: str = ""


# Engagement means a conversation or a reply, not a letter or email sent with no answer.
CONVERSATION_METHODS = [Method.PHONE, Method.HOME_VISIT, Method.OFFICE_VISIT, Method.VIDEO]
NOT_DUE_CONTACT = [ClosureReason.DUPLICATE, ClosureReason.NOT_ELIGIBLE]
REACHED_OPT_IN = [CaseStatus.OPTED_IN, CaseStatus.OPTED_OUT, CaseStatus.CLOSED]

MEASURES: dict[str, tuple[str, str, Definition]] = {
    "first_contact_in_time": (
        "First contacts within the deadline",
        "First contact in time",
        Definition(
            numerator="Of those cases, the ones whose first contact with the victim (the offer letter or "
            "a contact with the victim) was on or before the first-contact deadline.",
            denominator="Statutory cases referred in the period whose first-contact deadline (20 working "
            "days after the referral) fell on or before the last day of the period.",
            excluded="Discretionary cases (no statutory deadline); cases whose deadline falls after the "
            "period (not yet judged); cases closed as a duplicate or as not eligible.",
        ),
    ),
    "engaged": (
        "Victims engaged at initial contact",
        "Engaged at initial contact",
        Definition(
            numerator="Of those cases, the ones with a recorded conversation with the victim, or a reply "
            "from them, on or before the first-contact deadline: a contact with the victim that came in "
            "from them by any means, or that we made by phone, video or visit.",
            denominator="Statutory cases referred in the period whose first-contact deadline fell on or "
            "before the last day of the period (as for first contacts within the deadline).",
            excluded="Letters, emails and texts we sent that had no reply; contacts with anyone other than "
            "the victim (a representative, the offender manager); the exclusions of the first-contact "
            "measure.",
            benchmark=77.0,
            benchmark_source="HMI Probation 2018/19: victims encouraged to engage at initial contact",
        ),
    ),
    "opt_in": (
        "Opt-in rate",
        "Opted in after an offer",
        Definition(
            numerator="Of those cases, the ones whose record shows a move to 'opted in' on or after the "
            "first day of the period (up to today).",
            denominator="Cases that received an offer in the period: a status change to 'offer sent' "
            "dated in the period, or a move straight from 'referred' to 'opted in' or 'declined' (an offer "
            "made in person) dated in the period.",
            excluded="Cases with no offer dated in the period.",
        ),
    ),
    "vps": (
        "Parole reviews with a victim personal statement",
        "Parole reviews with a VPS",
        Definition(
            numerator="Of those reviews, the ones with at least one victim personal statement from a "
            "victim in these teams that has a date of submission to the Parole Board.",
            denominator="Parole reviews with a hearing (or paper consideration) date in the period, on "
            "sentences where these teams hold at least one victim's case (of any status).",
            excluded="Reviews with no hearing date yet; statements invited or received but never submitted.",
            benchmark=40.0,
            benchmark_source="National figure: the Parole Board saw a VPS in about 40% of cases",
        ),
    ),
    "conditions_imposed": (
        "Requested licence conditions imposed",
        "Licence conditions imposed",
        Definition(
            numerator="Of those requests, the ones recorded as imposed.",
            denominator="Licence conditions requested by victims in these teams whose outcome (imposed or "
            "not imposed) is dated in the period.",
            excluded="Requests with no decision yet.",
            benchmark=87.0,
            benchmark_source="HMI Probation 2018/19: victims able to contribute to licence conditions",
        ),
    ),
}


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    short_title: str
    numerator: int
    denominator: int
    definition: Definition
    list_key: str  # the drill-down list of the cases that missed

    @property
    def percent(self) -> float | None:
        return round(100 * self.numerator / self.denominator, 1) if self.denominator else None

    @property
    def missed(self) -> int:
        return self.denominator - self.numerator

    @property
    def below_benchmark(self) -> bool:
        b = self.definition.benchmark
        return b is not None and self.percent is not None and self.percent < b


Counts = dict[int | None, tuple[int, int]]  # team id (None: all teams) -> (numerator, denominator)


def _judged_q(period: Period) -> Q:
    """Statutory cases referred in the period whose first-contact deadline has passed by its end."""
    return (
        Q(statutory=True, referral_received_on__gte=period.start, referral_received_on__lte=period.end)
        & Q(first_contact_due__lte=period.end)
        & ~Q(closure_reason__in=NOT_DUE_CONTACT)
    )


def _engaged_exists() -> Exists:
    return Exists(
        Contact.objects.filter(
            case_id=OuterRef("pk"),
            with_whom=ContactWith.VICTIM,
            occurred_at__date__lte=OuterRef("first_contact_due"),
        ).filter(Q(direction=Direction.INCOMING) | Q(method__in=CONVERSATION_METHODS))
    )


def _offered_in_period(period: Period) -> Exists:
    changes = CaseStatusChange.objects.filter(
        case_id=OuterRef("pk"), changed_on__gte=period.start, changed_on__lte=period.end
    )
    return Exists(
        changes.filter(
            Q(to_status=CaseStatus.OFFER_SENT)
            | Q(from_status=CaseStatus.REFERRED, to_status__in=[CaseStatus.OPTED_IN, CaseStatus.DECLINED])
        )
    )


def _opted_in_since(period: Period) -> Exists:
    return Exists(
        CaseStatusChange.objects.filter(
            case_id=OuterRef("pk"), to_status=CaseStatus.OPTED_IN, changed_on__gte=period.start
        )
    )


def _offer_candidates(period: Period) -> Q:
    # A cheap test first: a case whose latest status change is before the period had no offer in it.
    return Q(status_changed_on__gte=period.start, referral_received_on__lte=period.end) & ~Q(
        status=CaseStatus.REFERRED
    )


def _case_measures(team_ids: Sequence[int], period: Period, by_team: bool) -> dict[str, Counts]:
    """The three case-based measures in one aggregate query."""
    judged = _judged_q(period)
    offered = _offer_candidates(period) & Q(_offered_in_period(period))
    aggregates = {
        "judged": Count("pk", filter=judged),
        "in_time": Count("pk", filter=judged & Q(first_contact_on__lte=F("first_contact_due"))),
        "engaged": Count("pk", filter=judged & Q(_engaged_exists())),
        "offered": Count("pk", filter=offered),
        # Having reached 'opted in', a case can only be opted in, opted out or closed now.
        "opted_in": Count("pk", filter=offered & Q(status__in=REACHED_OPT_IN) & Q(_opted_in_since(period))),
    }
    # Only cases referred by the end of the period and either referred or changed in it can count.
    relevant = Q(referral_received_on__lte=period.end) & (
        Q(referral_received_on__gte=period.start) | Q(status_changed_on__gte=period.start)
    )
    cases = Case.objects.filter(relevant, team_id__in=team_ids).order_by()
    if by_team:
        rows = {r.pop("team_id"): r for r in cases.values("team_id").annotate(**aggregates)}
    else:
        rows = {None: cases.aggregate(**aggregates)}
    return {
        "first_contact_in_time": {k: (r["in_time"], r["judged"]) for k, r in rows.items()},
        "engaged": {k: (r["engaged"], r["judged"]) for k, r in rows.items()},
        "opt_in": {k: (r["opted_in"], r["offered"]) for k, r in rows.items()},
    }


def _vps_measure(team_ids: Sequence[int], period: Period, by_team: bool) -> Counts:
    """Reviews heard in the period on sentences the teams hold a case on; those with a submitted VPS."""
    reviews = ParoleReview.objects.filter(hearing_on__gte=period.start, hearing_on__lte=period.end).order_by()
    if by_team:
        # A review counts for each team holding a case on its sentence, with that team's statements.
        submitted = VictimPersonalStatement.objects.filter(
            review_id=OuterRef("pk"), submitted_on__isnull=False, case__team_id=OuterRef("team_id")
        )
        rows = (
            reviews.annotate(team_id=F("sentence__cases__team_id"))
            .filter(team_id__in=team_ids)
            .values("team_id")
            .annotate(
                heard=Count("pk", distinct=True),
                with_vps=Count("pk", distinct=True, filter=Q(Exists(submitted))),
            )
        )
        return {r["team_id"]: (r["with_vps"], r["heard"]) for r in rows}
    submitted = VictimPersonalStatement.objects.filter(
        review_id=OuterRef("pk"), submitted_on__isnull=False, case__team_id__in=team_ids
    )
    row = reviews.filter(
        sentence_id__in=Case.objects.filter(team_id__in=team_ids).values("sentence_id")
    ).aggregate(heard=Count("pk"), with_vps=Count("pk", filter=Q(Exists(submitted))))
    return {None: (row["with_vps"], row["heard"])}


def _conditions_measure(team_ids: Sequence[int], period: Period, by_team: bool) -> Counts:
    decided = [ConditionOutcome.IMPOSED, ConditionOutcome.NOT_IMPOSED]
    requests = LicenceConditionRequest.objects.filter(
        case__team_id__in=team_ids, outcome_on__gte=period.start, outcome_on__lte=period.end
    ).order_by()
    aggregates = {
        "decided": Count("pk", filter=Q(outcome__in=decided)),
        "imposed": Count("pk", filter=Q(outcome=ConditionOutcome.IMPOSED)),
    }
    if by_team:
        rows = requests.values("case__team_id").annotate(**aggregates)
        return {r["case__team_id"]: (r["imposed"], r["decided"]) for r in rows}
    row = requests.aggregate(**aggregates)
    return {None: (row["imposed"], row["decided"])}


MISSED_LISTS = {
    "first_contact_in_time": "first_contact_late",
    "engaged": "not_engaged",
    "opt_in": "offered_not_opted_in",
    "vps": "no_vps",
    "conditions_imposed": "conditions_not_imposed",
}


def measure_counts(*, team_ids: Sequence[int], period: Period, by_team: bool = False) -> dict[str, Counts]:
    """(numerator, denominator) per measure, in total or per team: five aggregates in three queries."""
    counts = _case_measures(team_ids, period, by_team)
    counts["vps"] = _vps_measure(team_ids, period, by_team)
    counts["conditions_imposed"] = _conditions_measure(team_ids, period, by_team)
    return counts


def _measures(counts: dict[str, Counts], key: int | None) -> list[Measure]:
    result = []
    for name, (title, short, definition) in MEASURES.items():
        numerator, denominator = counts[name].get(key, (0, 0))
        result.append(Measure(name, title, short, numerator, denominator, definition, MISSED_LISTS[name]))
    return result


def performance(*, scope: Scope, period: Period) -> tuple[list[Measure], list[tuple[Team, list[Measure]]]]:
    """The five measures in total and, for more than one team, per team.

    Per team, a case belongs to one team, so the totals of the case measures and of licence
    conditions are the sums of the teams'. A parole review can concern victims in two teams, so
    its total is counted on its own rather than summed.
    """
    ids = scope.team_ids
    if len(scope.teams) <= 1:
        return _measures(measure_counts(team_ids=ids, period=period), None), []
    per_team = measure_counts(team_ids=ids, period=period, by_team=True)
    totals: dict[str, Counts] = {
        name: {None: (sum(n for n, _ in c.values()), sum(d for _, d in c.values()))}
        for name, c in per_team.items()
        if name != "vps"
    }
    totals["vps"] = _vps_measure(ids, period, by_team=False)
    return _measures(totals, None), [(team, _measures(per_team, team.pk)) for team in scope.teams]


# --- the lists behind the figures ---------------------------------------------------------------


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


def _hearing_in(start: date, end: date) -> Subquery:
    return Subquery(
        ParoleReview.objects.filter(
            sentence_id=OuterRef("sentence_id"), hearing_on__gte=start, hearing_on__lte=end
        )
        .order_by("hearing_on")
        .values("hearing_on")[:1],
        output_field=DateField(),
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
    cases = Case.objects.filter(_judged_q(a.p)).exclude(first_contact_on__lte=F("first_contact_due"))
    return _with_date(cases, F("first_contact_due"))


def _not_engaged(a: ListArgs) -> QuerySet[Case]:
    return _with_date(Case.objects.filter(_judged_q(a.p)).exclude(_engaged_exists()), F("first_contact_due"))


def _offered_not_opted_in(a: ListArgs) -> QuerySet[Case]:
    offered = _offer_candidates(a.p) & Q(_offered_in_period(a.p))
    return _with_date(Case.objects.filter(offered).exclude(_opted_in_since(a.p)), F("status_changed_on"))


def _no_vps(a: ListArgs) -> QuerySet[Case]:
    """The teams' cases on sentences whose review was heard in the period without a submitted statement."""
    reviews = ParoleReview.objects.filter(hearing_on__gte=a.p.start, hearing_on__lte=a.p.end)
    submitted = VictimPersonalStatement.objects.filter(
        review_id=OuterRef("pk"), submitted_on__isnull=False, case__team_id__in=a.team_ids
    )
    missed = reviews.filter(~Exists(submitted), sentence_id__in=scope_sentences(a.team_ids))
    return _with_date(
        Case.objects.filter(sentence_id__in=missed.values("sentence_id")), _hearing_in(a.p.start, a.p.end)
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
