"""Letters to victims: the wording admins edit, and each letter a VLO drafts, approves and sends.

A letter's body is rendered from its ``LetterTemplate`` in a sandbox (``rendering.py``) and kept
as a snapshot; the PDF is stored in the database, never on a path the web server could serve.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from vcs_portal.core.scope import ScopedQuerySet
from victims.models import Address, Case, Language


class LetterKind(models.TextChoices):
    OFFER = "offer", "Offer of the scheme"
    ANNUAL = "annual", "Annual contact letter"
    RECATEGORISATION = "recategorisation", "Key stage: new security category"
    OPEN_CONDITIONS = "open_conditions", "Key stage: move to open conditions"
    PAROLE_REVIEW = "parole_review", "Key stage: parole review coming up"
    PAROLE_OUTCOME = "parole_outcome", "Key stage: parole decision"
    RELEASE = "release", "Key stage: release (month only)"
    LICENCE_CONDITIONS = "licence_conditions", "Key stage: licence conditions"
    RECALL = "recall", "Key stage: recall to prison"
    VPS_INVITATION = "vps_invitation", "Invitation to make a Victim Personal Statement"
    OPT_OUT = "opt_out", "Confirmation of opting out"


# Kinds a victim who chose each level of contact wants (DOMAIN.md section 4). Sweeps draft only
# these; a VLO may still draft any kind by hand.
KINDS_FOR_LEVEL: dict[str, frozenset[str]] = {
    "release_month": frozenset({LetterKind.RELEASE}),
    "annual": frozenset({LetterKind.ANNUAL, LetterKind.RELEASE, LetterKind.LICENCE_CONDITIONS}),
    "all_key_stages": frozenset(set(LetterKind) - {LetterKind.OFFER, LetterKind.OPT_OUT}),
}


class LetterStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Cancelled"


class SentVia(models.TextChoices):
    POSTED = "posted", "Posted"
    EMAILED = "emailed", "Emailed"


class LetterTemplate(models.Model):
    """The wording of one kind of letter in one language.

    ``subject`` and ``body`` are Django template text limited to the placeholders in
    ``rendering.PLACEHOLDERS`` and ``{% if %}``; the body is plain text (blank lines make
    paragraphs, lines starting "- " make a bulleted list). Everything is escaped on rendering.
    """

    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    language = models.CharField(max_length=2, choices=Language.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="letter_template_one_per_kind_language")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_language_display()})"


class LetterQuerySet(ScopedQuerySet):
    scope_team = "case__team"
    scope_owner = "case__officer"

    def without_pdf(self) -> LetterQuerySet:
        """Lists never need the PDF bytes."""
        return self.defer("pdf")


class Letter(models.Model):
    """One letter to the victim (or their parent or guardian) on a case.

    ``period_key`` names what the letter is for (``2027`` for an annual letter, ``crd:2027-03-14``
    for a release alert, the drafting date for a letter drafted by hand): with the unique
    constraint it makes every sweep safe to re-run. A cancelled letter stays on record but frees
    its period, so the letter can be drafted again (to a new address, say).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    language = models.CharField(max_length=2, choices=Language.choices)
    period_key = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=LetterStatus.choices, default=LetterStatus.DRAFT)
    subject = models.CharField(max_length=255)
    body_html = models.TextField(help_text="The rendered body: a snapshot, frozen when approved.")
    free_text = models.TextField(blank=True, help_text="The VLO's own paragraph.")
    addressee = models.CharField(max_length=205, blank=True)
    address = models.ForeignKey(
        Address,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The safe address the letter was approved for.",
    )
    branded = models.BooleanField(default=True)
    large_print = models.BooleanField(
        default=False, help_text="Printed in large print (the victim's preference)."
    )
    signatory = models.CharField(max_length=150, blank=True)
    letter_date = models.DateField(null=True, blank=True, help_text="The date printed on the letter.")
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    pdf_pages = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when a scheduled job drafted it.",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_via = models.CharField(max_length=10, choices=SentVia.choices, blank=True)
    last_edited_at = models.DateTimeField(null=True, blank=True)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who last changed the VLO's paragraph: with the drafter, not the one who approves it.",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A cancelled letter does not count: the letter for that period can be drafted again.
            models.UniqueConstraint(
                fields=["case", "kind", "period_key"],
                condition=~models.Q(status="cancelled"),
                name="letter_once_per_case_kind_period",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | ~models.Q(sent_via=""),
                name="letter_sent_has_channel",
                violation_error_message="A sent letter says how it was sent.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "cancelled"]) | models.Q(approved_at__isnull=False),
                name="letter_approved_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "approved_at"], name="letter_status_approved_idx"),
            models.Index(fields=["case", "-created_at"], name="letter_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.period_key})"

    @property
    def is_editable(self) -> bool:
        return self.status == LetterStatus.DRAFT
