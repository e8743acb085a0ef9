"""Celery tasks for letters: thin wrappers that take primary keys or an ISO date and call one service."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import services, sweeps


def _day(as_of: str | None) -> date:
    return date.fromisoformat(as_of) if as_of else timezone.localdate()


@shared_task
def letter_render_task(letter_id: int) -> bool:
    """Render and store an approved letter's PDF. Safe to run twice (it renders again)."""
    return services.letter_pdf_store(letter_id=letter_id)


@shared_task
def annual_letter_sweep_task(as_of: str | None = None) -> str:
    return sweeps.annual_letter_sweep(as_of=_day(as_of)).line()


@shared_task
def release_alert_sweep_task(as_of: str | None = None) -> str:
    return sweeps.release_alert_sweep(as_of=_day(as_of)).line()


@shared_task
def escalation_sweep_task(as_of: str | None = None) -> str:
    return sweeps.escalation_sweep(as_of=_day(as_of)).line()
