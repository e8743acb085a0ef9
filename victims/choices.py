"""Writes for what the victim chooses: address, preferences, level of contact, opting in or out,
restrictions and safety concerns (DOMAIN.md section 4).

Each service is one transaction: it changes the structured rows, writes an audit record that
names the field but never its value, and adds a ``VictimChoice`` row for the case timeline whose
summary is safe to show anyone who may see the case: never an address, phone number, email or
the text of a safety concern (DOMAIN.md section 5).

Nothing here reads free text to change a structured row: an address or a restriction changes
only through its own service, never through a note.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction

from . import services
from .models import (
    Case,
    CaseStatus,
    Channel,
    ChoiceKind,
    ContactLevel,
    Language,
    RestrictionKind,
    SafetyConcern,
    Victim,
    VictimChoice,
    VictimRestriction,
)

if TYPE_CHECKING:
    from vcs_portal.core.models import User

    from .models import Address
    from .services import AddressInput

# How the victim told us, as the form offers it (the code) and as the timeline reads it.
HOW_RECEIVED: dict[str, str] = {
    "letter": "by letter",
    "phone": "by phone",
    "email": "by email",
    "in_person": "in person",
}

# Contact details whose changes are recorded by name only: their values never reach the timeline.
CONTACT_DETAILS: dict[str, str] = {
    "phone": "phone number",
    "email": "email address",
    "safe_times_to_call": "safe times to call",
    "accessibility_needs": "accessibility needs",
    "large_print": "large print letters",
}


def _check_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError("This case is closed. Record the victim's choices on an open case.")


def _check_received(received_on: date, *, field: str = "received_on") -> None:
    if received_on > timezone.localdate():
        raise ValidationError({field: "The date must be today or in the past"})


def _how(how_received: str) -> str:
    """The timeline's words for how the victim told us; a code we do not know is refused."""
    if not how_received:
        return ""
    if how_received not in HOW_RECEIVED:
        raise ValidationError({"how_received": "Choose how the victim told you"})
    return HOW_RECEIVED[how_received]


def _choice(
    *, actor: User, case: Case, kind: str, summary: str, received_on: date, how_received: str = ""
) -> VictimChoice:
    choice = VictimChoice(
        case=case,
        kind=kind,
        summary=summary,
        received_on=received_on,
        how_received=_how(how_received),
        recorded_by=actor,
    )
    choice.full_clean()
    choice.save()
    return choice


def _lock_victim(case: Case) -> Victim:
    """The case's victim, locked: two people changing the same victim's choices take turns."""
    return Victim.objects.select_for_update().get(pk=case.victim_id)


# --- address -------------------------------------------------------------------------------


@transaction.atomic
def choice_address_change(
    *, actor: User, case: Case, address: AddressInput, valid_from: date, how_received: str = ""
) -> Address:
    """Record the victim's new safe address; the old one is kept and marked do-not-use."""
    _check_open(case)
    victim = _lock_victim(case)
    current = victim.addresses.filter(is_current=True).first()
    if current is not None and valid_from < current.valid_from:
        # Otherwise the old address would end before it began, and the history would not read.
        raise ValidationError(
            {
                "valid_from": "The date of the move must be on or after "
                f"{current.valid_from:%-d %B %Y}, the date the current address starts from"
            }
        )
    new = services.address_change(actor=actor, victim=victim, address=address, valid_from=valid_from)
    summary = (
        f"Safe address changed from {valid_from:%-d %B %Y}; the old address is kept and marked do not use"
        if current is not None
        else f"Safe address recorded from {valid_from:%-d %B %Y}"
    )
    _choice(
        actor=actor,
        case=case,
        kind=ChoiceKind.ADDRESS,
        summary=summary,
        received_on=timezone.localdate(),
        how_received=how_received,
    )
    return new


# --- preferences ---------------------------------------------------------------------------


@transaction.atomic
def choice_preferences(
    *,
    actor: User,
    case: Case,
    preferred_channel: str,
    language: str,
    safe_times_to_call: str,
    accessibility_needs: str,
    phone: str,
    email: str,
    received_on: date,
    how_received: str = "",
    large_print: bool | None = None,
) -> Victim:
    """Change how the victim wants to be contacted; one timeline entry per kind of change.

    ``large_print`` None leaves the large-print preference as it is."""
    _check_open(case)
    _check_received(received_on)
    victim = _lock_victim(case)
    wanted = {
        "preferred_channel": preferred_channel,
        "language": language,
        "phone": phone.strip(),
        "email": email.strip(),
        "safe_times_to_call": safe_times_to_call.strip(),
        "accessibility_needs": accessibility_needs.strip(),
        "large_print": victim.large_print if large_print is None else large_print,
    }
    if wanted["preferred_channel"] == Channel.PHONE and not wanted["phone"]:
        raise ValidationError({"phone": "Enter a phone number: the victim prefers phone calls"})
    if wanted["preferred_channel"] == Channel.EMAIL and not wanted["email"]:
        raise ValidationError({"email": "Enter an email address: the victim prefers email"})
    if (
        wanted["preferred_channel"] == Channel.PHONE
        and victim.restrictions.filter(kind=RestrictionKind.DO_NOT_PHONE, lifted_at__isnull=True).exists()
    ):
        raise ValidationError(
            {"preferred_channel": "The victim must not be phoned: lift that restriction first"}
        )
    before = {name: getattr(victim, name) for name in wanted}
    changed = [name for name, value in wanted.items() if value != before[name]]
    if not changed:
        raise ValidationError("Nothing has changed. Change an answer, or go back to the case.")
    for name in changed:
        setattr(victim, name, wanted[name])
    victim.full_clean()
    victim.save(update_fields=changed)

    common = {"actor": actor, "case": case, "received_on": received_on, "how_received": how_received}
    if "preferred_channel" in changed:
        old, new = Channel(before["preferred_channel"]).label, Channel(preferred_channel).label
        _choice(kind=ChoiceKind.CHANNEL, summary=f"Preferred contact: {old} → {new}", **common)
    if "language" in changed:
        old, new = Language(before["language"]).label, Language(language).label
        _choice(kind=ChoiceKind.LANGUAGE, summary=f"Language: {old} → {new}", **common)
    details = [label for name, label in CONTACT_DETAILS.items() if name in changed]
    if details:
        _choice(kind=ChoiceKind.CHANNEL, summary=f"Contact details updated: {', '.join(details)}", **common)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=victim,
        summary=f"preferences changed: {', '.join(changed)}",
    )
    return victim


# --- level of contact, opting in and out -----------------------------------------------------


def _level_label(level: str) -> str:
    return ContactLevel(level).label if level in ContactLevel.values else "Not chosen"


@transaction.atomic
def choice_contact_level(
    *, actor: User, case: Case, contact_level: str, received_on: date, how_received: str = ""
) -> Case:
    """Change the level of contact the victim wants."""
    _check_open(case)
    _check_received(received_on)
    if contact_level not in ContactLevel.values:
        raise ValidationError({"contact_level": "Choose the level of contact the victim wants"})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.contact_level == contact_level:
        raise ValidationError({"contact_level": "That is already the level of contact: choose another"})
    old = case.contact_level
    case.contact_level = contact_level
    case.full_clean()
    case.save(update_fields=["contact_level"])
    summary = (
        f"Level of contact: {_level_label(old)} → {_level_label(contact_level)}"
        if old
        else f"Level of contact: {_level_label(contact_level)}"
    )
    _choice(
        actor=actor,
        case=case,
        kind=ChoiceKind.CONTACT_LEVEL,
        summary=summary,
        received_on=received_on,
        how_received=how_received,
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, summary="contact level changed")
    return case


@transaction.atomic
def choice_opt_in(
    *, actor: User, case: Case, contact_level: str, received_on: date, how_received: str = ""
) -> Case:
    """The victim opts in (or back in) at a level of contact; the status change is audited."""
    if contact_level not in ContactLevel.values:
        raise ValidationError({"contact_level": "Choose the level of contact the victim wants"})
    _how(how_received)  # refuse a bad code before the status moves
    back_in = Case.objects.select_for_update().get(pk=case.pk).status == CaseStatus.OPTED_OUT
    case = services.case_status_change(
        actor=actor,
        case=case,
        to_status=CaseStatus.OPTED_IN,
        changed_on=received_on,
        reason="Victim opted back in" if back_in else "Victim opted in",
        how_received=how_received,
        contact_level=contact_level,
    )
    verb = "Opted back in" if back_in else "Opted in"
    _choice(
        actor=actor,
        case=case,
        kind=ChoiceKind.OPT_IN,
        summary=f"{verb}. Level of contact: {_level_label(contact_level)}",
        received_on=received_on,
        how_received=how_received,
    )
    return case


@transaction.atomic
def choice_opt_out(
    *, actor: User, case: Case, received_on: date, how_received: str = "", reason: str = ""
) -> Case:
    """The victim opts out: no more contact, but the record stays and they may opt back in."""
    _how(how_received)
    case = services.case_status_change(
        actor=actor,
        case=case,
        to_status=CaseStatus.OPTED_OUT,
        changed_on=received_on,
        reason=reason or "Victim opted out",
        how_received=how_received,
    )
    # The reason stays on the status change: it is free text, so it is kept off this summary.
    _choice(
        actor=actor,
        case=case,
        kind=ChoiceKind.OPT_OUT,
        summary="Opted out. The victim can opt back in at any time",
        received_on=received_on,
        how_received=how_received,
    )
    return case


# --- restrictions --------------------------------------------------------------------------


@transaction.atomic
def restriction_add(*, actor: User, case: Case, kind: str, detail: str = "") -> VictimRestriction:
    """Add a restriction on how the victim is contacted. One in place is never replaced."""
    _check_open(case)
    if kind not in RestrictionKind.values:
        raise ValidationError({"kind": "Choose the restriction"})
    detail = detail.strip()
    if kind == RestrictionKind.OTHER and not detail:
        raise ValidationError({"detail": "Describe the restriction"})
    victim = _lock_victim(case)
    if (
        kind != RestrictionKind.OTHER
        and victim.restrictions.filter(kind=kind, lifted_at__isnull=True).exists()
    ):
        raise ValidationError({"kind": "This restriction is already in place"})
    restriction = VictimRestriction(
        victim=victim, kind=kind, detail=detail, added_on=timezone.localdate(), added_by=actor
    )
    restriction.full_clean()
    restriction.save()
    _choice(
        actor=actor,
        case=case,
        kind=ChoiceKind.RESTRICTION_ADDED,
        summary=f"Restriction added: {RestrictionKind(kind).label}",
        received_on=timezone.localdate(),
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=restriction, summary=f"restriction added: {kind}"
    )
    return restriction


@transaction.atomic
def restriction_lift(
    *, actor: User, case: Case, restriction: VictimRestriction, reason: str
) -> VictimRestriction:
    """Lift a restriction: who, when and why are recorded on its row, which is never deleted."""
    _check_open(case)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the restriction is being lifted"})
    try:
        restriction = VictimRestriction.objects.select_for_update().get(
            pk=restriction.pk, victim_id=case.victim_id
        )
    except VictimRestriction.DoesNotExist as exc:
        raise ValidationError("That restriction is not this victim's") from exc
    if not restriction.is_active:
        raise ValidationError("This restriction has already been lifted")
    restriction.lifted_at = timezone.now()
    restriction.lifted_by = actor
    restriction.lifted_reason = reason
    restriction.full_clean()
    restriction.save(update_fields=["lifted_at", "lifted_by", "lifted_reason"])
    _choice(
        actor=actor,
        case=case,
        kind=ChoiceKind.RESTRICTION_LIFTED,
        summary=f"Restriction lifted: {restriction.get_kind_display()}",
        received_on=timezone.localdate(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=restriction,
        summary=f"restriction lifted: {restriction.kind}",
    )
    return restriction


# --- safety concerns ------------------------------------------------------------------------


@transaction.atomic
def safety_concern_record(
    *,
    actor: User,
    case: Case,
    raised_on: date,
    description: str,
    share_with_offender_manager: bool = False,
) -> SafetyConcern:
    """Record a concern the victim raised. Its text is sensitive: the timeline only says one exists."""
    _check_open(case)
    _check_received(raised_on, field="raised_on")
    if not description.strip():
        raise ValidationError({"description": "Describe the concern"})
    concern = SafetyConcern(
        case=case,
        raised_on=raised_on,
        description=description.strip(),
        share_with_offender_manager=share_with_offender_manager,
        recorded_by=actor,
    )
    concern.full_clean()
    concern.save()
    sharing = (
        "the victim agreed it may go to the offender manager"
        if share_with_offender_manager
        else "not to be shared with the offender manager"
    )
    _choice(
        actor=actor,
        case=case,
        kind=ChoiceKind.SAFETY_CONCERN,
        summary=f"Safety concern recorded ({sharing})",
        received_on=raised_on,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=concern, summary="safety concern recorded")
    return concern
