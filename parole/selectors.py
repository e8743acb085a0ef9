"""Reads about parole, tribunal and multi-agency work, always reached through a case the user may see.

Parole reviews belong to the sentence; every other row here belongs to a case. Pages fetch the
case with ``victims.selectors.case_get_for_user`` (a 404 outside scope) and then the row through
one of the ``*_get_for_case`` helpers below, which 404 for a row of another case or sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from offenders.models import RESTRICTED_HOSPITAL_TYPES, SentenceType
from vcs_portal.core.pages import govuk_date as _d
from vcs_portal.core.prepared import Prepared
from victims.deadlines import (
    Deadline,
    deadline_state,
    reconsideration_window_end,
    vps_due,
)
from victims.selectors import TimelineEntry, case_rows

from .models import (
    NO_PAROLE_TYPES,
    OPEN_CONDITIONS_OUTCOMES,
    RECONSIDERATION_ELIGIBLE_TYPES,
    ConditionOutcome,
    HospitalManagersReferral,
    LicenceConditionRequest,
    MultiAgencyMeeting,
    ParoleOutcome,
    ParoleReview,
    ReconsiderationRequest,
    ReviewKind,
    TribunalHearing,
    VictimPersonalStatement,
)

if TYPE_CHECKING:
    from victims.models import Case

# Victims of restricted patients may make a victim impact statement, about conditions only, for
# tribunal applications made on or after this day (Victims and Prisoners Act 2024 commencement).

ROUTE_TRIBUNAL = "tribunal"
ROUTE_HOSPITAL_MANAGERS = "hospital_managers"
ROUTE_NONE = "none"


def vis_tribunal_from() -> date:
    """The first application date for which a victim impact statement may go to the tribunal.

    Setting ``VCS_VIS_TRIBUNAL_FROM`` (a date or an ISO string); default 25 June 2025.
    """
    value = settings.VCS_VIS_TRIBUNAL_FROM
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def tribunal_route(case: Case) -> str:
    """Who deals with the victim about a patient's discharge: the VLO through the tribunal
    (restricted patients), the hospital managers (an unrestricted s37 order), or nobody here."""
    sentence_type = case.sentence.sentence_type
    if sentence_type in RESTRICTED_HOSPITAL_TYPES:
        return ROUTE_TRIBUNAL
    if sentence_type == SentenceType.HOSPITAL_S37:
        return ROUTE_HOSPITAL_MANAGERS
    return ROUTE_NONE


def victim_contact_patterns(case: Case) -> list[re.Pattern[str]]:
    """Patterns matching the victim's contact details: every address (current and former) by its
    first line and postcode, phone number (however spaced, or written +44), email and date of birth.

    Used to keep them out of anything the offender manager receives.
    """
    victim = case.victim
    patterns: list[re.Pattern[str]] = []
    for address in victim.addresses.all():
        for part in (address.line_1, address.postcode):
            words = part.split()
            if words:
                patterns.append(re.compile(r"\s*".join(re.escape(w) for w in words), re.IGNORECASE))
    digits = re.sub(r"\D", "", victim.phone or "")
    if len(digits) >= 6:
        patterns.append(re.compile(r"\D{0,2}".join(digits)))
        if digits.startswith("0"):  # the same number written +44 7700 ...
            patterns.append(re.compile(r"\+?44\D{0,3}(?:\(0\))?\D{0,2}" + r"\D{0,2}".join(digits[1:])))
    if victim.email:
        patterns.append(re.compile(re.escape(victim.email), re.IGNORECASE))
    if victim.date_of_birth:
        dob = victim.date_of_birth
        for text in {f"{dob:%-d %B %Y}", f"{dob:%d/%m/%Y}", f"{dob:%-d/%-m/%Y}", dob.isoformat()}:
            patterns.append(re.compile(re.escape(text), re.IGNORECASE))
    return patterns


def contains_contact_details(*, case: Case, text: str) -> bool:
    """Whether ``text`` holds the victim's address, postcode, phone number, email or date of birth."""
    return any(p.search(text) for p in victim_contact_patterns(case))


# --- one row, through its case -----------------------------------------------------------------


def review_get_for_case(*, case: Case, pk: int) -> ParoleReview:
    """A parole review of the case's sentence; 404 for any other."""
    try:
        return ParoleReview.objects.select_related("sentence").get(pk=pk, sentence_id=case.sentence_id)
    except ParoleReview.DoesNotExist as exc:
        raise Http404 from exc


def statement_get_for_case(*, case: Case, review: ParoleReview) -> VictimPersonalStatement:
    try:
        return VictimPersonalStatement.objects.get(case=case, review=review)
    except VictimPersonalStatement.DoesNotExist as exc:
        raise Http404 from exc


def condition_get_for_case(*, case: Case, pk: int) -> LicenceConditionRequest:
    try:
        return LicenceConditionRequest.objects.select_related("case").get(pk=pk, case=case)
    except LicenceConditionRequest.DoesNotExist as exc:
        raise Http404 from exc


def tribunal_hearing_get_for_case(*, case: Case, pk: int) -> TribunalHearing:
    try:
        return TribunalHearing.objects.select_related("case").get(pk=pk, case=case)
    except TribunalHearing.DoesNotExist as exc:
        raise Http404 from exc


# --- rules shown on pages ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReconsiderationStatus:
    """Whether the victim may ask for reconsideration, and if not, why not."""

    available: bool
    reason: str = ""
    window: Deadline | None = None


def reconsideration_status(
    *, review: ParoleReview, on: date, today: date | None = None
) -> ReconsiderationStatus:
    """May a request made on ``on`` go forward? (Parole Board Rules 2019, r.28.)

    The window is shown whenever there is a decision of a kind the rule covers, even once shut.
    """
    if not review.is_decided:
        return ReconsiderationStatus(False, "There is no decision to reconsider yet.")
    sentence_type = review.sentence.sentence_type
    if sentence_type not in RECONSIDERATION_ELIGIBLE_TYPES:
        label = SentenceType(sentence_type).label if sentence_type in SentenceType.values else sentence_type
        return ReconsiderationStatus(
            False,
            f"Decisions on this sentence ({label.lower()}) cannot be reconsidered. Reconsideration is "
            "only for indeterminate, extended (EDS) and SOPC sentences (Parole Board Rules 2019, rule 28).",
        )
    if review.outcome in OPEN_CONDITIONS_OUTCOMES:
        return ReconsiderationStatus(False, "A recommendation for open conditions cannot be reconsidered.")
    if review.outcome == ParoleOutcome.ADJOURNED:
        return ReconsiderationStatus(False, "An adjournment is not a decision that can be reconsidered.")
    decided_on = cast(date, review.decision_on)  # is_decided: a decision has its date
    window = reconsideration_window_end(decided_on)
    if on < decided_on:
        return ReconsiderationStatus(False, "The request must be on or after the decision date.", window)
    if on > window.due:
        return ReconsiderationStatus(
            False, f"The window for reconsideration closed on {_d(window.due)}: {window.rule}.", window
        )
    return ReconsiderationStatus(True, "", window)


@dataclass(frozen=True)
class ImposedShare:
    """Of the requested licence conditions that have an outcome, how many were imposed."""

    imposed: int
    decided: int

    @property
    def share(self) -> float | None:
        return self.imposed / self.decided if self.decided else None

    @property
    def percent(self) -> int | None:
        return round(100 * self.imposed / self.decided) if self.decided else None


def conditions_imposed_share(*, cases_qs: QuerySet[Case]) -> ImposedShare:
    """The share of the victims' requested conditions imposed (imposed / decided), in one query.

    Undecided requests are left out: they are neither a success nor a failure yet.
    """
    counts = LicenceConditionRequest.objects.filter(case__in=cases_qs).aggregate(
        imposed=Count("pk", filter=Q(outcome=ConditionOutcome.IMPOSED)),
        decided=Count("pk", filter=Q(outcome__in=[ConditionOutcome.IMPOSED, ConditionOutcome.NOT_IMPOSED])),
    )
    return ImposedShare(imposed=counts["imposed"], decided=counts["decided"])


@dataclass(frozen=True)
class StatementView:
    statement: VictimPersonalStatement | None
    due: Deadline | None
    state: str
    status: str


def statement_view(
    *, review: ParoleReview, statement: VictimPersonalStatement | None, today: date
) -> StatementView:
    """Where the victim's statement stands for a review, in words, with its deadline."""
    due = vps_due(review.hearing_on) if review.hearing_on else None
    submitted_on = statement.submitted_on if statement else None
    state = deadline_state(due.due if due else None, submitted_on, today)
    if statement is None:
        status = "Not invited"
    elif statement.submitted_on:
        status = f"Submitted to the Parole Board on {_d(statement.submitted_on)}"
    elif statement.received_on:
        status = f"Received on {_d(statement.received_on)}, not yet submitted"
    elif statement.disclosure_explained_on:
        status = f"Invited on {_d(statement.invited_on)}; disclosure explained"
    else:
        status = f"Invited on {_d(statement.invited_on)}; disclosure not yet explained"
    if statement is None and review.is_decided:
        state = "none"
    return StatementView(statement=statement, due=due, state=state, status=status)


# --- the case panel ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    review: ParoleReview
    statement: StatementView
    reconsideration: ReconsiderationStatus
    request: ReconsiderationRequest | None
    window_open: bool


@dataclass
class ParoleOverview:
    """Everything the "Parole and tribunal" card shows, fetched in a fixed number of queries."""

    case: Case
    current: ReviewRow | None
    earlier: list[ReviewRow]
    conditions: list[LicenceConditionRequest]
    share: ImposedShare
    meetings: list[MultiAgencyMeeting]
    route: str
    tribunal_hearings: list[TribunalHearing] = field(default_factory=list)
    hospital_referrals: list[HospitalManagersReferral] = field(default_factory=list)
    parole_applies: bool = True


@dataclass(frozen=True)
class CaseParoleRows:
    """Every parole, statement, condition, meeting and tribunal row of a case, one query per kind."""

    reviews: list[ParoleReview]  # newest referral first
    statements: list[VictimPersonalStatement]
    reconsiderations: list[ReconsiderationRequest]
    conditions: list[LicenceConditionRequest]  # newest request first
    meetings: list[MultiAgencyMeeting]  # newest first
    tribunal_hearings: list[TribunalHearing]  # newest application first
    hospital_referrals: list[HospitalManagersReferral]  # newest first


# Each kind of row, by the case (or its sentence), its SQL compiled once (core/prepared.py).
_reviews = Prepared(
    lambda sentence_id: (
        ParoleReview.objects.filter(sentence_id=sentence_id)
        .select_related("sentence", "recorded_by")
        .order_by("-referred_on", "-pk")
    )
)
_statements = Prepared(
    lambda case_id: VictimPersonalStatement.objects.filter(case_id=case_id).select_related("recorded_by")
)
_reconsiderations = Prepared(
    lambda case_id: ReconsiderationRequest.objects.filter(case_id=case_id).select_related("recorded_by")
)
_conditions = Prepared(
    lambda case_id: (
        LicenceConditionRequest.objects.filter(case_id=case_id)
        .select_related("recorded_by")
        .order_by("-requested_on", "-pk")
    )
)
_meetings = Prepared(
    lambda case_id: (
        MultiAgencyMeeting.objects.filter(case_id=case_id)
        .select_related("recorded_by")
        .order_by("-held_on", "-pk")
    )
)
_tribunal_hearings = Prepared(
    lambda case_id: (
        TribunalHearing.objects.filter(case_id=case_id)
        .select_related("recorded_by")
        .order_by("-applied_on", "-pk")
    )
)
_hospital_referrals = Prepared(
    lambda case_id: (
        HospitalManagersReferral.objects.filter(case_id=case_id)
        .select_related("recorded_by")
        .order_by("-referred_on", "-pk")
    )
)


def case_parole_rows(*, case: Case) -> CaseParoleRows:
    """The case's parole rows, read once per case object: the timeline and the card share them."""

    def load() -> CaseParoleRows:
        return CaseParoleRows(
            reviews=_reviews.all(case.sentence_id),
            statements=_statements.all(case.pk),
            reconsiderations=_reconsiderations.all(case.pk),
            conditions=_conditions.all(case.pk),
            meetings=_meetings.all(case.pk),
            tribunal_hearings=_tribunal_hearings.all(case.pk),
            hospital_referrals=_hospital_referrals.all(case.pk),
        )

    return case_rows(case, "parole", load)


def imposed_share_of(conditions: list[LicenceConditionRequest]) -> ImposedShare:
    """``conditions_imposed_share`` for rows already read."""
    return ImposedShare(
        imposed=sum(1 for c in conditions if c.outcome == ConditionOutcome.IMPOSED),
        decided=sum(
            1 for c in conditions if c.outcome in (ConditionOutcome.IMPOSED, ConditionOutcome.NOT_IMPOSED)
        ),
    )


def case_parole_overview(*, case: Case, today: date) -> ParoleOverview:
    """The case's parole reviews (current first), VPS, conditions, meetings and tribunal work."""
    rows_of_case = case_parole_rows(case=case)
    statements = {s.review_id: s for s in rows_of_case.statements}
    requests = {r.review_id: r for r in rows_of_case.reconsiderations}
    rows = []
    for review in rows_of_case.reviews:
        status = reconsideration_status(review=review, on=today)
        rows.append(
            ReviewRow(
                review=review,
                statement=statement_view(review=review, statement=statements.get(review.pk), today=today),
                reconsideration=status,
                request=requests.get(review.pk),
                window_open=status.available,
            )
        )
    # The current review is the newest still awaiting a decision, else the newest decided one.
    current = next((r for r in rows if not r.review.is_decided), rows[0] if rows else None)
    route = tribunal_route(case)
    overview = ParoleOverview(
        case=case,
        current=current,
        earlier=[r for r in rows if r is not current],
        conditions=rows_of_case.conditions,
        share=imposed_share_of(rows_of_case.conditions),
        meetings=rows_of_case.meetings,
        route=route,
        parole_applies=case.sentence.sentence_type not in NO_PAROLE_TYPES,
    )
    if route == ROUTE_TRIBUNAL:
        overview.tribunal_hearings = rows_of_case.tribunal_hearings
    elif route == ROUTE_HOSPITAL_MANAGERS:
        overview.hospital_referrals = rows_of_case.hospital_referrals
    return overview


# --- the case timeline ------------------------------------------------------------------------


def _entry(on: date, title: str, detail: str, by: object, kind: str, recorded_at: object) -> TimelineEntry:
    return TimelineEntry(on=on, title=title, detail=detail, by=str(by), kind=kind, sort_key=(on, recorded_at))


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def case_timeline_entries(*, case: Case, newest: int | None = None) -> list[TimelineEntry]:
    """Parole, VPS, licence-condition, meeting and tribunal milestones for the case timeline.

    All of them whatever ``newest`` asks: a case has a handful, and the case card reads them anyway.

    Called by ``victims.selectors.case_timeline``; the rows are ``case_parole_rows``, shared with the card.
    """
    entries: list[TimelineEntry] = []
    eligible = case.sentence.sentence_type in RECONSIDERATION_ELIGIBLE_TYPES
    rows = case_parole_rows(case=case)
    for review in rows.reviews:
        by, at = review.recorded_by, review.recorded_at
        entries.append(
            _entry(
                review.referred_on,
                f"Parole review referred ({review.get_kind_display().lower()})",
                "",
                by,
                "parole",
                at,
            )
        )
        if review.hearing_on:
            title = "Parole hearing" if review.kind == ReviewKind.ORAL else "Parole paper review"
            detail = f"VPS due by {_d(vps_due(review.hearing_on).due)}"
            entries.append(_entry(review.hearing_on, title, detail, by, "parole", at))
        if review.decision_on:
            detail = ""
            if eligible and review.outcome not in OPEN_CONDITIONS_OUTCOMES | {ParoleOutcome.ADJOURNED}:
                detail = (
                    f"Reconsideration window ends {_d(reconsideration_window_end(review.decision_on).due)}"
                )
            entries.append(
                _entry(
                    review.decision_on,
                    f"Parole decision: {review.get_outcome_display()}",
                    detail,
                    by,
                    "parole",
                    at,
                )
            )
        if review.summary_requested_on:
            entries.append(
                _entry(review.summary_requested_on, "Decision summary requested", "", by, "parole", at)
            )
        if review.summary_received_on:
            entries.append(
                _entry(review.summary_received_on, "Decision summary received", "", by, "parole", at)
            )
    for s in rows.statements:
        by, at = s.recorded_by, s.recorded_at
        entries.append(_entry(s.invited_on, "VPS invited", "", by, "vps", at))
        if s.disclosure_explained_on:
            entries.append(
                _entry(
                    s.disclosure_explained_on,
                    "VPS: disclosure explained",
                    "The victim was told the statement may be disclosed to the offender.",
                    by,
                    "vps",
                    at,
                )
            )
        if s.received_on:
            entries.append(_entry(s.received_on, "VPS received", "", by, "vps", at))
        if s.submitted_on:
            detail = "The victim wants to read it at the hearing." if s.wants_to_read_at_hearing else ""
            entries.append(_entry(s.submitted_on, "VPS submitted to the Parole Board", detail, by, "vps", at))
        if s.non_disclosure_applied_on:
            entries.append(
                _entry(s.non_disclosure_applied_on, "VPS: non-disclosure application made", "", by, "vps", at)
            )
    for r in rows.reconsiderations:
        entries.append(
            _entry(
                r.requested_on,
                "Reconsideration requested",
                _short(r.notes),
                r.recorded_by,
                "parole",
                r.recorded_at,
            )
        )
    for c in rows.conditions:
        by, at, label = c.recorded_by, c.recorded_at, c.get_kind_display()
        entries.append(
            _entry(
                c.requested_on,
                f"Licence condition requested: {label}",
                _short(c.description),
                by,
                "condition",
                at,
            )
        )
        if c.sent_to_offender_manager_on:
            entries.append(
                _entry(
                    c.sent_to_offender_manager_on,
                    f"Licence condition sent to the offender manager: {label}",
                    "",
                    by,
                    "condition",
                    at,
                )
            )
        if c.outcome_on and c.outcome != ConditionOutcome.REQUESTED:
            entries.append(
                _entry(
                    c.outcome_on,
                    f"Licence condition {c.get_outcome_display().lower()}: {label}",
                    _short(c.outcome_reason),
                    by,
                    "condition",
                    at,
                )
            )
    for m in rows.meetings:
        title = m.get_kind_display() + (f", {m.get_level_display().lower()}" if m.level else "")
        entries.append(_entry(m.held_on, title, _short(m.outcome), m.recorded_by, "meeting", m.recorded_at))
    for t in rows.tribunal_hearings:
        by, at = t.recorded_by, t.recorded_at
        entries.append(
            _entry(t.applied_on, "Tribunal application", t.get_tribunal_display(), by, "tribunal", at)
        )
        if t.representations_submitted_on:
            entries.append(
                _entry(
                    t.representations_submitted_on,
                    "Tribunal representations submitted",
                    "",
                    by,
                    "tribunal",
                    at,
                )
            )
        if t.hearing_on:
            entries.append(_entry(t.hearing_on, "Tribunal hearing", "", by, "tribunal", at))
        if t.decision_on:
            entries.append(
                _entry(
                    t.decision_on, f"Tribunal decision: {t.get_decision_display()}", "", by, "tribunal", at
                )
            )
    for h in rows.hospital_referrals:
        entries.append(
            _entry(
                h.referred_on,
                "Referred to the hospital managers",
                "",
                h.recorded_by,
                "tribunal",
                h.recorded_at,
            )
        )
    return entries
