"""Writes about parole, tribunal and multi-agency work. Each is one transaction, validated and audited.

Rules that concern a field raise ``ValidationError`` keyed by the form field they belong to, so a
view shows the message beside it. Work the officer must do next (a VPS deadline, explaining a
refused licence condition) becomes a generated task through ``contacts.services.task_ensure``,
which is idempotent: recording the same thing twice never makes a second task.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from contacts import rules
from contacts.models import Task, TaskKind, TaskStatus
from contacts.services import task_ensure, task_reschedule, tasks_close
from offenders.models import EventKind, SentenceEvent, SentenceType
from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction
from vcs_portal.core.pages import govuk_date as _d
from victims.deadlines import add_working_days, is_working_day, tribunal_earliest_application, vps_due
from victims.models import Case, CaseStatus

from .models import (
    NO_PAROLE_TYPES,
    ConditionKind,
    ConditionOutcome,
    HospitalManagersReferral,
    LicenceConditionRequest,
    MeetingKind,
    MultiAgencyMeeting,
    ParoleReview,
    ReconsiderationRequest,
    ReviewKind,
    Tribunal,
    TribunalHearing,
    VictimPersonalStatement,
)
from .selectors import contains_contact_details, reconsideration_status, tribunal_route, vis_tribunal_from

if TYPE_CHECKING:
    from offenders.models import Sentence
    from vcs_portal.core.models import User

# Working days the officer has to explain a refused licence condition to the victim.
CONDITION_REFUSED_WORKING_DAYS = 5
# Cases whose VPS deadline no longer calls for work: the victim left the scheme.
INACTIVE_STATUSES = {CaseStatus.CLOSED, CaseStatus.OPTED_OUT}

CONDITION_PHRASES = {
    ConditionKind.NO_CONTACT: "the no-contact condition",
    ConditionKind.EXCLUSION_ZONE: "the exclusion zone",
    ConditionKind.NON_ASSOCIATION: "the non-association condition",
    ConditionKind.OTHER: "the requested condition",
}


def _not_future(**dates: date | None) -> None:
    """Refuse dates after today: these record things that have happened."""
    today = timezone.localdate()
    errors = {
        name: "The date must be today or in the past" for name, day in dates.items() if day and day > today
    }
    if errors:
        raise ValidationError(errors)


def _same_sentence(*, case: Case, review: ParoleReview) -> None:
    if review.sentence_id != case.sentence_id:
        raise ValidationError("This parole review is for a different sentence from the case's.")


def working_days_before(day: date, n: int) -> date:
    """The working day ``n`` working days before ``day`` (the mirror of ``add_working_days``)."""
    remaining = n
    while remaining:
        day -= timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


# --- parole reviews -------------------------------------------------------------------------


def _review_dates_check(*, sentence: Sentence, referred_on: date, kind: str, hearing_on: date | None) -> None:
    if sentence.sentence_type in NO_PAROLE_TYPES:
        raise ValidationError(
            f"A {sentence.get_sentence_type_display().lower()} does not come before the Parole Board."
        )
    _not_future(referred_on=referred_on)
    if referred_on < sentence.sentence_date:
        raise ValidationError(
            {
                "referred_on": "The referral must be on or after the sentence date "
                f"({_d(sentence.sentence_date)})"
            }
        )
    if hearing_on and hearing_on < referred_on:
        label = "hearing" if kind == ReviewKind.ORAL else "paper review"
        raise ValidationError({"hearing_on": f"The {label} must be on or after the referral date"})


@transaction.atomic
def parole_review_create(
    *, actor: User, sentence: Sentence, referred_on: date, kind: str, hearing_on: date | None = None
) -> ParoleReview:
    """Open a parole review of the sentence; it is shared by every victim's case on the sentence."""
    _review_dates_check(sentence=sentence, referred_on=referred_on, kind=kind, hearing_on=hearing_on)
    review = ParoleReview(
        sentence=sentence, referred_on=referred_on, kind=kind, hearing_on=hearing_on, recorded_by=actor
    )
    review.full_clean()
    review.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=review, summary=f"parole review: {kind}")
    reoffer_for_review(review=review, actor=actor)
    return review


def reoffer_review_task(*, review: ParoleReview, case: Case) -> Task:
    """The prompt (unsaved) to consider re-offering the scheme to the victim of ``case`` (outside
    it) now that ``review`` is open; due ``REOFFER_WORKING_DAYS`` after the referral."""
    return Task(
        case=case,
        kind=TaskKind.REOFFER,
        dedupe_key=f"reoffer:review:{review.pk}",
        title=f"Consider re-offering the scheme: parole review opened on {_d(review.referred_on)}",
        detail=(
            f"The victim is {CaseStatus(case.status).label.lower()}. The offender's case has been "
            "referred to the Parole Board: consider offering the scheme again, so the victim can "
            "make a statement and ask for licence conditions."
        ),
        due_on=add_working_days(review.referred_on, rules.REOFFER_WORKING_DAYS),
    )


def reoffer_for_review(
    *, review: ParoleReview, actor: User | None, cases: Iterable[Case] | None = None
) -> int:
    """Prompt the VLO to consider re-offering the scheme to each victim on the sentence who is
    outside it (opted out, declined, never reached): one task per review, and no letter.

    Due ``REOFFER_WORKING_DAYS`` after the referral, whenever the review is recorded. Returns how
    many tasks were made; safe to call twice.
    """
    if review.outcome:
        return 0
    if cases is None:
        cases = Case.objects.filter(sentence_id=review.sentence_id).select_related("officer")
    created = 0
    for case in cases:
        if case.status not in rules.REOFFER_STATUSES:
            continue
        task = reoffer_review_task(review=review, case=case)
        _, made = task_ensure(
            case=case,
            kind=task.kind,
            dedupe_key=task.dedupe_key,
            title=task.title,
            detail=task.detail,
            due_on=task.due_on,
            actor=actor,
        )
        created += made
    return created


@transaction.atomic
def parole_review_update(
    *, actor: User, review: ParoleReview, referred_on: date, kind: str, hearing_on: date | None
) -> ParoleReview:
    """Change the review's referral, kind or hearing date; a newly set hearing starts the VPS clock."""
    _review_dates_check(sentence=review.sentence, referred_on=referred_on, kind=kind, hearing_on=hearing_on)
    review.referred_on, review.kind, review.hearing_on = referred_on, kind, hearing_on
    review.full_clean()
    review.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=review, summary="parole review: dates")
    pending = review.statements.filter(submitted_on__isnull=True).select_related("case__officer")
    for statement in pending:
        if hearing_on:
            _vps_due_task_ensure(statement=statement, review=review, actor=actor)
        else:
            tasks_close(
                tasks=_vps_tasks(statement),
                status=TaskStatus.CANCELLED,
                outcome="The hearing was taken out (no hearing date on record)",
                actor=actor,
            )
    return review


@transaction.atomic
def parole_decision_record(
    *,
    actor: User,
    review: ParoleReview,
    outcome: str,
    decision_on: date,
    summary_requested_on: date | None = None,
    summary_received_on: date | None = None,
) -> ParoleReview:
    """Record the Board's decision and the victim's decision summary, if asked for."""
    _not_future(
        decision_on=decision_on,
        summary_requested_on=summary_requested_on,
        summary_received_on=summary_received_on,
    )
    if decision_on < review.referred_on:
        raise ValidationError(
            {"decision_on": f"The decision must be on or after the referral ({_d(review.referred_on)})"}
        )
    if summary_requested_on and summary_requested_on < decision_on:
        raise ValidationError(
            {"summary_requested_on": "The summary can only be requested after the decision"}
        )
    if summary_received_on and not summary_requested_on:
        raise ValidationError(
            {"summary_requested_on": "Enter when the summary was requested before recording it as received"}
        )
    if summary_received_on and summary_requested_on and summary_received_on < summary_requested_on:
        raise ValidationError(
            {"summary_received_on": "The summary must be received on or after the day it was requested"}
        )
    review.outcome, review.decision_on = outcome, decision_on
    review.summary_requested_on, review.summary_received_on = summary_requested_on, summary_received_on
    review.full_clean()
    review.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=review, summary=f"parole decision: {outcome}")
    decided = f"The parole review was decided on {_d(decision_on)}"
    for statement in review.statements.filter(submitted_on__isnull=True):
        tasks_close(tasks=_vps_tasks(statement), status=TaskStatus.CANCELLED, outcome=decided, actor=actor)
    tasks_close(
        tasks=Task.objects.filter(kind=TaskKind.REOFFER, dedupe_key=f"reoffer:review:{review.pk}"),
        status=TaskStatus.CANCELLED,
        outcome=decided,
        actor=actor,
    )
    return review


@transaction.atomic
def reconsideration_request_record(
    *, actor: User, case: Case, review: ParoleReview, requested_on: date, notes: str = ""
) -> ReconsiderationRequest:
    """Record the victim's request that the Secretary of State seek reconsideration (r.28).

    Refused outside the 21-day window, for a recommendation on open conditions, and for a
    sentence type the rule does not cover.
    """
    _same_sentence(case=case, review=review)
    _not_future(requested_on=requested_on)
    status = reconsideration_status(review=review, today=timezone.localdate(), on=requested_on)
    if not status.available:
        raise ValidationError({"requested_on": status.reason})
    if ReconsiderationRequest.objects.filter(case=case, review=review).exists():
        raise ValidationError("The victim's request for this decision is already recorded.")
    request = ReconsiderationRequest(
        case=case, review=review, requested_on=requested_on, notes=notes.strip(), recorded_by=actor
    )
    request.full_clean()
    request.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=request, summary="reconsideration request")
    return request


# --- victim personal statements -------------------------------------------------------------


def vps_task_keys(review_pk: int) -> tuple[str, str]:
    """The keys of a review's two VPS tasks: the reminder and the overdue warning."""
    return f"vps:{review_pk}", f"vps-overdue:{review_pk}"


def vps_reminder_due(hearing_on: date) -> date:
    """The officer's VPS reminder: ``VCS_VPS_REMINDER_WORKING_DAYS`` working days before the Board's
    deadline, so there is time to send it. Counted from the deadline, whenever it is recorded."""
    return working_days_before(vps_due(hearing_on).due, settings.VCS_VPS_REMINDER_WORKING_DAYS)


def _vps_tasks(statement: VictimPersonalStatement) -> QuerySet[Task]:
    return Task.objects.filter(
        case_id=statement.case_id,
        kind__in=[TaskKind.VPS_DUE, TaskKind.VPS_OVERDUE],
        dedupe_key__in=vps_task_keys(statement.review_id),
    )


def _vps_due_task_ensure(
    *, statement: VictimPersonalStatement, review: ParoleReview, actor: User | None
) -> None:
    """The officer's VPS reminder (``vps_reminder_due``); moved with the hearing if it changes."""
    if review.hearing_on is None:
        return
    deadline = vps_due(review.hearing_on)
    title = f"VPS due to the Parole Board by {_d(deadline.due)}"
    task, created = task_ensure(
        case=statement.case,
        kind=TaskKind.VPS_DUE,
        dedupe_key=vps_task_keys(review.pk)[0],
        title=title,
        due_on=vps_reminder_due(review.hearing_on),
        detail=deadline.rule,
        actor=actor,
    )
    if not created:
        task_reschedule(task=task, due_on=vps_reminder_due(review.hearing_on), title=title, actor=actor)


def _vps_tasks_close(*, statement: VictimPersonalStatement, actor: User) -> None:
    """Mark the VPS tasks for this review done once the statement has gone to the Board."""
    tasks_close(
        tasks=_vps_tasks(statement),
        status=TaskStatus.DONE,
        outcome=f"VPS submitted to the Parole Board on {_d(statement.submitted_on)}",
        actor=actor,
    )


@transaction.atomic
def vps_invite(
    *,
    actor: User,
    case: Case,
    review: ParoleReview,
    invited_on: date,
    disclosure_explained_on: date | None = None,
) -> VictimPersonalStatement:
    """Record that the victim was invited to write a VPS for this review, and set the task."""
    _same_sentence(case=case, review=review)
    _not_future(invited_on=invited_on, disclosure_explained_on=disclosure_explained_on)
    if review.is_decided:
        raise ValidationError("This review has been decided: a statement can no longer be invited for it.")
    if invited_on < review.referred_on:
        raise ValidationError(
            {"invited_on": f"The invitation must be on or after the referral ({_d(review.referred_on)})"}
        )
    if VictimPersonalStatement.objects.filter(case=case, review=review).exists():
        raise ValidationError("The victim has already been invited to write a statement for this review.")
    statement = VictimPersonalStatement(
        case=case,
        review=review,
        invited_on=invited_on,
        disclosure_explained_on=disclosure_explained_on,
        recorded_by=actor,
    )
    statement.full_clean()
    statement.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=statement, summary="VPS invited")
    _vps_due_task_ensure(statement=statement, review=review, actor=actor)
    return statement


@transaction.atomic
def vps_progress_record(
    *,
    actor: User,
    statement: VictimPersonalStatement,
    disclosure_explained_on: date | None,
    received_on: date | None,
    submitted_on: date | None,
    wants_to_read_at_hearing: bool,
    non_disclosure_applied: bool,
    non_disclosure_applied_on: date | None,
) -> VictimPersonalStatement:
    """Record the statement's progress. "Received" needs the disclosure explanation first.

    The victim must know before writing that the Board may disclose the statement to the
    offender (DOMAIN.md section 5), so a statement without that date cannot be received.
    """
    _not_future(
        disclosure_explained_on=disclosure_explained_on,
        received_on=received_on,
        submitted_on=submitted_on,
        non_disclosure_applied_on=non_disclosure_applied_on,
    )
    if received_on and not disclosure_explained_on:
        raise ValidationError(
            {
                "received_on": "Record when you told the victim their statement may be disclosed to the "
                "offender before recording it as received"
            }
        )
    if received_on and disclosure_explained_on and disclosure_explained_on > received_on:
        raise ValidationError(
            {
                "disclosure_explained_on": "The victim must be told about disclosure before the "
                "statement is received"
            }
        )
    if received_on and received_on < statement.invited_on:
        raise ValidationError(
            {
                "received_on": "The statement must be received on or after the invitation "
                f"({_d(statement.invited_on)})"
            }
        )
    if submitted_on and not received_on:
        raise ValidationError(
            {"submitted_on": "Record when the statement was received before it was submitted"}
        )
    if submitted_on and received_on and submitted_on < received_on:
        raise ValidationError(
            {"submitted_on": "The statement must be submitted on or after the day it was received"}
        )
    if non_disclosure_applied and not non_disclosure_applied_on:
        raise ValidationError(
            {"non_disclosure_applied_on": "Enter the date of the non-disclosure application"}
        )
    was_submitted = statement.submitted_on is not None
    statement.disclosure_explained_on = disclosure_explained_on
    statement.received_on = received_on
    statement.submitted_on = submitted_on
    statement.wants_to_read_at_hearing = wants_to_read_at_hearing
    statement.non_disclosure_applied = non_disclosure_applied
    statement.non_disclosure_applied_on = non_disclosure_applied_on if non_disclosure_applied else None
    statement.full_clean()
    statement.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=statement, summary="VPS progress")
    if submitted_on and not was_submitted:
        _vps_tasks_close(statement=statement, actor=actor)
    return statement


# --- licence conditions ---------------------------------------------------------------------


@transaction.atomic
def licence_condition_request(
    *, actor: User, case: Case, kind: str, description: str, requested_on: date
) -> LicenceConditionRequest:
    """Record a licence condition the victim asked for.

    The description goes to the offender manager: an exclusion zone is described by its streets
    or area, never by the victim's address, and no description may hold the victim's details.
    """
    _not_future(requested_on=requested_on)
    description = description.strip()
    if kind in {ConditionKind.EXCLUSION_ZONE, ConditionKind.OTHER} and not description:
        message = (
            "Describe the exclusion zone: the streets or area, not the victim's address"
            if kind == ConditionKind.EXCLUSION_ZONE
            else "Describe the condition the victim asked for"
        )
        raise ValidationError({"description": message})
    if description and contains_contact_details(case=case, text=description):
        raise ValidationError(
            {
                "description": "Remove the victim's address, postcode, phone number or email: "
                "the description goes to the offender manager"
            }
        )
    condition = LicenceConditionRequest(
        case=case, kind=kind, description=description, requested_on=requested_on, recorded_by=actor
    )
    condition.full_clean()
    condition.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=condition, summary=f"licence condition: {kind}")
    return condition


@transaction.atomic
def licence_condition_send(
    *, actor: User, condition: LicenceConditionRequest, sent_on: date
) -> LicenceConditionRequest:
    """Record when the request went to the offender manager."""
    _not_future(sent_on=sent_on)
    if sent_on < condition.requested_on:
        raise ValidationError(
            {"sent_on": f"The date must be on or after the request ({_d(condition.requested_on)})"}
        )
    condition.sent_to_offender_manager_on = sent_on
    condition.full_clean()
    condition.save()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=condition, summary="licence condition: sent to OM"
    )
    return condition


@transaction.atomic
def licence_condition_outcome_record(
    *, actor: User, condition: LicenceConditionRequest, outcome: str, outcome_on: date, reason: str = ""
) -> LicenceConditionRequest:
    """Record whether the condition was imposed. One not imposed needs the reason, and the officer
    gets a task to explain it to the victim (once, however often the outcome is recorded)."""
    if outcome not in {ConditionOutcome.IMPOSED, ConditionOutcome.NOT_IMPOSED}:
        raise ValidationError({"outcome": "Choose whether the condition was imposed"})
    _not_future(outcome_on=outcome_on)
    if outcome_on < condition.requested_on:
        raise ValidationError(
            {"outcome_on": f"The date must be on or after the request ({_d(condition.requested_on)})"}
        )
    reason = reason.strip()
    if outcome == ConditionOutcome.NOT_IMPOSED and not reason:
        raise ValidationError(
            {"outcome_reason": "Enter why the condition was not imposed: the victim is told"}
        )
    condition.outcome, condition.outcome_on, condition.outcome_reason = outcome, outcome_on, reason
    condition.full_clean()
    condition.save()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=condition, summary=f"licence condition: {outcome}"
    )
    dedupe_key = f"condition:{condition.pk}"
    if outcome == ConditionOutcome.NOT_IMPOSED:
        phrase = CONDITION_PHRASES[ConditionKind(condition.kind)]
        task_ensure(
            case=condition.case,
            kind=TaskKind.CONDITION_REFUSED,
            dedupe_key=dedupe_key,
            title=f"Explain to the victim why {phrase} was not imposed",
            due_on=add_working_days(outcome_on, CONDITION_REFUSED_WORKING_DAYS),
            detail=f"Reason given: {reason}",
            actor=actor,
        )
    else:
        # A correction to "imposed": the explanation is no longer owed.
        tasks_close(
            tasks=Task.objects.filter(
                case_id=condition.case_id, kind=TaskKind.CONDITION_REFUSED, dedupe_key=dedupe_key
            ),
            status=TaskStatus.CANCELLED,
            outcome="The condition was imposed after all",
            actor=actor,
        )
    return condition


# --- Mental Health Tribunal -----------------------------------------------------------------


def default_tribunal(case: Case) -> str:
    """Wales has its own tribunal; the case's team decides which one hears it."""
    return Tribunal.WALES if case.team.region.in_wales else Tribunal.ENGLAND


def _tribunal_check(
    *,
    case: Case,
    applied_on: date,
    hearing_on: date | None,
    representations_submitted_on: date | None,
    victim_impact_statement: str,
    decision: str,
    decision_on: date | None,
) -> None:
    sentence = case.sentence
    if tribunal_route(case) != "tribunal":
        raise ValidationError(
            "Only restricted patients' cases come to the Mental Health Tribunal through the VLO. "
            "For an unrestricted patient the hospital managers deal with the victim."
        )
    _not_future(
        applied_on=applied_on,
        representations_submitted_on=representations_submitted_on,
        decision_on=decision_on,
    )
    if applied_on < sentence.sentence_date:
        raise ValidationError(
            {"applied_on": f"The application must be on or after the order ({_d(sentence.sentence_date)})"}
        )
    if sentence.sentence_type == SentenceType.HOSPITAL_S37_41:
        earliest = tribunal_earliest_application(sentence.sentence_date)
        if applied_on < earliest.due:
            raise ValidationError(
                {
                    "applied_on": f"The earliest an application can be made is {_d(earliest.due)} "
                    f"({earliest.rule})"
                }
            )
    if hearing_on and hearing_on < applied_on:
        raise ValidationError({"hearing_on": "The hearing must be on or after the application"})
    vis_from = vis_tribunal_from()
    if victim_impact_statement.strip() and applied_on < vis_from:
        raise ValidationError(
            {
                "victim_impact_statement": "A victim impact statement can only be made for an application "
                f"made on or after {_d(vis_from)}. This application was made on {_d(applied_on)}."
            }
        )
    if decision and not decision_on:
        raise ValidationError({"decision_on": "Enter the date of the decision"})
    if decision_on and not decision:
        raise ValidationError({"decision": "Choose the tribunal's decision"})
    if decision_on and decision_on < applied_on:
        raise ValidationError({"decision_on": "The decision must be on or after the application"})


TRIBUNAL_FIELDS = (
    "applied_on",
    "hearing_on",
    "tribunal",
    "representations_submitted_on",
    "representations_summary",
    "requested_conditions",
    "victim_impact_statement",
    "decision",
    "decision_on",
)


@transaction.atomic
def tribunal_hearing_create(
    *,
    actor: User,
    case: Case,
    applied_on: date,
    hearing_on: date | None = None,
    tribunal: str = "",
    representations_submitted_on: date | None = None,
    representations_summary: str = "",
    requested_conditions: str = "",
    victim_impact_statement: str = "",
    decision: str = "",
    decision_on: date | None = None,
) -> TribunalHearing:
    """Record a restricted patient's tribunal application and the VLO's part in it.

    The tribunal defaults from the case's region (Wales has its own). A victim impact statement,
    about conditions only, is allowed for applications from ``VCS_VIS_TRIBUNAL_FROM``.
    """
    _tribunal_check(
        case=case,
        applied_on=applied_on,
        hearing_on=hearing_on,
        representations_submitted_on=representations_submitted_on,
        victim_impact_statement=victim_impact_statement,
        decision=decision,
        decision_on=decision_on,
    )
    hearing = TribunalHearing(
        case=case,
        applied_on=applied_on,
        hearing_on=hearing_on,
        tribunal=tribunal or default_tribunal(case),
        representations_submitted_on=representations_submitted_on,
        representations_summary=representations_summary.strip(),
        requested_conditions=requested_conditions.strip(),
        victim_impact_statement=victim_impact_statement.strip(),
        decision=decision,
        decision_on=decision_on,
        recorded_by=actor,
    )
    hearing.full_clean()
    hearing.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=hearing, summary="tribunal application")
    return hearing


@transaction.atomic
def tribunal_hearing_update(
    *,
    actor: User,
    hearing: TribunalHearing,
    applied_on: date,
    hearing_on: date | None,
    tribunal: str,
    representations_submitted_on: date | None,
    representations_summary: str,
    requested_conditions: str,
    victim_impact_statement: str,
    decision: str,
    decision_on: date | None,
) -> TribunalHearing:
    """Change a tribunal record: representations, the statement, the hearing and its decision."""
    _tribunal_check(
        case=hearing.case,
        applied_on=applied_on,
        hearing_on=hearing_on,
        representations_submitted_on=representations_submitted_on,
        victim_impact_statement=victim_impact_statement,
        decision=decision,
        decision_on=decision_on,
    )
    hearing.applied_on, hearing.hearing_on = applied_on, hearing_on
    hearing.tribunal = tribunal or default_tribunal(hearing.case)
    hearing.representations_submitted_on = representations_submitted_on
    hearing.representations_summary = representations_summary.strip()
    hearing.requested_conditions = requested_conditions.strip()
    hearing.victim_impact_statement = victim_impact_statement.strip()
    hearing.decision, hearing.decision_on = decision, decision_on
    hearing.full_clean()
    hearing.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=hearing, summary="tribunal application")
    return hearing


@transaction.atomic
def hospital_managers_referral_record(
    *, actor: User, case: Case, referred_on: date, hospital: str, contact_name: str = ""
) -> HospitalManagersReferral:
    """Pass an unrestricted patient's case to the hospital managers, who deal with the victim."""
    if tribunal_route(case) != "hospital_managers":
        raise ValidationError("Only unrestricted hospital order cases are passed to the hospital managers.")
    _not_future(referred_on=referred_on)
    if referred_on < case.sentence.sentence_date:
        raise ValidationError(
            {"referred_on": f"The referral must be on or after the order ({_d(case.sentence.sentence_date)})"}
        )
    if not hospital.strip():
        raise ValidationError({"hospital": "Enter the hospital"})
    referral = HospitalManagersReferral(
        case=case,
        referred_on=referred_on,
        hospital=hospital.strip(),
        contact_name=contact_name.strip(),
        recorded_by=actor,
    )
    referral.full_clean()
    referral.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=referral, summary="hospital managers referral")
    tribunal_events = SentenceEvent.objects.filter(sentence_id=case.sentence_id, kind=EventKind.TRIBUNAL)
    tasks_close(
        tasks=Task.objects.filter(
            case=case,
            kind=TaskKind.KEY_EVENT,
            dedupe_key__in=[f"event:{pk}" for pk in tribunal_events.values_list("pk", flat=True)],
        ),
        status=TaskStatus.CANCELLED,
        outcome=f"Passed to the hospital managers ({referral.hospital}) on {_d(referred_on)}: "
        "they deal with the victim about the tribunal",
        actor=actor,
    )
    return referral


# --- MAPPA and MARAC ------------------------------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    held_on: date,
    level: str,
    views_put_forward: str,
    outcome: str = "",
) -> MultiAgencyMeeting:
    """Record a MAPPA or MARAC meeting and the victim's views the VLO put forward."""
    _not_future(held_on=held_on)
    if kind == MeetingKind.MAPPA and not level:
        raise ValidationError({"level": "Choose the MAPPA level"})
    if kind == MeetingKind.MARAC:
        level = ""  # MARAC has no levels; a level left chosen in a hidden reveal is dropped.
    if not views_put_forward.strip():
        raise ValidationError({"views_put_forward": "Enter the victim's views you put forward"})
    meeting = MultiAgencyMeeting(
        case=case,
        kind=kind,
        held_on=held_on,
        level=level,
        views_put_forward=views_put_forward.strip(),
        outcome=outcome.strip(),
        recorded_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=meeting, summary=f"meeting: {kind}")
    return meeting
