"""Writes about victims and cases. Each is one transaction, validated and audited."""

from __future__ import annotations

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
from vcs_portal.core.models import AuditAction, Role, Team

from . import deadlines
from .models import (
    TRANSITIONS,
    Address,
    Case,
    CaseStatus,
    CaseStatusChange,
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


@transaction.atomic
def case_create(
    *,
    actor: User,
    victim: Victim,
    sentence: Sentence,
    officer: User,
    relationship: str,
    referral_received_on: date,
) -> Case:
    """Open a case for a victim on a sentence, with its deadlines and eligibility."""

    if referral_received_on > timezone.localdate():
        raise ValidationError({"referral_received_on": "The referral date must be today or in the past"})
    if referral_received_on < sentence.sentence_date:
        raise ValidationError(
            {"referral_received_on": "The referral date must be on or after the sentence date"}
        )
    if officer.role != Role.VLO or not officer.team_id:
        raise ValidationError({"officer": "Choose a VLO to hold the case"})
    if Case.objects.filter(victim=victim, sentence=sentence).exists():
        raise ValidationError("This victim already has a case for this sentence")
    assessment = assess(sentence)
    referral = deadlines.referral_due(sentence.sentence_date)
    first = deadlines.first_contact_due(referral_received_on)
    escalation = deadlines.escalation_due(sentence.sentence_date)
    case = Case(
        reference=_next_reference(referral_received_on.year),
        victim=victim,
        offender=sentence.offender,
        sentence=sentence,
        team=officer.team,
        officer=officer,
        relationship=relationship,
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
    if assessment.outcome != Eligibility.STATUTORY:
        case.needs_review = True
        case.review_reason = (
            "Discretionary candidate: a manager must approve the offer."
            if assessment.outcome == Eligibility.DISCRETIONARY
            else "Not eligible under the statutory rules: a manager must approve a discretionary offer "
            "or close it."
        )
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


@transaction.atomic
def case_approve_discretionary(*, actor: User, case: Case) -> Case:
    """A manager approves offering the scheme in a non-statutory case."""
    if actor.role != Role.MANAGER:
        raise ValidationError("Only a manager can approve a discretionary case")
    case.discretionary_approved_by = actor
    case.statutory = False  # approved as discretionary: no statutory deadline breach is raised
    case.needs_review = False
    case.review_reason = ""
    case.save(update_fields=["discretionary_approved_by", "statutory", "needs_review", "review_reason"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, summary="discretionary approved")
    return case


@transaction.atomic
def case_review_resolve(*, actor: User, case: Case, note: str) -> Case:
    """Clear a review flag once someone has looked at it, saying what they decided.

    A case outside the statutory scheme stays flagged until a manager approves a
    discretionary offer (or the case is closed): a VLO cannot clear that alone.
    """
    if not note.strip():
        raise ValidationError({"note": "Say what you decided"})
    if not case.statutory and case.discretionary_approved_by_id is None and actor.role != Role.MANAGER:
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
