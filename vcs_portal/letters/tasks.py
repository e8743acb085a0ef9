"""Celery tasks for letters: thin wrappers that take primary keys and call one service."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services

# What a render can fail on for a moment: it hung (the soft limit), or the database went away.
TRANSIENT = (SoftTimeLimitExceeded, OperationalError, InterfaceError, OSError)


@shared_task(
    soft_time_limit=settings.VCS_RENDER_SOFT_TIME_LIMIT,
    time_limit=settings.VCS_RENDER_TIME_LIMIT,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=settings.VCS_TASK_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=settings.VCS_TASK_MAX_RETRIES,
)
def letter_render_task(letter_id: int) -> bool:
    """Render and store an approved letter's PDF. Safe to run twice (the store is conditional),
    so a retry, or a redelivery after the worker died, stores it once."""
    return services.letter_pdf_store(letter_id=letter_id)
