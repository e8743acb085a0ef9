"""Celery tasks for victims: thin wrappers that take primary keys and call one service."""

from __future__ import annotations

from celery import shared_task

from . import import_jobs


@shared_task
def import_job_run_task(job_id: int) -> bool:
    """Check and apply a queued referral import. Safe to run twice (a second run does nothing)."""
    return import_jobs.import_job_run(job_id=job_id)
