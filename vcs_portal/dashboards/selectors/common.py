"""The sets several figures and lists share: key dates, hearings, the teams' people and overdue tasks,
and the releases and hearings coming up (the hourly copy in ``models.UpcomingDate`` while it is fresh,
computed live when it is not).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from django.db.models import (
    DateField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from contacts.models import Task, TaskStatus
from offenders.models import KeyDate, KeyDateKind
from parole.models import ParoleReview
from vcs_portal.core.models import User
from vcs_portal.core.prepared import Prepared
from victims.models import Case, CaseStatus

from ..models import UpcomingDate, UpcomingKind, UpcomingRefresh

WINDOWS = (30, 90)  # days ahead for releases and parole hearings


def scope_sentences(team_ids: Sequence[int]) -> QuerySet[Case, Any]:
    return Case.objects.filter(team_id__in=team_ids).values("sentence_id")


def current_key_date_sentences(kind: str, start: date, end: date) -> QuerySet[KeyDate, Any]:
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


def hearing_sentences(start: date, end: date) -> QuerySet[ParoleReview, Any]:
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
        owner_id__any_of=list(owner_ids),
        status=TaskStatus.OPEN,
        due_on__lt=today,
        case__team_id__any_of=list(team_ids),
    ).exclude(case__status=CaseStatus.CLOSED)


def snapshot_is_fresh() -> bool:
    """Whether the hourly copy of upcoming dates is recent enough to use (see ``models``)."""
    refresh = _refresh.first()
    return refresh is not None and refresh.is_fresh()


_refresh = Prepared(lambda: UpcomingRefresh.objects.filter(singleton=True))


def live_upcoming(start: date, end: date) -> tuple[list[tuple[int, date]], list[tuple[int, date]]]:
    """(sentence, date) of every current CRD and every parole hearing in [start, end], nationally."""
    crds = list(current_key_date_sentences(KeyDateKind.CRD, start, end).values_list("sentence_id", "date"))
    # hearing_on__gte leaves out the reviews with no hearing date, so every date here is set.
    hearings = cast(
        list[tuple[int, date]], list(hearing_sentences(start, end).values_list("sentence_id", "hearing_on"))
    )
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
    return hearing_in(start, end)


UPCOMING_KINDS = {"releases": UpcomingKind.RELEASE, "hearings": UpcomingKind.HEARING}


def hearing_in(start: date, end: date) -> Subquery:
    return Subquery(
        ParoleReview.objects.filter(
            sentence_id=OuterRef("sentence_id"), hearing_on__gte=start, hearing_on__lte=end
        )
        .order_by("hearing_on")
        .values("hearing_on")[:1],
        output_field=DateField(),
    )
