"""Celery tasks for victims: thin wrappers that call one service each."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from .retention import retention_sweep


@shared_task
def retention_sweep_task(run_on: str | None = None) -> dict[str, int]:
    """Anonymise the closed cases due on or before ``run_on`` (ISO date; default today, UK time).

    A sweep over what is due, so a second run is a no-op and a missed day is caught by the next.
    """
    day = date.fromisoformat(run_on) if run_on else timezone.localdate()
    return retention_sweep(today=day)
