"""Writes about victims and cases. Each is one transaction, validated and audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from offenders.eligibility import assess
from offenders.models import Eligibility, Sentence
from vcs_portal.core.audit import audit_record
from vcs_portal.core.csv import csv_text
from vcs_portal.core.models import AuditAction, Role, Team

from . import deadlines
from .jurisdiction import court_outside_england_and_wales
from .models import (
    TRANSITIONS,
    Address,
    Case,
    CaseStatus,
    CaseStatusChange,
    ClosureReason,
    DiscretionaryContext,
    DiscretionaryDecision,
    Standing,
    Victim,
)

if TYPE_CHECKING:
    from vcs_portal.core.models import User

# Moving to one of these means the victim has been contacted (first contact is met).
CONTACTED_STATUSES = {CaseStatus.OFFER_SENT, CaseStatus.OPTED_IN, CaseStatus.DECLINED, CaseStatus.OPTED_OUT}


@dataclass(frozen=True)
class AddressInput:
    line_1: str
    town: str
    postcode: str
    line_2: str = ""
    county: str = ""


def _address(*, victim: Victim, data: AddressInput, actor: User, valid_from: date) -> Address:
    address = Address(
        victim=victim,
        line_1=data.line_1.strip(),
        line_2=data.line_2.strip(),
        town=data.town.strip(),
        county=data.county.strip(),
        postcode=" ".join(data.postcode.upper().split()),
        is_current=True,
        valid_from=valid_from,
        recorded_by=actor,
    )
    address.full_clean()
    address.save()
    return address


@transaction.atomic
def victim_create(
    *,
    actor: User,
    team: Team,
    first_name: str,
    last_name: str,
    address: AddressInput,
    date_of_birth: date | None = None,
    phone: str = "",
    email: str = "",
    preferred_channel: str = "letter",
    language: str = "en",
    accessibility_needs: str = "",
    safe_times_to_call: str = "",
    guardian_first_name: str = "",
    guardian_last_name: str = "",
    guardian_relationship: str = "",
) -> Victim:
    """Record a victim and their current safe address."""
    today = timezone.localdate()
    if date_of_birth and date_of_birth >= today:
        raise ValidationError({"date_of_birth": "Date of birth must be in the past"})
    victim = Victim(
        team=team,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        phone=phone.strip(),
        email=email.strip(),
        preferred_channel=preferred_channel,
        language=language,
        accessibility_needs=accessibility_needs.strip(),
        safe_times_to_call=safe_times_to_call.strip(),
        guardian_first_name=guardian_first_name.strip(),
        guardian_last_name=guardian_last_name.strip(),
        guardian_relationship=guardian_relationship.strip(),
        created_by=actor,
    )
    if victim.is_child(today) and not victim.guardian_last_name:
        raise ValidationError(
            {"guardian_last_name": "Enter the parent or guardian's name: the victim is under 18"}
        )
    victim.full_clean()
    victim.save()
    _address(victim=victim, data=address, actor=actor, valid_from=today)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=victim)
    return victim


@transaction.atomic
def address_change(*, actor: User, victim: Victim, address: AddressInput, valid_from: date) -> Address:
    """Make a new current safe address; the old one is kept and marked do-not-use."""
    if valid_from > timezone.localdate():
        raise ValidationError({"valid_from": "The date of the move must be today or in the past"})
    Address.objects.select_for_update().filter(victim=victim)
    old = Address.objects.filter(victim=victim, is_current=True).first()
    if old is not None:
        old.is_current = False
        old.do_not_use = True
        old.valid_to = valid_from
        old.save(update_fields=["is_current", "do_not_use", "valid_to"])
    new = _address(victim=victim, data=address, actor=actor, valid_from=valid_from)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=victim, summary="safe address changed")
    return new


def _next_reference(year: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('victims_case_reference_seq')")
        (number,) = cursor.fetchone()
    return f"VCS-{year}-{number:06d}"


def _context(context: str, detail: str) -> tuple[str, str]:
    """The discretionary context as stored: a reason only for "another context", and then required."""
    if context and context not in DiscretionaryContext.values:
        raise ValidationError({"discretionary_context": "Choose one of the contexts listed"})
    detail = detail.strip() if context == DiscretionaryContext.OTHER else ""
    if context == DiscretionaryContext.OTHER and not detail:
        raise ValidationError({"discretionary_context_detail": "Say what the other context is"})
    return context, detail


def context_text(context: str, detail: str = "") -> str:
    """A context in words, as ``Case.context_text`` says it, for the rules before a case exists."""
    return Case(discretionary_context=context, discretionary_context_detail=detail).context_text


@transaction.atomic
def case_create(
    *,
    actor: User,
    victim: Victim,
    sentence: Sentence,
    officer: User,
    relationship: str,
    referral_received_on: date,
    relation_to_person_harmed: str = "",
    discretionary_context: str = "",
    discretionary_context_detail: str = "",
    reference: str = "",
) -> Case:
    """Open a case for a victim on a sentence, with its deadlines and eligibility.

    The case's own eligibility weighs its victim's date of birth and the discretionary context
    recorded at referral. Only a statutory case is statutory; a case with a context waits for a
    manager's decision (``case_discretion_decide``); a case the rules need a date of birth for is
    flagged with the question. ``reference`` is for a dry run only, which must not take a number
    from the sequence (a sequence does not roll back).
    """

    if referral_received_on > timezone.localdate():
        raise ValidationError({"referral_received_on": "The referral date must be today or in the past"})
    if referral_received_on < sentence.sentence_date:
        raise ValidationError(
            {"referral_received_on": "The referral date must be on or after the sentence date"}
        )
    if officer.role != Role.VLO or not officer.team_id:
        raise ValidationError({"officer": "Choose a VLO to hold the case"})
    refusal = court_outside_england_and_wales(sentence.court)
    if refusal:
        raise ValidationError({"court": refusal})
    if Case.objects.filter(victim=victim, sentence=sentence).exists():
        raise ValidationError("This victim already has a case for this sentence")
    context, detail = _context(discretionary_context, discretionary_context_detail)
    assessment = assess(sentence, victim_born_on=victim.date_of_birth, context=context_text(context, detail))
    referral = deadlines.referral_due(sentence.sentence_date)
    first = deadlines.first_contact_due(referral_received_on)
    escalation = deadlines.escalation_due(sentence.sentence_date)
    case = Case(
        reference=reference or _next_reference(referral_received_on.year),
        victim=victim,
        offender=sentence.offender,
        sentence=sentence,
        team=officer.team,
        officer=officer,
        relationship=relationship,
        relation_to_person_harmed=relation_to_person_harmed.strip(),
        discretionary_context=context,
        discretionary_context_detail=detail,
        status=CaseStatus.REFERRED,
        status_changed_on=referral_received_on,
        statutory=assessment.outcome == Eligibility.STATUTORY,
        referral_received_on=referral_received_on,
        referral_due=referral.due,
        referral_rule=referral.rule,
        first_contact_due=first.due,
        first_contact_rule=first.rule,
        escalation_due=escalation.due,
        escalation_rule=escalation.rule,
        created_by=actor,
    )
    if assessment.outcome == Eligibility.NEEDS_REVIEW:
        question = next((r for r in assessment.reasons if "?" in r), assessment.reasons[0])
        case.needs_review = True
        case.review_reason = question[:255]
    case.full_clean()
    case.save()
    CaseStatusChange.objects.create(
        case=case,
        to_status=CaseStatus.REFERRED,
        changed_on=referral_received_on,
        reason="Referral received",
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=case)
    return case


@transaction.atomic
def case_status_change(
    *,
    actor: User,
    case: Case,
    to_status: str,
    changed_on: date,
    reason: str = "",
    how_received: str = "",
    closure_reason: str = "",
    contact_level: str = "",
) -> Case:
    """Move a case along its lifecycle; opting out and back in is allowed at any time."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if to_status not in TRANSITIONS.get(case.status, set()):
        raise ValidationError(
            {
                "status": f"A case that is {CaseStatus(case.status).label.lower()} cannot move to "
                f"{CaseStatus(to_status).label.lower()}"
            }
        )
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": "The date must be today or in the past"})
    if changed_on < case.referral_received_on:
        raise ValidationError({"changed_on": "The date must be on or after the referral date"})
    if to_status == CaseStatus.CLOSED and not closure_reason:
        raise ValidationError({"closure_reason": "Choose why the case is closing"})
    if to_status == CaseStatus.OPTED_IN and not (contact_level or case.contact_level):
        raise ValidationError({"contact_level": "Choose the level of contact the victim wants"})
    CaseStatusChange.objects.create(
        case=case,
        from_status=case.status,
        to_status=to_status,
        changed_on=changed_on,
        reason=reason.strip(),
        how_received=how_received.strip(),
        recorded_by=actor,
    )
    case.status = to_status
    case.status_changed_on = changed_on
    case.closure_reason = closure_reason if to_status == CaseStatus.CLOSED else ""
    if to_status == CaseStatus.CLOSED:
        # The retention sweep anonymises the case on this day (docs/retention.md).
        years = settings.VCS_RETENTION_YEARS
        case.retention_date = changed_on + relativedelta(years=years)
    if contact_level:
        case.contact_level = contact_level
    if to_status in CONTACTED_STATUSES and case.first_contact_on is None:
        case.first_contact_on = changed_on
    case.full_clean()
    case.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, summary=f"status: {to_status}")
    return case


def _note(*, case: Case, actor: User, on: date, text: str, to_status: str = "") -> None:
    """A line on the case timeline: a status change, or a note when the status stays."""
    CaseStatusChange.objects.create(
        case=case,
        from_status=case.status,
        to_status=to_status or case.status,
        changed_on=on,
        reason=text[:255],
        recorded_by=actor,
    )


@transaction.atomic
def case_context_record(*, actor: User, case: Case, context: str, detail: str = "") -> Case:
    """Record (or correct) the discretionary context of a case the statutory rules do not cover.

    The case then waits for a manager's decision. Not for a statutory case (the context changes
    nothing there) nor once a manager has decided.
    """
    case = Case.objects.select_for_update().select_related("sentence", "victim").get(pk=case.pk)
    if not case.is_open:
        raise ValidationError("A closed case cannot change")
    if case.discretionary_decision:
        raise ValidationError("A manager has already decided on the discretionary offer")
    if not context:
        raise ValidationError({"discretionary_context": "Choose the context the offence happened in"})
    fields = ["discretionary_context", "discretionary_context_detail"]
    if case.statutory:
        # A statutory case the rules no longer cover is flagged for review (victims.eligibility);
        # recording a context is one way to settle that review. Any other statutory case stays so.
        outcome = assess(case.sentence, victim_born_on=case.victim.date_of_birth).outcome
        if not case.needs_review or outcome == Eligibility.STATUTORY:
            raise ValidationError("This case is statutory: the scheme applies whatever the context")
        case.statutory, case.needs_review, case.review_reason = False, False, ""
        fields += ["statutory", "needs_review", "review_reason"]
    case.discretionary_context, case.discretionary_context_detail = _context(context, detail)
    case.full_clean()
    case.save(update_fields=fields)
    _note(
        case=case,
        actor=actor,
        on=timezone.localdate(),
        text=f"Discretionary context recorded: {case.context_text}. Waiting for a manager's decision.",
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, summary="discretionary context recorded")
    return case


@transaction.atomic
def case_discretion_decide(
    *, actor: User, case: Case, approve: bool, reason: str, decided_on: date | None = None
) -> Case:
    """A manager approves or declines a discretionary offer, with a reason (DOMAIN.md section 2).

    Approved, the case is worked like any other but stays non-statutory: no statutory deadline,
    escalation or breach figure counts it. Declined, it is closed with reason "discretionary offer
    declined": no offer was made, so no letter goes to the victim (letters refuse a closed case).
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if actor.role != Role.MANAGER:
        raise ValidationError("Only a manager can decide on a discretionary offer")
    if case.standing != Standing.AWAITING_DECISION or not case.is_open:
        raise ValidationError(
            "Only an open case with a discretionary context recorded, and no decision yet, can be decided"
        )
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for your decision"})
    on = decided_on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"decided_on": "The date must be today or in the past"})
    if on < case.referral_received_on:
        raise ValidationError({"decided_on": "The date must be on or after the referral date"})
    decision = DiscretionaryDecision.APPROVED if approve else DiscretionaryDecision.DECLINED
    case.discretionary_decision = decision
    case.discretionary_decision_reason = reason.strip()[:255]
    case.discretionary_decided_on = on
    case.needs_review = False
    case.review_reason = ""
    case.statutory = False  # never statutory by discretion: no statutory deadline breach is raised
    fields = [
        "discretionary_decision",
        "discretionary_decision_reason",
        "discretionary_decided_on",
        "needs_review",
        "review_reason",
        "statutory",
    ]
    if approve:
        case.discretionary_approved_by = actor
        fields.append("discretionary_approved_by")
        _note(
            case=case,
            actor=actor,
            on=on,
            text=f"Discretionary offer approved ({case.context_text}): {case.discretionary_decision_reason}",
        )
    else:
        _note(
            case=case,
            actor=actor,
            on=on,
            to_status=CaseStatus.CLOSED,
            text=f"Discretionary offer declined ({case.context_text}): {case.discretionary_decision_reason}. "
            "Closed without a letter.",
        )
        case.status = CaseStatus.CLOSED
        case.status_changed_on = on
        case.closure_reason = ClosureReason.DISCRETION_DECLINED
        case.retention_date = on + relativedelta(years=settings.VCS_RETENTION_YEARS)
        fields += ["status", "status_changed_on", "closure_reason", "retention_date"]
    case.full_clean()
    case.save(update_fields=fields)
    summary = "discretionary approved" if approve else "discretionary declined, case closed"
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, summary=summary)
    return case


@transaction.atomic
def case_review_resolve(*, actor: User, case: Case, note: str) -> Case:
    """Clear a review flag once someone has looked at it, saying what they decided.

    A case outside the statutory scheme stays flagged until a manager decides on a
    discretionary offer (or the case is closed): a VLO cannot clear that alone.
    """
    if not note.strip():
        raise ValidationError({"note": "Say what you decided"})
    if case.standing == Standing.AWAITING_DECISION:
        raise ValidationError({"note": "A manager must decide on the discretionary offer"})
    if not case.statutory and case.standing != Standing.APPROVED and actor.role != Role.MANAGER:
        raise ValidationError(
            {"note": "A manager must approve a discretionary offer first, or the case must be closed"}
        )
    CaseStatusChange.objects.create(
        case=case,
        from_status=case.status,
        to_status=case.status,
        changed_on=timezone.localdate(),
        reason=f"Review: {note.strip()}"[:255],
        recorded_by=actor,
    )
    case.needs_review = False
    case.review_reason = ""
    case.save(update_fields=["needs_review", "review_reason"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, summary="review resolved")
    return case


CASELOAD_CSV_HEADER = (
    "Case reference",
    "Victim",
    "Offender",
    "Status",
    "Scheme",
    "Officer",
    "First contact due",
    "First contact made",
)


@transaction.atomic
def caseload_export(*, actor: User, cases: Iterable[Case]) -> str:
    """The caseload (as filtered) as CSV, audited: names, dates and status, never contact details."""
    rows = (
        (
            case.reference,
            case.victim.full_name,
            case.offender.full_name,
            case.get_status_display(),
            case.standing_label,
            case.officer.get_full_name(),
            case.first_contact_due,
            case.first_contact_on,
        )
        for case in cases
    )
    text, count = csv_text(CASELOAD_CSV_HEADER, rows)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=Case._meta.label,
        summary=f"caseload, rows={count}",
    )
    return text
