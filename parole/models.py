"""Parole and tribunal work. Licence-condition requests are recorded from the victim's choices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

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
