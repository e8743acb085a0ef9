"""The exchange with prison-side systems: registered clients, the events they send, the
consultations they open and the VLO's answers.

Nothing here holds a victim's details. An event names an offender by prison number; a
consultation asks about an offender; an answer is the VLO's own words, checked against every
victim of the offender before it is stored (``vcs_portal.exchange.redaction``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from offenders.models import Offender, SentenceEvent
from vcs_portal.core.models import Region, Role
from vcs_portal.core.scope import ScopedQuerySet
from victims.models import Case

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from vcs_portal.core.models import User


class Operation(models.TextChoices):
    """What a client may do; an admin grants each one."""

    EVENTS = "events", "Send custody events"
    CONSULTATIONS = "consultations", "Open consultations and read the answers"
    WEBHOOKS = "webhooks", "Register webhooks"


class ApiClientQuerySet(models.QuerySet):
    def active(self) -> ApiClientQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiClient(models.Model):
    """A prison-side system allowed to call the API, within one region.

    Only a SHA-256 digest of its token is stored: the token is shown once, when it is made or
    rotated. ``service_user`` is the inactive account its writes are recorded under, so the
    sentence events it sends show who reported them and it can never sign in.
    """

    name = models.CharField(max_length=100, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="api_clients")
    operations = ArrayField(models.CharField(max_length=20, choices=Operation.choices), default=list)
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(
        max_length=12, help_text="The token's first characters, to tell tokens apart; not a secret."
    )
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def may(self, operation: str) -> bool:
        return self.is_active and operation in self.operations


class InboundStatus(models.TextChoices):
    ACCEPTED = "accepted", "Accepted, waiting to be recorded"
    RECORDED = "recorded", "Recorded as a sentence event"
    IGNORED = "ignored", "Not a sentence event (kept)"
    UNMATCHED = "unmatched", "No offender matched"
    REJECTED = "rejected", "Malformed or not acceptable"
    FAILED = "failed", "Could not be recorded"


# Statuses a manager should look at: the event was kept but nothing was recorded from it.
NEEDS_REVIEW_STATUSES = [InboundStatus.UNMATCHED, InboundStatus.REJECTED, InboundStatus.FAILED]


class InboundEventQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> InboundEventQuerySet:
        """Managers and admins see the events of their region's clients (an event names no victim)."""
        if (
            not getattr(user, "is_authenticated", False)
            or not user.is_active
            or user.role not in {Role.MANAGER, Role.ADMIN}
            or not user.region_id
        ):
            return self.none()
        return self.filter(client__region_id=user.region_id)

    def needs_review(self) -> InboundEventQuerySet:
        return self.filter(status__in=NEEDS_REVIEW_STATUSES, reviewed_at__isnull=True)


class InboundEvent(models.Model):
    """One event a client posted, kept whatever became of it: recorded, ignored or refused.

    ``idempotency_key`` is the client's Idempotency-Key header, or a digest of the event itself;
    the same key from the same client is one row, so the same event is recorded once.
    ``payload`` holds only the envelope's known fields; ``raw`` the body as received, for a
    refused event (capped), so a manager can see what came.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="inbound_events")
    idempotency_key = models.CharField(max_length=128)
    body_digest = models.CharField(max_length=64, help_text="SHA-256 of the body, to spot a key reused.")
    event_type = models.CharField(max_length=120, blank=True)
    reason = models.CharField(max_length=60, blank=True)
    prison_number = models.CharField(max_length=20, blank=True)
    pnc_number = models.CharField(max_length=20, blank=True)
    prison_code = models.CharField(max_length=20, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    raw = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=InboundStatus.choices)
    event_kind = models.CharField(max_length=25, blank=True)
    offender = models.ForeignKey(
        Offender, on_delete=models.PROTECT, null=True, blank=True, related_name="inbound_events"
    )
    sentence_event = models.OneToOneField(
        SentenceEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="inbound_event"
    )
    problem = models.JSONField(default=dict, blank=True, help_text="The problem document sent back, if any.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = InboundEventQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["client", "idempotency_key"], name="inbound_once_per_client_key")
        ]
        indexes = [
            models.Index(fields=["offender", "status", "id"], name="inbound_offender_pending_idx"),
            models.Index(fields=["status", "reviewed_at"], name="inbound_review_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type or 'event'} from {self.client_id} ({self.status})"


class ConsultationKind(models.TextChoices):
    EARLY_RELEASE = "early_release", "Early release or home detention curfew"
    RECATEGORISATION = "recategorisation", "Recategorisation"
    ROTL = "rotl", "Release on temporary licence (ROTL)"
    RECALL = "recall", "Recall"
    PAROLE_REPORT = "parole_report", "Parole report (PAROM1)"


class ConsultationStatus(models.TextChoices):
    OPEN = "open", "Waiting for the VLO"
    ANSWERED = "answered", "Answered"


class ConsultationQuerySet(ScopedQuerySet):
    scope_team = "case__team"
    scope_owner = "case__officer"

    def open(self) -> ConsultationQuerySet:
        return self.filter(status=ConsultationStatus.OPEN)


class Consultation(models.Model):
    """A question a client asks the VLO about an offender before it decides.

    It is put to the officer of one case of the offender (``case``): the VLO answers for
    every victim of the offender they know of.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="consultations")
    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="consultations")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consultations")
    kind = models.CharField(max_length=20, choices=ConsultationKind.choices)
    question = models.TextField()
    due_on = models.DateField()
    client_reference = models.CharField(max_length=60, blank=True)
    status = models.CharField(
        max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )
    opened_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="consultation_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} consultation {self.pk}"


class YesNoNA(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class VpsWish(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNDECIDED = "undecided", "Not decided yet"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ConsultationAnswer(models.Model):
    """The VLO's answer, in the shape the asking tools use (PAROM1 'Victims', recall, HDC).

    Every text field was checked against the offender's victims' details before it was saved.
    """

    consultation = models.OneToOneField(Consultation, on_delete=models.PROTECT, related_name="answer")
    victims_in_scheme = models.CharField(max_length=15, choices=YesNoNA.choices)
    licence_conditions_requested = models.CharField(max_length=15, choices=YesNoNA.choices)
    licence_conditions = models.TextField(
        blank=True, help_text="The conditions asked for, in words: never an address."
    )
    wishes_to_make_vps = models.CharField("wishes to make a VPS", max_length=15, choices=VpsWish.choices)
    victim_last_contacted_on = models.DateField(null=True, blank=True)
    response = models.TextField()
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Answer to consultation {self.consultation_id}"


class Webhook(models.Model):
    """A URL a client asked to be told at when one of its consultations is answered."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="webhooks")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64, help_text="Signs each delivery (HMAC-SHA256); shown once.")
    created_at = models.DateTimeField(default=timezone.now)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "url"], condition=Q(disabled_at__isnull=True), name="webhook_once_per_url"
            )
        ]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One notice to one webhook; the payload is what was (or will be) sent, as sent."""

    webhook = models.ForeignKey(Webhook, on_delete=models.PROTECT, related_name="deliveries")
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="deliveries")
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["webhook", "consultation"], name="delivery_once_per_answer")
        ]

    def __str__(self) -> str:
        return f"Delivery {self.pk} ({self.status})"
