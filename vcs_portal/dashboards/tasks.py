"""Celery tasks for the dashboards: thin wrappers around one service each."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .services import upcoming_refresh


@shared_task
def upcoming_refresh_task() -> int:
    """Copy the releases and parole hearings due soon into the summary table (hourly).

    Safe to run twice: each run replaces the table's contents. Returns the number of rows.
    """
    return upcoming_refresh(today=timezone.localdate())
