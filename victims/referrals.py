"""Recording a referral: the wizard's session state, duplicate checks, and the one write that ends it.

The wizard keeps every answer in the session under ``SESSION_KEY`` and writes nothing until the
officer presses "Create case"; ``referral_create`` then calls the offender, sentence, victim and
case services in one transaction, so a rule broken at any point leaves nothing half-saved. A
service's ``ValidationError`` is re-raised as ``ReferralError`` naming the wizard step whose
answers broke the rule, so the view can show the message beside the right field.

The duplicate checks are selectors scoped to the user: a match the user may not see is never
described, only (for a PNC number, which is unique) reported as held by another team.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from dateutil.relativedelta import relativedelta
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from offenders.models import Concurrency, Offender, Sentence
from offenders.services import CountInput, normalise_pnc, offender_create, sentence_create
from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, Role, User
from vcs_portal.core.scope import teams_visible_to

from .models import Case, Victim
from .services import AddressInput, case_create, victim_create

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

SESSION_KEY = "vcs_referral"

# Shapes checked before anything reaches a service (normalised: upper case, PNC without spaces).
PNC_PATTERN = re.compile(r"^(\d{2}|\d{4})/\d{1,7}[A-Z]$")
POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")

PNC_ELSEWHERE_MESSAGE = (
    "An offender with this PNC number is recorded by another team. Ask your manager to arrange a transfer."
)
PNC_TAKEN_MESSAGE = (
    "An offender with this PNC number is already recorded. Continue to check the record and use it."
)

T = TypeVar("T")


# --- who may record, and for whom -----------------------------------------------


def may_record_referrals(user: User | AnonymousUser) -> bool:
    """VLOs and managers record referrals; admins run the system and do not hold cases."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in {Role.VLO, Role.MANAGER}


def officers_for(user: User) -> QuerySet[User]:
    """The VLOs ``user`` may give a case to: themselves if a VLO, their teams' VLOs if a manager."""
    if user.role == Role.VLO:
        return User.objects.filter(pk=user.pk, is_active=True)
    return User.objects.filter(role=Role.VLO, is_active=True, team__in=teams_visible_to(user)).select_related(
        "team"
    )


# --- duplicate checks (selectors) -------------------------------------------------


@dataclass(frozen=True)
class OffenderDuplicates:
    """What an offender's answers match: records the user may see, and a PNC held elsewhere."""

    pnc_match: Offender | None = None
    name_matches: tuple[Offender, ...] = ()
    pnc_elsewhere: bool = False

    @property
    def visible(self) -> list[Offender]:
        matches = [self.pnc_match] if self.pnc_match else []
        return matches + [o for o in self.name_matches if o not in matches]


def offender_duplicates(
    *, user: User, first_name: str, last_name: str, date_of_birth: date | None, pnc_number: str = ""
) -> OffenderDuplicates:
    """Offenders with the same PNC number, or the same name (any case) and date of birth."""
    pnc = normalise_pnc(pnc_number)
    visible = Offender.objects.visible_to(user).select_related("team")
    pnc_match = visible.filter(pnc_number=pnc).first() if pnc else None
    pnc_elsewhere = bool(pnc) and pnc_match is None and Offender.objects.filter(pnc_number=pnc).exists()
    name_matches: tuple[Offender, ...] = ()
    if date_of_birth:
        name_matches = tuple(
            visible.filter(
                first_name__iexact=first_name.strip(),
                last_name__iexact=last_name.strip(),
                date_of_birth=date_of_birth,
            ).order_by("pk")[:10]
        )
    return OffenderDuplicates(pnc_match=pnc_match, name_matches=name_matches, pnc_elsewhere=pnc_elsewhere)


def victim_duplicates(
    *, user: User, first_name: str, last_name: str, date_of_birth: date | None
) -> list[Victim]:
    """Victims the user may see with the same name (any case) and date of birth.

    Without a date of birth a name alone is too weak a match to offer.
    """
    if not date_of_birth:
        return []
    return list(
        Victim.objects.visible_to(user)
        .filter(
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            date_of_birth=date_of_birth,
        )
        .prefetch_related("addresses")
        .order_by("pk")[:10]
    )


def audit_duplicate_check(*, user: User, object_type: str) -> None:
    """A duplicate check reads other people's records, so it is audited; never with the names."""
    audit_record(actor=user, action=AuditAction.SEARCH, object_type=object_type, summary="duplicate check")


def case_for(*, victim_id: int, sentence_id: int) -> Case | None:
    """The case that already links this victim to this sentence, if any."""
    return Case.objects.filter(victim_id=victim_id, sentence_id=sentence_id).first()


def sentences_of(offender: Offender) -> list[Sentence]:
    """An offender's sentences with their offences, newest first, for choosing one to reuse."""
    return list(
        Sentence.objects.filter(offender=offender)
        .prefetch_related("counts__offence")
        .order_by("-sentence_date", "-pk")
    )


# --- the wizard's state in the session ---------------------------------------------


class ReferralState:
    """The answers so far, kept in the session under one key (JSON-safe: strings and ints only)."""

    def __init__(self, session: SessionBase) -> None:
        self.session = session
        self.data: dict[str, Any] = session.get(SESSION_KEY) or {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def set(self, key: str, value: Any) -> None:
        self.data[key] = value
        self._save()

    def discard(self, *keys: str) -> None:
        for key in keys:
            self.data.pop(key, None)
        self._save()

    def set_errors(self, step: str, errors: dict[str, list[str]]) -> None:
        self.data.setdefault("errors", {})[step] = errors
        self._save()

    def pop_errors(self, step: str) -> dict[str, list[str]]:
        errors = self.data.get("errors", {}).pop(step, {})
        if errors:
            self._save()
        return errors

    def reset(self) -> None:
        self.data = {}
        self.session.pop(SESSION_KEY, None)

    def _save(self) -> None:
        self.session[SESSION_KEY] = self.data
        self.session.modified = True


# --- creating the case -------------------------------------------------------------


class ReferralError(Exception):
    """A rule broken while creating the case; ``step`` is the wizard step to fix, or None."""

    def __init__(self, step: str | None, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.step = step
        self.errors = errors


def error_messages(error: ValidationError) -> dict[str, list[str]]:
    """A ValidationError as {field: [messages]}, with unkeyed messages under NON_FIELD_ERRORS."""
    if hasattr(error, "error_dict"):
        return {key: list(messages) for key, messages in error.message_dict.items()}
    return {NON_FIELD_ERRORS: list(error.messages)}


@dataclass
class ReferralAnswers:
    """Everything the wizard collected, in the shapes the services take.

    ``offender``, ``sentence`` and ``victim`` are existing records the officer chose to reuse;
    when one is None the matching ``*_fields`` are used to create it.
    """

    officer: User
    relationship: str
    referral_received_on: date
    offender: Offender | None = None
    offender_fields: dict[str, Any] = field(default_factory=dict)
    sentence: Sentence | None = None
    sentence_fields: dict[str, Any] = field(default_factory=dict)
    counts: list[CountInput] = field(default_factory=list)
    victim: Victim | None = None
    victim_fields: dict[str, Any] = field(default_factory=dict)
    address: AddressInput | None = None
    relation_to_person_harmed: str = ""
    discretionary_context: str = ""
    discretionary_context_detail: str = ""


def counts_total(start: date, counts: list[CountInput]) -> relativedelta | None:
    """The whole term the counts' own terms come to, from the sentence date; None if none has one.

    The first count and every concurrent one start on the sentence date, a consecutive one when
    everything before it has ended (as ``offenders.eligibility.counts_term`` lays them out), so the
    wizard and the import record the same total the rules would find.
    """
    end: date | None = None
    for count in counts:
        term = relativedelta(years=count.years or 0, months=count.months or 0, days=count.days or 0)
        if not any((count.years, count.months, count.days)):
            continue
        begins = end if end is not None and count.concurrency == Concurrency.CONSECUTIVE else start
        end = begins + term if end is None else max(end, begins + term)
    return None if end is None else relativedelta(end, start)


def _on_step(step: str | None, call: Callable[..., T], **kwargs: Any) -> T:
    try:
        return call(**kwargs)
    except ValidationError as error:
        raise ReferralError(step, error_messages(error)) from error


def _check_reused(*, actor: User, answers: ReferralAnswers) -> None:
    """Records chosen earlier must still be ones the user may see (a transfer may have moved them)."""
    if answers.offender and not Offender.objects.visible_to(actor).filter(pk=answers.offender.pk).exists():
        raise ReferralError("offender", {NON_FIELD_ERRORS: ["You can no longer use that offender record"]})
    if answers.sentence and answers.sentence.offender_id != getattr(answers.offender, "pk", None):
        raise ReferralError("existing-sentence", {NON_FIELD_ERRORS: ["Choose a sentence of this offender"]})
    if answers.victim and not Victim.objects.visible_to(actor).filter(pk=answers.victim.pk).exists():
        raise ReferralError("victim", {NON_FIELD_ERRORS: ["You can no longer use that victim record"]})
    if not officers_for(actor).filter(pk=answers.officer.pk).exists():
        step = "officer" if actor.role == Role.MANAGER else None
        raise ReferralError(step, {"officer": ["Choose a VLO from your teams to hold the case"]})
    pnc = normalise_pnc(answers.offender_fields.get("pnc_number", ""))
    if answers.offender is None and pnc:
        found = offender_duplicates(
            user=actor, first_name="", last_name="", date_of_birth=None, pnc_number=pnc
        )
        if found.pnc_elsewhere:
            raise ReferralError("offender", {"pnc_number": [PNC_ELSEWHERE_MESSAGE]})
        if found.pnc_match:
            raise ReferralError("offender", {"pnc_number": [PNC_TAKEN_MESSAGE]})


def referral_create(*, actor: User, answers: ReferralAnswers) -> Case:
    """Create (or reuse) the offender, sentence and victim, then open the case: all or nothing."""
    officer = answers.officer
    with transaction.atomic():
        _check_reused(actor=actor, answers=answers)
        offender = answers.offender or _on_step(
            "offender", offender_create, actor=actor, team=officer.team, **answers.offender_fields
        )
        sentence = answers.sentence or _on_step(
            "sentence",
            sentence_create,
            actor=actor,
            offender=offender,
            counts=answers.counts,
            **answers.sentence_fields,
        )
        victim = answers.victim or _on_step(
            "victim",
            victim_create,
            actor=actor,
            team=officer.team,
            address=answers.address,
            **answers.victim_fields,
        )
        try:
            return case_create(
                actor=actor,
                victim=victim,
                sentence=sentence,
                officer=officer,
                relationship=answers.relationship,
                referral_received_on=answers.referral_received_on,
                relation_to_person_harmed=answers.relation_to_person_harmed,
                discretionary_context=answers.discretionary_context,
                discretionary_context_detail=answers.discretionary_context_detail,
            )
        except ValidationError as error:
            errors = error_messages(error)
            if "officer" in errors:
                raise ReferralError("officer" if actor.role == Role.MANAGER else None, errors) from error
            if "court" in errors:
                step = "existing-sentence" if answers.sentence else "sentence"
                raise ReferralError(step, errors) from error
            if set(errors) & {
                "referral_received_on",
                "relationship",
                "relation_to_person_harmed",
                "discretionary_context",
                "discretionary_context_detail",
            }:
                raise ReferralError("victim", errors) from error
            raise ReferralError(None, errors) from error
