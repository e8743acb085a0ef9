"""Victims, their addresses, and the cases that link them to an offender's sentence.

Addresses live in structured rows with history: exactly one is the current safe
address, old ones are kept and marked do-not-use, and an address can never be
changed through a free-text note (DOMAIN.md section 5, the Charnwood breach).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pghistory
import pgtrigger
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.utils import timezone

from offenders.models import Offender, Sentence
from vcs_portal.core.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedTextField,
)
from vcs_portal.core.models import Team
from vcs_portal.core.scope import ScopedQuerySet
from vcs_portal.core.search import postcode_normalise, search_text

from . import deadlines


class Channel(models.TextChoices):
    LETTER = "letter", "Letter"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    VISIT = "visit", "Visit"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    WELSH = "cy", "Welsh (Cymraeg)"


class VictimQuerySet(ScopedQuerySet):
    scope_team = "team"


@pghistory.track(model_name="VictimHistory", obj_field=pghistory.ObjForeignKey(related_name="history"))
class Victim(models.Model):
    """A person the scheme contacts: a direct victim or a bereaved family member."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="victims")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    # Contact details and safety notes are encrypted at rest (docs/encryption.md).
    phone = EncryptedCharField(max_length=30, blank=True)
    email = EncryptedEmailField(blank=True)
    preferred_channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.LETTER)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    accessibility_needs = EncryptedTextField(blank=True)
    large_print = models.BooleanField(default=False, help_text="Letters in large print.")
    safe_times_to_call = EncryptedCharField(max_length=255, blank=True)
    guardian_first_name = models.CharField("parent or guardian's first name", max_length=100, blank=True)
    guardian_last_name = models.CharField("parent or guardian's last name", max_length=100, blank=True)
    guardian_relationship = models.CharField("parent or guardian's relationship", max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    anonymised_at = models.DateTimeField(
        null=True, blank=True, help_text="When the retention sweep removed the victim's details."
    )

    objects = VictimQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name", "date_of_birth"], name="victim_name_dob_idx"),
            # Case search (selectors.case_search): partial, accent-blind names.
            GinIndex(
                OpClass(search_text("first_name", "last_name"), name="gin_trgm_ops"),
                name="victim_name_trgm_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def eighteenth_birthday(self) -> date | None:
        return self.date_of_birth + relativedelta(years=18) if self.date_of_birth else None

    def is_child(self, on: date) -> bool:
        birthday = self.eighteenth_birthday()
        return birthday is not None and on < birthday

    def addressee_name(self, on: date) -> str:
        """Who letters go to: the parent or guardian until the 18th birthday, then the victim."""
        if self.is_child(on) and self.guardian_last_name:
            return f"{self.guardian_first_name} {self.guardian_last_name}".strip()
        return self.full_name

    @property
    def current_address(self) -> Address | None:
        return next((a for a in self.addresses.all() if a.is_current), None)


@pghistory.track(model_name="AddressHistory", obj_field=pghistory.ObjForeignKey(related_name="history"))
class Address(models.Model):
    """A postal address in structured fields. Only the current safe address is ever used."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="addresses")
    line_1 = EncryptedCharField("address line 1", max_length=150)
    line_2 = EncryptedCharField("address line 2", max_length=150, blank=True)
    town = EncryptedCharField("town or city", max_length=100)
    county = EncryptedCharField(max_length=100, blank=True)
    postcode = EncryptedCharField(max_length=10)
    # The postcode cannot be searched encrypted: a keyed hash of it can (docs/search.md).
    postcode_index = BlindIndexField(source="postcode", normalise=postcode_normalise, db_index=True)
    is_current = models.BooleanField(default=True)
    do_not_use = models.BooleanField(default=False, help_text="A former address: never write to it.")
    valid_from = models.DateField(default=date.today)
    valid_to = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["-is_current", "-valid_from", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["victim"], condition=Q(is_current=True), name="address_one_current_per_victim"
            ),
            models.CheckConstraint(
                condition=~(Q(is_current=True) & Q(do_not_use=True)),
                name="address_current_is_usable",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.county, self.postcode) if p)

    @property
    def lines(self) -> list[str]:
        return [p for p in (self.line_1, self.line_2, self.town, self.county, self.postcode) if p]


class Relationship(models.TextChoices):
    DIRECT = "direct", "Direct victim"
    BEREAVED = "bereaved", "Bereaved family member"
    PARENT_OF_CHILD = "parent", "Parent or guardian of a child victim"


class DiscretionaryContext(models.TextChoices):
    """Where the scheme may be offered at a manager's discretion, whatever the sentence (DOMAIN.md s.2)."""

    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    STALKING = "stalking", "Stalking"
    HARASSMENT = "harassment", "Harassment"
    HATE_CRIME = "hate_crime", "Hate crime"
    OTHER = "other", "Another context"


class DiscretionaryDecision(models.TextChoices):
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class CaseStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    OFFER_SENT = "offer_sent", "Offer sent"
    OPTED_IN = "opted_in", "Opted in"
    DECLINED = "declined", "Declined"
    NO_RESPONSE = "no_response", "No response"
    UNABLE_TO_TRACE = "unable_to_trace", "Unable to trace"
    OPTED_OUT = "opted_out", "Opted out"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = [s for s in CaseStatus if s != CaseStatus.CLOSED]

# The lifecycle: which status may follow which. Opting out and back in is allowed at any time.
TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.REFERRED: {
        CaseStatus.OFFER_SENT,
        CaseStatus.OPTED_IN,
        CaseStatus.DECLINED,
        CaseStatus.UNABLE_TO_TRACE,
        CaseStatus.CLOSED,
    },
    CaseStatus.OFFER_SENT: {
        CaseStatus.OPTED_IN,
        CaseStatus.DECLINED,
        CaseStatus.NO_RESPONSE,
        CaseStatus.UNABLE_TO_TRACE,
        CaseStatus.CLOSED,
    },
    CaseStatus.OPTED_IN: {CaseStatus.OPTED_OUT, CaseStatus.CLOSED},
    CaseStatus.DECLINED: {CaseStatus.OPTED_IN, CaseStatus.OFFER_SENT, CaseStatus.CLOSED},
    CaseStatus.NO_RESPONSE: {
        CaseStatus.OPTED_IN,
        CaseStatus.DECLINED,
        CaseStatus.OFFER_SENT,
        CaseStatus.CLOSED,
    },
    CaseStatus.UNABLE_TO_TRACE: {CaseStatus.OFFER_SENT, CaseStatus.OPTED_IN, CaseStatus.CLOSED},
    CaseStatus.OPTED_OUT: {CaseStatus.OPTED_IN, CaseStatus.CLOSED},
    CaseStatus.CLOSED: set(),
}


class ClosureReason(models.TextChoices):
    SENTENCE_ENDED = "sentence_ended", "Sentence or licence ended"
    OFFENDER_DIED = "offender_died", "Offender died"
    OFFENDER_DEPORTED = "offender_deported", "Offender deported"
    VICTIM_DIED = "victim_died", "Victim died"
    NOT_ELIGIBLE = "not_eligible", "Not eligible (confirmed by a manager)"
    DECLINED = "declined", "Victim declined the scheme"
    DUPLICATE = "duplicate", "Duplicate referral"
    DISCRETION_DECLINED = "discretion_declined", "Discretionary offer declined by a manager"
    OTHER = "other", "Other"


class ContactLevel(models.TextChoices):
    RELEASE_MONTH = "release_month", "Release month only"
    ANNUAL = "annual", "Annual letter"
    ALL_KEY_STAGES = "all_key_stages", "All key stages"


def first_contact_overdue_q(today: date) -> Q:
    """The one rule for "first contact overdue", as a condition on a case.

    An open statutory case with no first contact whose first-contact deadline is before
    ``today``, whatever its status: a case still 'referred' (never offered the scheme) is
    overdue too. A discretionary case (``statutory=False``) is never overdue: no statutory
    deadline breach is raised for it (DOMAIN.md section 2). A Q rather than only a queryset
    method, so the dashboards can count it inside one aggregate (``Count(filter=...)``); the
    cheap column tests come first. ``Case.first_contact_state`` says the same for one case.
    """
    return Q(statutory=True, first_contact_on__isnull=True, first_contact_due__lt=today) & ~Q(
        status=CaseStatus.CLOSED
    )


def escalation_overdue_q(today: date) -> Q:
    """Open statutory cases with no first contact past their escalation date (no contact since
    sentence: 40 working days by default), whatever the first-contact deadline says."""
    return Q(statutory=True, first_contact_on__isnull=True, escalation_due__lt=today) & ~Q(
        status=CaseStatus.CLOSED
    )


class Standing(models.TextChoices):
    """Where a case stands in the scheme, said the same way on every page (``Case.standing``)."""

    STATUTORY = "statutory", "Statutory"
    NEEDS_REVIEW = "needs_review", "Eligibility needs review"
    AWAITING_DECISION = "awaiting_decision", "Discretionary: waiting for a manager's decision"
    APPROVED = "approved", "Discretionary: approved by a manager"
    DECLINED = "declined", "Discretionary: declined by a manager"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"


class CaseQuerySet(ScopedQuerySet):
    scope_team = "team"
    scope_owner = "officer"

    def open(self) -> CaseQuerySet:
        return self.exclude(status=CaseStatus.CLOSED)

    def awaiting_first_contact(self) -> CaseQuerySet:
        return self.open().filter(first_contact_on__isnull=True)

    def first_contact_overdue(self, today: date) -> CaseQuerySet:
        """See ``first_contact_overdue_q``: the caseload filter, the dashboards and the sweeps share it."""
        return self.filter(first_contact_overdue_q(today))

    def needs_escalation(self, today: date) -> CaseQuerySet:
        """Cases whose missing first contact goes to a manager: overdue, or past the escalation date."""
        return self.filter(first_contact_overdue_q(today) | escalation_overdue_q(today))


# The cases the annual-letter rule can apply to (``contacts.rules.annual_letter_period``).
ANNUAL_CASES = Q(status="opted_in", contact_level__in=[ContactLevel.ANNUAL, ContactLevel.ALL_KEY_STAGES])


@pghistory.track(
    model_name="CaseHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
    exclude=["next_annual_on"],  # the sweep's bookkeeping, not a fact about the case
)
class Case(models.Model):
    """One victim's place in the scheme for one sentence."""

    reference = models.CharField(max_length=20, unique=True)
    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="cases")
    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="cases")
    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases", help_text="The VLO."
    )
    relationship = models.CharField(max_length=10, choices=Relationship.choices)
    relation_to_person_harmed = models.CharField(
        "who they are to the person harmed",
        max_length=50,
        blank=True,
        help_text="For a family member or parent: for example mother, son, partner.",
    )
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.REFERRED)
    status_changed_on = models.DateField(default=date.today)
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    contact_level = models.CharField(max_length=20, choices=ContactLevel.choices, blank=True)
    statutory = models.BooleanField(
        default=True, help_text="False for a discretionary case: no statutory deadline breach is raised."
    )
    discretionary_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The discretionary pathway (DOMAIN.md section 2): the context is recorded at referral, then a
    # manager approves or declines with a reason. An approved case stays statutory=False, so no
    # statutory deadline, escalation or breach figure ever counts it.
    discretionary_context = models.CharField(max_length=20, choices=DiscretionaryContext.choices, blank=True)
    discretionary_context_detail = models.CharField("what the other context is", max_length=255, blank=True)
    discretionary_decision = models.CharField(
        max_length=10, choices=DiscretionaryDecision.choices, blank=True
    )
    discretionary_decision_reason = models.CharField(max_length=255, blank=True)
    discretionary_decided_on = models.DateField(null=True, blank=True)
    needs_review = models.BooleanField(default=False)
    review_reason = models.CharField(max_length=255, blank=True)
    referral_received_on = models.DateField()
    referral_due = models.DateField(null=True, blank=True)
    referral_rule = models.CharField(max_length=255, blank=True)
    first_contact_due = models.DateField(null=True, blank=True)
    first_contact_rule = models.CharField(max_length=255, blank=True)
    escalation_due = models.DateField(null=True, blank=True)
    escalation_rule = models.CharField(max_length=255, blank=True)
    first_contact_on = models.DateField(null=True, blank=True)
    retention_date = models.DateField(
        null=True,
        blank=True,
        help_text="Set on closure: the day the retention sweep anonymises the case (docs/retention.md).",
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    next_annual_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The day the next annual letter's window opens, kept by the deadline sweep so a day "
        "reads only the cases due; empty until the sweep has looked, and emptied by a trigger when "
        "the status, the opt-in date or the contact level changes.",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["first_contact_due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["victim", "sentence"], name="case_one_per_victim_sentence"),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.CLOSED) | ~Q(closure_reason=""),
                name="case_closed_has_reason",
                violation_error_message="A closed case needs a reason.",
            ),
            models.CheckConstraint(
                condition=~Q(discretionary_context="other") | ~Q(discretionary_context_detail=""),
                name="case_other_context_says_what",
                violation_error_message="Say what the other context is.",
            ),
            models.CheckConstraint(
                condition=Q(discretionary_decision="")
                | (~Q(discretionary_decision_reason="") & Q(discretionary_decided_on__isnull=False)),
                name="case_discretion_decision_has_reason",
                violation_error_message="A manager's decision needs a reason and a date.",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "status", "first_contact_due"], name="case_team_status_due_idx"),
            models.Index(fields=["officer", "status", "first_contact_due"], name="case_officer_status_idx"),
            # The caseload's default list: open cases of a team by first-contact due date.
            models.Index(
                fields=["team", "first_contact_due", "id"],
                condition=~Q(status="closed"),
                name="case_team_open_due_idx",
            ),
            # A VLO's own caseload (the page's default, scoped to their team): their open cases
            # by due date, from one index, not the team's bitmap ANDed with the officer's.
            models.Index(
                fields=["team", "officer", "first_contact_due", "id"],
                condition=~Q(status="closed"),
                name="case_officer_open_due_idx",
            ),
            # Dashboards aggregate a team's cases from the index alone.
            models.Index(
                fields=["team"],
                include=[
                    "id",
                    "officer",
                    "status",
                    "statutory",
                    "first_contact_due",
                    "first_contact_on",
                    "sentence",
                    "referral_received_on",
                    "status_changed_on",
                    "closure_reason",
                ],
                name="case_team_dashboard_idx",
            ),
            # The annual-letter sweeps: the cases whose next window has opened (or never looked at).
            models.Index(fields=["next_annual_on"], condition=ANNUAL_CASES, name="case_annual_due_idx"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="case_annual_reschedule",
                when=pgtrigger.Before,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("status", "status_changed_on", "contact_level", "created_at"),
                func="NEW.next_annual_on := NULL; RETURN NEW;",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        """Also forget the rows read for the case page (``victims.selectors.case_rows``)."""
        self.__dict__.pop("_case_rows", None)
        super().refresh_from_db(*args, **kwargs)

    def first_contact_state(self, today: date) -> str:
        """The first-contact deadline's state; a case closed without contact has none to show."""
        if not self.is_open and self.first_contact_on is None:
            return deadlines.STATE_NONE
        return deadlines.deadline_state(
            self.first_contact_due, self.first_contact_on, today, statutory=self.statutory
        )

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def context_text(self) -> str:
        """The recorded discretionary context in words ("domestic abuse"); empty if none."""
        if self.discretionary_context == DiscretionaryContext.OTHER:
            return self.discretionary_context_detail
        if self.discretionary_context:
            return DiscretionaryContext(self.discretionary_context).label.lower()
        return ""

    @property
    def relationship_text(self) -> str:
        """The relationship as shown: "Bereaved family member (mother)"."""
        label = self.get_relationship_display()
        return f"{label} ({self.relation_to_person_harmed})" if self.relation_to_person_harmed else label

    @property
    def standing(self) -> str:
        """Where the case stands, from its own fields, so the header, eligibility section, next
        actions and caseload say the same thing without assessing the sentence again.

        Statutory wins. Otherwise a manager's decision, then a recorded context (waiting for one),
        then a review flag (a date of birth the rules need, or a change the sweep found); a case
        with none of these is not eligible.
        """
        if self.statutory:
            return Standing.STATUTORY
        if self.discretionary_decision == DiscretionaryDecision.APPROVED or self.discretionary_approved_by_id:
            return Standing.APPROVED
        if self.discretionary_decision == DiscretionaryDecision.DECLINED:
            return Standing.DECLINED
        if self.discretionary_context:
            return Standing.AWAITING_DECISION
        if self.needs_review:
            return Standing.NEEDS_REVIEW
        return Standing.NOT_ELIGIBLE

    @property
    def standing_label(self) -> str:
        return str(Standing(self.standing).label)

    @property
    def awaiting_decision(self) -> bool:
        return self.is_open and self.standing == Standing.AWAITING_DECISION


class CaseStatusChange(models.Model):
    """The case's lifecycle history; never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    changed_on = models.DateField(default=date.today)
    reason = models.CharField(max_length=255, blank=True)
    how_received = models.CharField(max_length=50, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-changed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class RestrictionKind(models.TextChoices):
    ADDRESS_CONFIDENTIAL = "address_confidential", "Address confidential"
    DO_NOT_PHONE = "do_not_phone", "Do not phone"
    NO_BRANDED_LETTERS = "no_branded_letters", "No letters with branding"
    NO_VOICEMAIL = "no_voicemail", "Do not leave voicemail"
    OTHER = "other", "Other restriction"


@pghistory.track(
    model_name="VictimRestrictionHistory", obj_field=pghistory.ObjForeignKey(related_name="history")
)
class VictimRestriction(models.Model):
    """A restriction on how we contact a victim: its own row, never overwritten by a note.

    Lifting one is recorded on the same row (who, when, why); it is never deleted.
    """

    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="restrictions")
    kind = models.CharField(max_length=25, choices=RestrictionKind.choices)
    detail = models.CharField(max_length=255, blank=True)
    added_on = models.DateField(default=date.today)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["kind", "-added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["victim", "kind"],
                condition=Q(lifted_at__isnull=True) & ~Q(kind="other"),
                name="restriction_one_active_per_kind",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


@pghistory.track(model_name="SafetyConcernHistory", obj_field=pghistory.ObjForeignKey(related_name="history"))
class SafetyConcern(models.Model):
    """A concern the victim raised about the offender or their safety (sensitive)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="safety_concerns")
    raised_on = models.DateField()
    description = EncryptedTextField()
    share_with_offender_manager = models.BooleanField(
        default=False, help_text="The victim agreed this may go to the offender manager (no contact details)."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-raised_on", "-pk"]

    def __str__(self) -> str:
        return f"Safety concern, {self.raised_on:%-d %B %Y}"


class ChoiceKind(models.TextChoices):
    OPT_IN = "opt_in", "Opted in"
    OPT_OUT = "opt_out", "Opted out"
    CONTACT_LEVEL = "contact_level", "Level of contact"
    CHANNEL = "channel", "Preferred contact"
    LANGUAGE = "language", "Language"
    ADDRESS = "address", "Safe address"
    RESTRICTION_ADDED = "restriction_added", "Restriction added"
    RESTRICTION_LIFTED = "restriction_lifted", "Restriction lifted"
    SAFETY_CONCERN = "safety_concern", "Safety concern"
    LICENCE_CONDITION = "licence_condition", "Licence condition requested"


class VictimChoice(models.Model):
    """The history of what the victim chose, for the case timeline.

    ``summary`` says what changed in words safe to show anyone who may see the case;
    it never holds an address, phone number or the text of a safety concern.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="choices")
    kind = models.CharField(max_length=25, choices=ChoiceKind.choices)
    summary = models.CharField(max_length=255)
    received_on = models.DateField(default=date.today)
    how_received = models.CharField(max_length=50, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return self.summary


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    CHECKING = "checking", "Checking the rows"
    APPLYING = "applying", "Checking against existing records and saving"
    DONE = "done", "Finished"
    FAILED = "failed", "Could not be finished"


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ImportJobQuerySet:
        """A job is its uploader's alone: another manager of the same team sees none of it."""
        return self.filter(created_by_id=getattr(user, "pk", None))


class ImportJob(models.Model):
    """One uploaded referral file, checked and applied by a worker (victims/import_jobs.py).

    The file's bytes are kept here only until the worker has read them: they hold personal data
    and the errors and counts are what the manager needs afterwards.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    file_name = models.CharField(max_length=255)
    content = models.BinaryField(blank=True, editable=False)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_to_write = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    rows_with_problems = models.PositiveIntegerField(default=0)
    # [{"row": 2, "column": "postcode", "message": "..."}], sorted by row then column.
    errors = models.JSONField(default=list, blank=True)
    # The counts of what was (or on a dry run would have been) created: ImportResult's fields.
    counts = models.JSONField(default=dict, blank=True)
    saved = models.BooleanField(default=False)
    failure = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.file_name} ({self.get_status_display()})"

    @property
    def running(self) -> bool:
        return self.status in {ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.APPLYING}
