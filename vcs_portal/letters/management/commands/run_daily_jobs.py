"""Run every daily job for one day, in order, and print a line per job.

    python manage.py run_daily_jobs --as-of 2026-11-20

Each job is a sweep over what is due on that day and safe to run twice, so this is also how a
missed day is caught up (run it for that day) and how an operator checks the jobs by hand. A job
that fails is reported and the others still run; the command then exits with an error.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

# (label, module, function). In this order: eligibility first (it flags cases), then the tasks
# and alerts the deadlines call for, then letters, and escalation last (it sees everything overdue).
JOBS: list[tuple[str, str, str]] = [
    ("Eligibility sweep", "offenders.eligibility", "eligibility_sweep"),
    ("Deadline sweep", "contacts.services", "deadline_sweep"),
    ("Alerts sweep", "contacts.services", "alerts_sweep"),
    ("VPS sweep", "parole.services", "vps_sweep"),
    ("Annual letters", "vcs_portal.letters.sweeps", "annual_letter_sweep"),
    ("Release alerts", "vcs_portal.letters.sweeps", "release_alert_sweep"),
    ("Escalations", "vcs_portal.letters.sweeps", "escalation_sweep"),
]
DATE_ARGUMENTS = ("as_of", "run_on", "today")


def _load(module: str, name: str) -> Callable[..., Any] | None:
    try:
        return getattr(import_module(module), name, None)
    except ImportError:
        return None


def call_for_day(job: Callable[..., Any], day: date) -> Any:
    """Call a sweep with the day, whichever of the usual keyword names it takes."""
    parameters = inspect.signature(job).parameters
    for name in DATE_ARGUMENTS:
        if name in parameters:
            return job(**{name: day})
    raise TypeError(f"{job.__qualname__} takes none of {DATE_ARGUMENTS}")


def describe(result: Any) -> str:
    if hasattr(result, "line"):
        return result.line().split(": ", 1)[-1]
    if isinstance(result, dict):
        return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.items())
    if isinstance(result, int):
        return f"{result} created"
    if hasattr(result, "sentences_checked"):  # the eligibility sweep's summary row
        return (
            f"{result.sentences_checked} sentences checked, {result.changed} changed, "
            f"{result.flagged_for_review} flagged for review"
        )
    return str(result)


class Command(BaseCommand):
    help = "Run all daily jobs for one day (default: today), in order, printing a line per job."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args: Any, as_of: date | None = None, **options: Any) -> None:
        day = as_of or timezone.localdate()
        self.stdout.write(f"Daily jobs for {day:%Y-%m-%d}")
        failed = []
        for label, module, name in JOBS:
            job = _load(module, name)
            if job is None:
                self.stdout.write(f"{label}: skipped ({module}.{name} is not available)")
                continue
            try:
                result = call_for_day(job, day)
            except Exception as exc:
                failed.append(label)
                self.stderr.write(f"{label}: FAILED: {type(exc).__name__}: {exc}")
                continue
            self.stdout.write(f"{label}: {describe(result)}")
        if failed:
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)}")
