"""Celery tasks for contact work: thin wrappers that call one service each.

Both are sweeps over what is due, safe to run twice: a missed run is caught by the next.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from .services import alerts_sweep, deadline_sweep


def _day(run_on: str | None) -> date:
    return date.fromisoformat(run_on) if run_on else timezone.localdate()


@shared_task
def deadline_sweep_task(run_on: str | None = None) -> dict[str, int]:
    """Make the tasks the deadlines call for on ``run_on`` (ISO date; default today, UK time)."""
    return deadline_sweep(today=_day(run_on))


@shared_task
def alerts_sweep_task(run_on: str | None = None) -> int:
    """Catch up alerts for events and key dates recorded recently; returns tasks created."""
    return alerts_sweep(today=_day(run_on))
