"""The daily jobs, in the order they run: one plain list that beat and ``run_daily_jobs`` share.

Each job is a sweep, ``(*, as_of: date) -> SweepResult``, that finds what is due on ``as_of`` in
the database and is safe to run twice, so running the list for a missed day catches it up.
The order matters for speed, not for the result: eligibility first (it makes cases statutory,
so their deadlines apply the same day), then the tasks and alerts the deadlines call for, then
letters, escalation after the work it escalates, and the housekeeping last. Each rule decides
from the database and the day alone (docs/jobs.md), so jobs run in another order, or a day run
twice, leave the same open work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from contacts.sweeps import alerts_sweep, deadline_sweep
from parole.sweeps import reoffer_sweep, vps_sweep
from vcs_portal.core.sweeps import SweepResult, sweep_finished
from vcs_portal.dashboards.services import upcoming_sweep
from vcs_portal.letters.sweeps import annual_letter_sweep, escalation_sweep, release_alert_sweep
from victims.eligibility import eligibility_sweep

from .retention import retention_sweep

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyJob:
    label: str
    sweep: Callable[..., SweepResult]


DAILY_JOBS: list[DailyJob] = [
    DailyJob("Eligibility sweep", eligibility_sweep),
    DailyJob("Deadline sweep", deadline_sweep),
    DailyJob("Alerts sweep", alerts_sweep),
    DailyJob("VPS sweep", vps_sweep),
    DailyJob("Re-offer prompts", reoffer_sweep),
    DailyJob("Annual letters", annual_letter_sweep),
    DailyJob("Release alerts", release_alert_sweep),
    DailyJob("Escalations", escalation_sweep),
    DailyJob("Retention", retention_sweep),
    DailyJob("Upcoming dates", upcoming_sweep),
]


@dataclass(frozen=True)
class JobRun:
    job: DailyJob
    result: SweepResult | None
    error: Exception | None = None

    def line(self) -> str:
        if self.error is not None:
            return f"{self.job.label}: FAILED: {type(self.error).__name__}: {self.error}"
        assert self.result is not None
        return f"{self.job.label}: {self.result.line().split(': ', 1)[-1]}"


def daily_jobs_run(*, as_of: date, jobs: list[DailyJob] | None = None) -> list[JobRun]:
    """Run every job for ``as_of`` in order; a job that fails is logged and the rest still run."""
    runs: list[JobRun] = []
    for job in DAILY_JOBS if jobs is None else jobs:
        try:
            result = job.sweep(as_of=as_of)
            sweep_finished(result.name, as_of=as_of)
            runs.append(JobRun(job, result))
        except Exception as exc:
            log.exception("Daily job %r failed for %s", job.label, as_of)
            runs.append(JobRun(job, None, exc))
    return runs
