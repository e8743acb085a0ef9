"""Writes about offenders and sentences. Each is one transaction, validated and audited.

Rules that concern more than one field raise ``ValidationError`` keyed by the form
field they belong to, so a view can show the message beside that field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, Team
from vcs_portal.core.pages import govuk_date as _d

from .eligibility import sentence_assess
from .models import (
    LENGTH_REQUIRED_TYPES,
    Concurrency,
    EventKind,
    KeyDate,
    Offence,
    Offender,
    OffenderAlias,
    SecurityCategoryChange,
    Sentence,
    SentenceEvent,
    SentenceOffence,
)

if TYPE_CHECKING:
    from vcs_portal.core.models import User

# Events that may be recorded ahead of time (scheduled); the rest must already have happened.
SCHEDULABLE_EVENTS = {
    EventKind.PAROLE_ELIGIBILITY,
    EventKind.PAROLE_HEARING,
    EventKind.TRIBUNAL,
    EventKind.LICENCE_END,
    EventKind.SENTENCE_END,
}
# Events after which the offender is held somewhere new.
MOVING_EVENTS = {
    EventKind.TRANSFER,
    EventKind.OPEN_CONDITIONS,
    EventKind.HOSPITAL_TRANSFER,
    EventKind.RECALL,
}


def normalise_pnc(value: str) -> str:
    """PNC numbers are compared in upper case without spaces (e.g. 85/1234567A)."""
    return "".join(value.split()).upper()


@dataclass(frozen=True)
class CountInput:
    """One offence on a sentence, as entered."""

    offence: Offence
    offence_date: date | None = None
    years: int | None = None
    months: int | None = None
    days: int | None = None
    concurrency: str = Concurrency.CONCURRENT


@transaction.atomic
def offender_create(
    *,
    actor: User,
    team: Team,
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    pnc_number: str = "",
    prison_number: str = "",
    crn: str = "",
    mappa_level: str = "",
    location: str = "",
    offender_manager_name: str = "",
    offender_manager_email: str = "",
    offender_manager_phone: str = "",
    aliases: Iterable[tuple[str, str]] = (),
) -> Offender:
    if date_of_birth and date_of_birth >= timezone.localdate():
        raise ValidationError({"date_of_birth": "Date of birth must be in the past"})
    offender = Offender(
        team=team,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        pnc_number=normalise_pnc(pnc_number),
        prison_number=prison_number.strip().upper(),
        crn=crn.strip().upper(),
        mappa_level=mappa_level,
        location=location.strip(),
        offender_manager_name=offender_manager_name.strip(),
        offender_manager_email=offender_manager_email.strip(),
        offender_manager_phone=offender_manager_phone.strip(),
        created_by=actor,
    )
    offender.full_clean()
    offender.save()
    for alias_first, alias_last in aliases:
        if alias_last.strip():
            OffenderAlias.objects.create(
                offender=offender, first_name=alias_first.strip(), last_name=alias_last.strip()
            )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=offender)
    return offender


@transaction.atomic
def security_category_record(
    *, actor: User, offender: Offender, category: str, effective_on: date
) -> SecurityCategoryChange:
    """Add to the category history; earlier entries are kept."""
    if effective_on > timezone.localdate():
        raise ValidationError({"effective_on": "The date the category changed must be today or in the past"})
    change = SecurityCategoryChange(
        offender=offender, category=category, effective_on=effective_on, recorded_by=actor
    )
    change.full_clean()
    change.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=offender, summary="security category")
    return change


def _validate_sentence(
    *,
    sentence_type: str,
    sentence_date: date,
    years: int | None,
    months: int | None,
    days: int | None,
    counts: Sequence[CountInput],
) -> None:
    errors: dict[str, str] = {}
    if sentence_date > timezone.localdate():
        errors["sentence_date"] = "The sentence date must be today or in the past"
    if not counts:
        errors["offence"] = "Choose at least one offence from the catalogue"
    for count in counts:
        if count.offence is None or not count.offence.is_active:
            errors["offence"] = "Choose an offence from the catalogue"
        elif count.offence_date and count.offence_date > sentence_date:
            errors["sentence_date"] = (
                f"The sentence date must be on or after the offence date ({_d(count.offence_date)})"
            )
    if sentence_type in LENGTH_REQUIRED_TYPES and not any((years, months, days)):
        errors["years"] = "Enter the length of the sentence in years, months or days"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def sentence_create(
    *,
    actor: User,
    offender: Offender,
    sentence_type: str,
    sentence_date: date,
    court: str,
    counts: Sequence[CountInput],
    years: int | None = None,
    months: int | None = None,
    days: int | None = None,
    tariff_years: int | None = None,
    tariff_months: int | None = None,
) -> Sentence:
    """Record a sentence with its offences, the 'sentenced' event, and its eligibility."""
    _validate_sentence(
        sentence_type=sentence_type,
        sentence_date=sentence_date,
        years=years,
        months=months,
        days=days,
        counts=counts,
    )
    sentence = Sentence(
        offender=offender,
        sentence_type=sentence_type,
        sentence_date=sentence_date,
        court=court.strip(),
        years=years,
        months=months,
        days=days,
        tariff_years=tariff_years,
        tariff_months=tariff_months,
        created_by=actor,
    )
    sentence.full_clean()
    sentence.save()
    SentenceOffence.objects.bulk_create(
        SentenceOffence(
            sentence=sentence,
            offence=count.offence,
            offence_date=count.offence_date,
            years=count.years,
            months=count.months,
            days=count.days,
            concurrency=count.concurrency,
            position=position,
        )
        for position, count in enumerate(counts, start=1)
    )
    SentenceEvent.objects.create(
        sentence=sentence,
        kind=EventKind.SENTENCED,
        occurred_on=sentence_date,
        detail=f"{sentence.get_sentence_type_display()} at {sentence.court}",
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=sentence)
    # A new sentence has no cases yet, so there is nothing to flag: the assessment is stored.
    sentence_assess(sentence=sentence)
    return sentence


@transaction.atomic
def sentence_event_record(
    *,
    actor: User,
    sentence: Sentence,
    kind: str,
    occurred_on: date,
    detail: str = "",
    location: str = "",
    corrects: SentenceEvent | None = None,
) -> SentenceEvent:
    """Add an event to the sentence's timeline. Events are never edited; a correction is a new one.

    Only the fact: ``contacts.services.sentence_event_add`` records it and raises the alerts.
    """
    if occurred_on < sentence.sentence_date:
        label = EventKind(kind).label.lower()
        raise ValidationError(
            {
                "occurred_on": f"The date of the {label} must be on or after the sentence date "
                f"({_d(sentence.sentence_date)})"
            }
        )
    if kind not in SCHEDULABLE_EVENTS and occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "The date must be today or in the past"})
    if corrects is not None and corrects.sentence_id != sentence.pk:
        raise ValidationError({"corrects": "A correction must be to an event of the same sentence"})
    event = SentenceEvent(
        sentence=sentence,
        kind=kind,
        occurred_on=occurred_on,
        detail=detail.strip(),
        location=location.strip(),
        corrects=corrects,
        recorded_by=actor,
    )
    event.full_clean()
    event.save()
    if kind in MOVING_EVENTS and event.location:
        Offender.objects.filter(pk=sentence.offender_id).update(location=event.location)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=event, summary=f"event: {kind}")
    return event


@transaction.atomic
def key_date_record(*, actor: User, sentence: Sentence, kind: str, on: date, source: str) -> KeyDate:
    """Record a key date with its source; the previous value stays in the history.

    Only the fact: ``contacts.services.key_date_add`` records it and raises the alerts.
    """
    if on < sentence.sentence_date:
        raise ValidationError(
            {"on": f"The date must be on or after the sentence date ({_d(sentence.sentence_date)})"}
        )
    if not source.strip():
        raise ValidationError({"source": "Enter where the date came from"})
    key_date = KeyDate(sentence=sentence, kind=kind, date=on, source=source.strip(), recorded_by=actor)
    key_date.full_clean()
    key_date.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=key_date, summary=f"key date: {kind}")
    return key_date


@transaction.atomic
def sentence_amend_on_appeal(
    *,
    actor: User,
    sentence: Sentence,
    decided_on: date,
    years: int | None,
    months: int | None,
    days: int | None,
    detail: str = "",
) -> SentenceEvent:
    """An appeal changed the term: store the new term and an appeal event that keeps the old one.

    Returns the event. Only the facts: ``contacts.services.appeal_record`` records them, then
    re-checks eligibility (flagging the cases) and raises the alerts.
    """
    if sentence.sentence_type in LENGTH_REQUIRED_TYPES and not any((years, months, days)):
        raise ValidationError({"years": "Enter the length of the sentence after the appeal"})
    before = sentence.term_display or "no fixed term"
    sentence.years, sentence.months, sentence.days = years, months, days
    sentence.full_clean()
    sentence.save(update_fields=["years", "months", "days"])
    note = f"Term changed on appeal from {before} to {sentence.term_display or 'no fixed term'}."
    return sentence_event_record(
        actor=actor,
        sentence=sentence,
        kind=EventKind.APPEAL,
        occurred_on=decided_on,
        detail=f"{note} {detail}".strip(),
    )
