"""Celery tasks for offenders: thin wrappers that call one service each."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from .eligibility import eligibility_sweep


@shared_task
def eligibility_sweep_task(run_on: str | None = None) -> int:
    """Run the daily eligibility sweep for ``run_on`` (ISO date; default today in Europe/London).

    Safe to run twice: the sweep claims the day, so a repeat returns the finished summary.
    Returns the summary's primary key.
    """
    day = date.fromisoformat(run_on) if run_on else timezone.localdate()
    return eligibility_sweep(run_on=day).pk
