"""A summary table: releases and parole hearings coming up, copied from the domain tables by a job.

"Releases in the next 30 and 90 days" needs each sentence's *current* conditional release date
(the newest recorded value): finding those among 150,000 key dates on every dashboard request
costs more than the rest of the page. The hourly job (``services.upcoming_refresh``) copies the
few thousand releases and hearings due in the next ``HORIZON_DAYS`` into this table; dashboards
read it with an index. If the job has not run for ``STALE_AFTER``, the dashboards compute the
same sets live instead, so a stopped job makes pages slower, never wrong.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

HORIZON_DAYS = 100  # a little beyond the widest window (90 days), so the hour's copy covers it
STALE_AFTER = timedelta(hours=3)


class UpcomingKind(models.TextChoices):
    RELEASE = "release", "Release (conditional release date)"
    HEARING = "hearing", "Parole hearing"


class UpcomingDate(models.Model):
    """A sentence's current CRD, or a parole hearing, between the refresh day and the horizon."""

    sentence = models.ForeignKey("offenders.Sentence", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=UpcomingKind.choices)
    on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["kind", "on", "sentence"], name="dash_upcoming_kind_on_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on:%-d %B %Y}"


class UpcomingRefresh(models.Model):
    """When ``UpcomingDate`` was last filled, and from which day (one row)."""

    singleton = models.BooleanField(primary_key=True, default=True)
    refreshed_at = models.DateTimeField()
    from_day = models.DateField()
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(singleton=True), name="dash_refresh_singleton")
        ]

    def __str__(self) -> str:
        return f"Upcoming dates refreshed {self.refreshed_at:%Y-%m-%d %H:%M}"

    def is_fresh(self, *, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return now - self.refreshed_at <= STALE_AFTER and self.from_day <= timezone.localdate(now)
