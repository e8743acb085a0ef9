"""Celery tasks for the whole-record work: the daily jobs, as beat starts them."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .daily import daily_jobs_run


@shared_task(
    soft_time_limit=settings.VCS_DAILY_JOBS_SOFT_TIME_LIMIT,
    time_limit=settings.VCS_DAILY_JOBS_TIME_LIMIT,
    # The database gone for a moment: the jobs are safe to run again from the start.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=60,
    retry_backoff_max=settings.VCS_TASK_RETRY_BACKOFF_MAX,
    max_retries=3,
)
def daily_jobs_task(as_of: str | None = None) -> list[str]:
    """Run every daily job for ``as_of`` (ISO date; default today, UK time), a line per job.

    The same list as ``manage.py run_daily_jobs``. Every job is a sweep over what is due, so a
    second run is a no-op and a missed day is caught by the next.
    """
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return [run.line() for run in daily_jobs_run(as_of=day)]
