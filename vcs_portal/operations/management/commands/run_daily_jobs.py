"""Run every daily job for one day, in order, and print a line per job.

    python manage.py run_daily_jobs --as-of 2026-11-20

Each job is a sweep over what is due on that day and safe to run twice, so this is also how a
missed day is caught up (run it for that day) and how an operator checks the jobs by hand. A job
that fails is reported and the others still run; the command then exits with an error. The list
is ``vcs_portal.operations.daily.DAILY_JOBS``, the one beat runs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from vcs_portal.operations.daily import daily_jobs_run


class Command(BaseCommand):
    help = "Run all daily jobs for one day (default: today), in order, printing a line per job."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args: Any, as_of: date | None = None, **options: Any) -> None:
        day = as_of or timezone.localdate()
        self.stdout.write(f"Daily jobs for {day:%Y-%m-%d}")
        failed = []
        for run in daily_jobs_run(as_of=day):
            if run.error is not None:
                failed.append(run.job.label)
                self.stderr.write(run.line())
            else:
                self.stdout.write(run.line())
        if failed:
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)}")
