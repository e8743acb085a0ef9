"""The performance measures for a period (HMI Probation's measures of good work, DOMAIN.md section 7),
each a numerator over a denominator with its definition, in total and per team.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)

from contacts.models import Contact, ContactWith, Direction, Method
from parole.models import ConditionOutcome, LicenceConditionRequest, ParoleReview, VictimPersonalStatement
from vcs_portal.core.models import Team
from vcs_portal.core.prepared import Prepared
from victims.models import Case, CaseStatus, CaseStatusChange, ClosureReason

from .scope import Scope


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


def judged_q(period: Period) -> Q:
    """Statutory cases referred in the period whose first-contact deadline has passed by its end."""
    return (
        Q(statutory=True, referral_received_on__gte=period.start, referral_received_on__lte=period.end)
        & Q(first_contact_due__lte=period.end)
        & ~Q(closure_reason__in=NOT_DUE_CONTACT)
    )


def engaged_exists() -> Exists:
    return Exists(
        Contact.objects.filter(
            case_id=OuterRef("pk"),
            with_whom=ContactWith.VICTIM,
            occurred_at__date__lte=OuterRef("first_contact_due"),
        ).filter(Q(direction=Direction.INCOMING) | Q(method__in=CONVERSATION_METHODS))
    )


def offered_in_period(period: Period) -> Exists:
    changes = CaseStatusChange.objects.filter(
        case_id=OuterRef("pk"), changed_on__gte=period.start, changed_on__lte=period.end
    )
    return Exists(
        changes.filter(
            Q(to_status=CaseStatus.OFFER_SENT)
            | Q(from_status=CaseStatus.REFERRED, to_status__in=[CaseStatus.OPTED_IN, CaseStatus.DECLINED])
        )
    )


def opted_in_since(period: Period) -> Exists:
    return Exists(
        CaseStatusChange.objects.filter(
            case_id=OuterRef("pk"), to_status=CaseStatus.OPTED_IN, changed_on__gte=period.start
        )
    )


def offer_candidates(period: Period) -> Q:
    # A cheap test first: a case whose latest status change is before the period had no offer in it.
    return Q(status_changed_on__gte=period.start, referral_received_on__lte=period.end) & ~Q(
        status=CaseStatus.REFERRED
    )


def _case_rows(team_ids: list[int], start: date, end: date) -> QuerySet[Case, dict[str, Any]]:
    """The three case-based measures per team, in one aggregate."""
    period = Period(start, end, "")
    judged = judged_q(period)
    offered = offer_candidates(period) & Q(offered_in_period(period))
    # Only cases referred by the end of the period and either referred or changed in it can count.
    relevant = Q(referral_received_on__lte=end) & (
        Q(referral_received_on__gte=start) | Q(status_changed_on__gte=start)
    )
    return (
        Case.objects.filter(relevant, team_id__any_of=team_ids)
        .order_by()
        .values("team_id")
        .annotate(
            judged=Count("pk", filter=judged),
            in_time=Count("pk", filter=judged & Q(first_contact_on__lte=F("first_contact_due"))),
            engaged=Count("pk", filter=judged & Q(engaged_exists())),
            offered=Count("pk", filter=offered),
            # Having reached 'opted in', a case can only be opted in, opted out or closed now. The
            # status first: PostgreSQL evaluates a FILTER's conditions in order, so the offer's
            # subquery runs only for the cases that could have opted in.
            opted_in=Count("pk", filter=Q(status__in=REACHED_OPT_IN) & offered & Q(opted_in_since(period))),
        )
    )


def _heard(start: date, end: date) -> QuerySet[ParoleReview]:
    return ParoleReview.objects.filter(hearing_on__gte=start, hearing_on__lte=end).order_by()


def _vps_rows_by_team(team_ids: list[int], start: date, end: date) -> QuerySet[Any, dict[str, Any]]:
    """Reviews heard in the period, per team holding a case on the sentence, with that team's statements."""
    submitted = VictimPersonalStatement.objects.filter(
        review_id=OuterRef("pk"), submitted_on__isnull=False, case__team_id=OuterRef("team_id")
    )
    return (
        _heard(start, end)
        .annotate(team_id=F("sentence__cases__team_id"))
        .filter(team_id__any_of=team_ids)
        .values("team_id")
        .annotate(
            heard=Count("pk", distinct=True),
            with_vps=Count("pk", distinct=True, filter=Q(Exists(submitted))),
        )
    )


def _vps_rows_total(team_ids: list[int], start: date, end: date) -> QuerySet[Any, dict[str, Any]]:
    """The same reviews counted once each (a review can concern victims in two teams): one row,
    grouped on a constant, so that it is a ``values()`` aggregate Prepared can compile."""
    submitted = VictimPersonalStatement.objects.filter(
        review_id=OuterRef("pk"), submitted_on__isnull=False, case__team_id__any_of=team_ids
    )
    return (
        _heard(start, end)
        .filter(sentence_id__in=Case.objects.filter(team_id__any_of=team_ids).values("sentence_id"))
        .annotate(every=Value(1))
        .values("every")
        .annotate(heard=Count("pk"), with_vps=Count("pk", filter=Q(Exists(submitted))))
    )


def _conditions_rows(team_ids: list[int], start: date, end: date) -> QuerySet[Any, dict[str, Any]]:
    decided = [ConditionOutcome.IMPOSED, ConditionOutcome.NOT_IMPOSED]
    return (
        LicenceConditionRequest.objects.filter(
            case__team_id__any_of=team_ids, outcome_on__gte=start, outcome_on__lte=end
        )
        .order_by()
        .values("case__team_id")
        .annotate(
            decided=Count("pk", filter=Q(outcome__in=decided)),
            imposed=Count("pk", filter=Q(outcome=ConditionOutcome.IMPOSED)),
        )
    )


# Compiled once (the ORM's building was most of the page's Python) but planned for each period:
# how many rows a range of days holds decides the plan (core.prepared's ``plan_each_time``).
_case_rows_read: Prepared[Any] = Prepared(_case_rows, plan_each_time=True)
_vps_by_team_read: Prepared[Any] = Prepared(_vps_rows_by_team, plan_each_time=True)
_vps_total_read: Prepared[Any] = Prepared(_vps_rows_total, plan_each_time=True)
_conditions_read: Prepared[Any] = Prepared(_conditions_rows, plan_each_time=True)


def _vps_measure(team_ids: Sequence[int], period: Period, by_team: bool) -> Counts:
    """Reviews heard in the period on sentences the teams hold a case on; those with a submitted VPS."""
    if by_team:
        rows = _vps_by_team_read.all(list(team_ids), period.start, period.end)
        return {r["team_id"]: (r["with_vps"], r["heard"]) for r in rows}
    rows = _vps_total_read.all(list(team_ids), period.start, period.end)
    return {None: (rows[0]["with_vps"], rows[0]["heard"]) if rows else (0, 0)}


def _summed(counts: Counts) -> Counts:
    return {None: (sum(n for n, _ in counts.values()), sum(d for _, d in counts.values()))}


MISSED_LISTS = {
    "first_contact_in_time": "first_contact_late",
    "engaged": "not_engaged",
    "opt_in": "offered_not_opted_in",
    "vps": "no_vps",
    "conditions_imposed": "conditions_not_imposed",
}


def measure_counts(*, team_ids: Sequence[int], period: Period, by_team: bool = False) -> dict[str, Counts]:
    """(numerator, denominator) per measure, in total or per team: five aggregates in three queries.

    A case, and so a licence condition request, belongs to one team: their totals are the sums of
    the teams'. A parole review can concern victims in two teams, so its total is counted on its own.
    """
    ids, start, end = list(team_ids), period.start, period.end
    cases = _case_rows_read.all(ids, start, end)
    conditions = _conditions_read.all(ids, start, end)
    counts: dict[str, Counts] = {
        "first_contact_in_time": {r["team_id"]: (r["in_time"], r["judged"]) for r in cases},
        "engaged": {r["team_id"]: (r["engaged"], r["judged"]) for r in cases},
        "opt_in": {r["team_id"]: (r["opted_in"], r["offered"]) for r in cases},
        "conditions_imposed": {r["case__team_id"]: (r["imposed"], r["decided"]) for r in conditions},
    }
    if not by_team:
        counts = {name: _summed(c) for name, c in counts.items()}
    counts["vps"] = _vps_measure(ids, period, by_team)
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
    totals: dict[str, Counts] = {name: _summed(c) for name, c in per_team.items() if name != "vps"}
    totals["vps"] = _vps_measure(ids, period, by_team=False)
    return _measures(totals, None), [(team, _measures(per_team, team.pk)) for team in scope.teams]
