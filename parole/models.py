"""Parole and tribunal work. Licence-condition requests are recorded from the victim's choices.

Parole reviews belong to a sentence (every victim's case on it shares them); what the victim
did about a review (a personal statement, a reconsideration request) belongs to their case.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from offenders.models import NON_CUSTODIAL_TYPES, Sentence, SentenceType
from vcs_portal.core.scope import ScopedQuerySet
from victims.models import Case


class ConditionKind(models.TextChoices):
    NO_CONTACT = "no_contact", "No contact with the victim"
    EXCLUSION_ZONE = "exclusion_zone", "Exclusion zone"
    NON_ASSOCIATION = "non_association", "Not to associate with named people"
    OTHER = "other", "Other condition"


class ConditionOutcome(models.TextChoices):
    REQUESTED = "requested", "Requested"
    IMPOSED = "imposed", "Imposed"
    NOT_IMPOSED = "not_imposed", "Not imposed"


class LicenceConditionQuerySet(ScopedQuerySet):
    scope_team = "case__team"
    scope_owner = "case__officer"


@pghistory.track(
    model_name="LicenceConditionRequestHistory", obj_field=pghistory.ObjForeignKey(related_name="history")
)
class LicenceConditionRequest(models.Model):
    """A licence condition the victim asked for, kept for parole work.

    The description (an exclusion zone's streets, say) goes to the offender manager;
    it must never contain the victim's own address or contact details.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="licence_conditions")
    kind = models.CharField(max_length=20, choices=ConditionKind.choices)
    description = models.TextField(blank=True)
    requested_on = models.DateField()
    sent_to_offender_manager_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(
        max_length=15, choices=ConditionOutcome.choices, default=ConditionOutcome.REQUESTED
    )
    outcome_on = models.DateField(null=True, blank=True)
    outcome_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = LicenceConditionQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_on", "-pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


# --- parole reviews -------------------------------------------------------------------------

# Decisions the victim may ask the Secretary of State to have reconsidered: Parole Board Rules
# 2019, r.28 (as amended in 2022) applies to indeterminate sentences (life, IPP, detention at
# His Majesty's pleasure), extended determinate sentences (EDS) and special custodial sentences
# for offenders of particular concern (SOPC). Decisions on any other sentence cannot be.
RECONSIDERATION_ELIGIBLE_TYPES = frozenset(
    {
        SentenceType.LIFE,
        SentenceType.IPP,
        SentenceType.DETENTION_PLEASURE,
        SentenceType.EXTENDED,
        SentenceType.SOPC,
    }
)

# Sentences with no Parole Board review: non-custodial ones and hospital orders (the tribunal's
# work). A hospital and limitation direction (s45A) or a transferred prisoner (s47/49) may go back
# to prison and come before the Board, so they are not excluded.
NO_PAROLE_TYPES = NON_CUSTODIAL_TYPES | {SentenceType.HOSPITAL_S37, SentenceType.HOSPITAL_S37_41}


class ReviewKind(models.TextChoices):
    PAPER = "paper", "Paper review"
    ORAL = "oral", "Oral hearing"


class ParoleOutcome(models.TextChoices):
    RELEASE = "release", "Release"
    NO_RELEASE = "no_release", "No release"
    OPEN_RECOMMENDED = "open_recommended", "Open conditions recommended"
    OPEN_NOT_RECOMMENDED = "open_not_recommended", "Open conditions not recommended"
    ADJOURNED = "adjourned", "Adjourned"
    OTHER = "other", "Other"


# The Board's advice on a move to open conditions is a recommendation to the Secretary of State,
# not a decision under r.28, so it cannot be reconsidered.
OPEN_CONDITIONS_OUTCOMES = frozenset({ParoleOutcome.OPEN_RECOMMENDED, ParoleOutcome.OPEN_NOT_RECOMMENDED})


class ParoleReviewQuerySet(ScopedQuerySet):
    scope_team = "sentence__offender__team"


@pghistory.track(model_name="ParoleReviewHistory", obj_field=pghistory.ObjForeignKey(related_name="history"))
class ParoleReview(models.Model):
    """One Parole Board review of a sentence. Shared by every victim's case on that sentence."""

    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, related_name="parole_reviews")
    referred_on = models.DateField("referred to the Parole Board on")
    kind = models.CharField(max_length=10, choices=ReviewKind.choices)
    hearing_on = models.DateField(
        null=True, blank=True, help_text="The oral hearing, or the day the panel considers the papers."
    )
    outcome = models.CharField(max_length=25, choices=ParoleOutcome.choices, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    summary_requested_on = models.DateField("decision summary requested on", null=True, blank=True)
    summary_received_on = models.DateField("decision summary received on", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ParoleReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="", decision_on__isnull=True)
                | (~Q(outcome="") & Q(decision_on__isnull=False)),
                name="parole_review_outcome_has_date",
                violation_error_message="A decision needs both an outcome and a date.",
            ),
            models.CheckConstraint(
                condition=Q(summary_received_on__isnull=True) | Q(summary_requested_on__isnull=False),
                name="parole_review_summary_requested_first",
                violation_error_message="A decision summary is requested before it is received.",
            ),
        ]
        indexes = [
            # The performance page's reviews heard in a period: an index-only scan of the period's
            # reviews (0.3 ms nationally) where the table was read whole (1.7 ms, growing with it).
            models.Index(
                fields=["hearing_on"], include=["sentence_id", "id"], name="parole_review_heard_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} referred {self.referred_on:%-d %B %Y}"

    @property
    def is_decided(self) -> bool:
        return bool(self.outcome)

    @property
    def reconsideration_eligible(self) -> bool:
        """Whether the sentence type allows reconsideration at all (r.28); see the constant."""
        return self.sentence.sentence_type in RECONSIDERATION_ELIGIBLE_TYPES


class CaseWorkQuerySet(ScopedQuerySet):
    scope_team = "case__team"
    scope_owner = "case__officer"


@pghistory.track(
    model_name="VictimPersonalStatementHistory", obj_field=pghistory.ObjForeignKey(related_name="history")
)
class VictimPersonalStatement(models.Model):
    """A victim's personal statement (VPS) for one parole review.

    The victim must be told, before writing, that the Board may disclose the statement to
    the offender (DOMAIN.md section 5): ``disclosure_explained_on`` comes before ``received_on``.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="personal_statements")
    review = models.ForeignKey(ParoleReview, on_delete=models.PROTECT, related_name="statements")
    invited_on = models.DateField()
    disclosure_explained_on = models.DateField(
        null=True, blank=True, help_text="When the victim was told the VPS may be disclosed to the offender."
    )
    received_on = models.DateField(null=True, blank=True)
    submitted_on = models.DateField("submitted to the Parole Board on", null=True, blank=True)
    wants_to_read_at_hearing = models.BooleanField(default=False)
    non_disclosure_applied = models.BooleanField("non-disclosure application made", default=False)
    non_disclosure_applied_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CaseWorkQuerySet.as_manager()

    class Meta:
        ordering = ["-invited_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "review"], name="vps_one_per_case_review"),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(disclosure_explained_on__isnull=False),
                name="vps_received_after_disclosure_explained",
                violation_error_message="Record when the victim was told the VPS may be disclosed first.",
            ),
            models.CheckConstraint(
                condition=Q(submitted_on__isnull=True) | Q(received_on__isnull=False),
                name="vps_submitted_after_received",
                violation_error_message="A VPS is received before it is submitted.",
            ),
            models.CheckConstraint(
                condition=Q(non_disclosure_applied=False, non_disclosure_applied_on__isnull=True)
                | Q(non_disclosure_applied=True, non_disclosure_applied_on__isnull=False),
                name="vps_non_disclosure_has_date",
                violation_error_message="A non-disclosure application needs its date.",
            ),
        ]

    def __str__(self) -> str:
        return f"VPS invited {self.invited_on:%-d %B %Y}"


class ReconsiderationRequest(models.Model):
    """The victim's request that the Secretary of State seek reconsideration of a decision."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reconsideration_requests")
    review = models.ForeignKey(
        ParoleReview, on_delete=models.PROTECT, related_name="reconsideration_requests"
    )
    requested_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CaseWorkQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "review"], name="reconsideration_one_per_case_review")
        ]

    def __str__(self) -> str:
        return f"Reconsideration requested {self.requested_on:%-d %B %Y}"


# --- Mental Health Tribunal ---------------------------------------------------------------


class Tribunal(models.TextChoices):
    ENGLAND = "england", "First-tier Tribunal (Mental Health)"
    WALES = "wales", "Mental Health Review Tribunal for Wales"


class TribunalDecision(models.TextChoices):
    ABSOLUTE = "absolute", "Absolute discharge"
    CONDITIONAL = "conditional", "Conditional discharge"
    DEFERRED_CONDITIONAL = "deferred_conditional", "Deferred conditional discharge"
    NO_DISCHARGE = "no_discharge", "No discharge"


class TribunalHearing(models.Model):
    """A restricted patient's application to the Mental Health Tribunal, and the VLO's part in it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tribunal_hearings")
    applied_on = models.DateField("application date")
    hearing_on = models.DateField(null=True, blank=True)
    tribunal = models.CharField(max_length=10, choices=Tribunal.choices)
    representations_submitted_on = models.DateField(null=True, blank=True)
    representations_summary = models.TextField(blank=True)
    requested_conditions = models.TextField(blank=True)
    victim_impact_statement = models.TextField(
        blank=True, help_text="About discharge conditions only; for applications from 25 June 2025."
    )
    decision = models.CharField(max_length=25, choices=TribunalDecision.choices, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CaseWorkQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="", decision_on__isnull=True)
                | (~Q(decision="") & Q(decision_on__isnull=False)),
                name="tribunal_decision_has_date",
                violation_error_message="A decision needs both the decision and its date.",
            ),
        ]

    def __str__(self) -> str:
        return f"Tribunal application {self.applied_on:%-d %B %Y}"


class HospitalManagersReferral(models.Model):
    """An unrestricted patient's case passed to the hospital managers, who deal with the victim."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="hospital_managers_referrals")
    referred_on = models.DateField()
    hospital = models.CharField(max_length=150)
    contact_name = models.CharField(max_length=150, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CaseWorkQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-pk"]

    def __str__(self) -> str:
        return f"Referred to the hospital managers {self.referred_on:%-d %B %Y}"


# --- MAPPA and MARAC --------------------------------------------------------------------------


class MeetingKind(models.TextChoices):
    MAPPA = "mappa", "MAPPA meeting"
    MARAC = "marac", "MARAC"


class MeetingLevel(models.TextChoices):
    LEVEL_1 = "1", "Level 1"
    LEVEL_2 = "2", "Level 2"
    LEVEL_3 = "3", "Level 3"


class MultiAgencyMeeting(models.Model):
    """A MAPPA or MARAC meeting and what the VLO put forward for the victim."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="multi_agency_meetings")
    kind = models.CharField(max_length=10, choices=MeetingKind.choices)
    held_on = models.DateField()
    level = models.CharField("MAPPA level", max_length=1, choices=MeetingLevel.choices, blank=True)
    views_put_forward = models.TextField()
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CaseWorkQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=MeetingKind.MAPPA, level__in=["1", "2", "3"])
                | Q(kind=MeetingKind.MARAC, level=""),
                name="meeting_level_only_for_mappa",
                violation_error_message="A MAPPA meeting has a level 1 to 3; a MARAC has none.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%-d %B %Y}"
