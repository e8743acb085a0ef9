"""Today's figures for a team, its officers and the teams in scope: missed offers, overdue work and
what is coming up.

Every figure is a conditional count (``Count(filter=...)``) in one SQL aggregate over the teams'
cases, grouped by team and officer, so a dashboard costs the same handful of queries whatever the
number of cases. Cheap column conditions come first in each filter, so PostgreSQL runs a correlated
subquery only for the rows that pass them. Overdue tasks are found through the task index on
(owner, status, due_on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
)

from contacts.models import TaskKind
from vcs_portal.core.models import Role, Team, User
from vcs_portal.core.prepared import Prepared
from victims.models import Case, CaseStatus, first_contact_overdue_q

from .common import (
    UPCOMING_KINDS,
    WINDOWS,
    overdue_tasks,
    snapshot_is_fresh,
    upcoming_sentences,
)
from .scope import Scope

OPEN = ~Q(status=CaseStatus.CLOSED)


def never_offered_q(today: date) -> Q:
    """First contacts overdue (the one rule, ``victims.models.first_contact_overdue_q``) on cases
    still 'referred': the victim was never offered the scheme."""
    return Q(status=CaseStatus.REFERRED) & first_contact_overdue_q(today)


def other_first_contact_overdue_q(today: date) -> Q:
    """The other first contacts overdue: the one rule less the never-offered, so the two figures
    add up to the caseload's "first contact overdue" filter."""
    return ~Q(status=CaseStatus.REFERRED) & first_contact_overdue_q(today)


def case_filter(key: str, today: date, *, snapshot: bool = False, end: date | None = None) -> Q:
    """One of today's case figures as a condition on a case; the keys are also the lists' keys.

    A window's figure ends ``days`` after ``today`` (``end`` gives that day, worked out already,
    to SQL compiled once: ``_case_counts``)."""
    if key == "never_offered":
        return never_offered_q(today)
    if key == "first_contact_overdue":
        return other_first_contact_overdue_q(today)
    if key == "open_cases":
        return OPEN
    kind, _, days = key.rpartition("_")
    if kind not in UPCOMING_KINDS or not days.isdigit() or int(days) not in WINDOWS:
        raise KeyError(key)
    if end is None:
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


def _case_counts(team_ids: list[int], today: date, *ends_and_snapshot: Any) -> QuerySet[Case, dict[str, Any]]:
    """Every case figure of the teams' cases, per team and officer, in one aggregate; each
    window's last day (``WINDOWS`` order) given, then whether to read the hourly snapshot."""
    *ends, snapshot = ends_and_snapshot
    window_end = dict(zip(WINDOWS, ends, strict=True))

    def end_of(key: str) -> date | None:
        days = key.rpartition("_")[2]
        return window_end[int(days)] if days.isdigit() else None

    return (
        Case.objects.filter(team_id__any_of=team_ids)
        .order_by()
        .values("team_id", "officer_id")
        .annotate(
            **{
                key: Count("pk", filter=case_filter(key, today, snapshot=snapshot, end=end_of(key)))
                for key in CASE_FIGURES
            }
        )
    )


# The dashboards' biggest aggregate: SQL compiled (and planned) once per snapshot choice.
def _task_counts(today: date, team_ids: list[int], owner_ids: list[int]) -> QuerySet[Any, dict[str, Any]]:
    """The teams' overdue tasks per team and owner, and the cases with an annual letter overdue."""
    return (
        overdue_tasks(today, team_ids, owner_ids)
        .order_by()
        .values("case__team_id", "owner_id")
        .annotate(
            overdue_tasks=Count("pk"),
            annual_letters_overdue=Count("case_id", filter=Q(kind=TaskKind.ANNUAL_LETTER), distinct=True),
        )
    )


# The teams' people: members and the managers of the teams.
_people: Prepared[User] = Prepared(
    lambda team_ids: (
        User.objects.filter(Q(team_id__any_of=team_ids) | Q(managed_teams__id__any_of=team_ids))
        .distinct()
        .only("pk", "first_name", "last_name", "role", "team_id", "is_active")
    )
)
_task_counts_read: Prepared[Any] = Prepared(_task_counts)
# Its rows are values() dicts, which Prepared's model typing does not describe.
_case_counts_read: Prepared[Any] = Prepared(_case_counts)


def dashboard_figures(*, scope: Scope, today: date, with_officers: bool = False) -> Dashboard:
    """Today's figures per team, per officer and in total, in three queries: the teams' people,
    one aggregate over the cases and one over the overdue tasks.

    Both aggregates group by team and person, so the per-officer table and the team totals come
    from the same rows and always add up.
    """
    ids = scope.team_ids
    snapshot = snapshot_is_fresh()
    people = {u.pk: u for u in _people.all(list(ids))}
    ends = [today + timedelta(days=days) for days in WINDOWS]
    cases: list[dict[str, Any]] = _case_counts_read.all(list(ids), today, *ends, fixed=(snapshot,))
    tasks: list[dict[str, Any]] = _task_counts_read.all(today, list(ids), sorted(people))
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
