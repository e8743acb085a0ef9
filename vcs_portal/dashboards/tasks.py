"""Celery tasks for the dashboards: thin wrappers around one service each."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .services import upcoming_sweep


@shared_task
def upcoming_sweep_task() -> str:
    """Copy the releases and parole hearings due soon into the summary table (hourly).

    Safe to run twice: each run replaces the table's contents.
    """
    return upcoming_sweep(as_of=timezone.localdate()).line()
