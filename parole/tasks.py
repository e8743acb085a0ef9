"""Celery tasks for parole: thin wrappers that call one service each."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from .services import vps_sweep


@shared_task
def vps_sweep_task(run_on: str | None = None) -> int:
    """Raise a task for every Victim Personal Statement past its deadline (``run_on``: ISO date;
    default today in Europe/London). Safe to run twice. Returns how many tasks it created."""
    day = date.fromisoformat(run_on) if run_on else timezone.localdate()
    return vps_sweep(today=day)
