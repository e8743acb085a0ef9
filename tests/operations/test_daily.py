"""The daily jobs: one list, run in order by beat and by ``run_daily_jobs``; a rerun does nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.offenders.factories import SentenceOffenceFactory
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.core.sweeps import SweepResult
from vcs_portal.letters.default_templates import templates_load
from vcs_portal.letters.models import Letter, LetterKind, LetterTemplate
from vcs_portal.operations import daily
from vcs_portal.operations.tasks import daily_jobs_task
from victims.models import CaseStatus, ContactLevel

pytestmark = pytest.mark.django_db

# Opted in on 20 April 2026: the first annual letter is due on 20 April 2027.
ANNUAL_DUE = dt.date(2027, 4, 20)
LABELS = [
    "Eligibility sweep",
    "Deadline sweep",
    "Alerts sweep",
    "VPS sweep",
    "Re-offer prompts",
    "Annual letters",
    "Release alerts",
    "Escalations",
    "Retention",
    "Upcoming dates",
]


@pytest.fixture
def case(vlo):
    """An opted-in case with yearly letters, a safe address and the default letter wording."""
    templates_load(LetterTemplate)  # a transactional test elsewhere may have emptied the table
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        status=CaseStatus.OPTED_IN,
        status_changed_on=dt.date(2026, 4, 20),
        contact_level=ContactLevel.ANNUAL,
    )
    SentenceOffenceFactory(sentence=case.sentence)
    AddressFactory(victim=case.victim, recorded_by=vlo, line_1="12 Acacia Avenue", postcode="M5 4WT")
    return case


def test_every_job_has_the_one_sweep_shape():
    for job in daily.DAILY_JOBS:
        assert isinstance(job.sweep(as_of=dt.date(2026, 11, 20)), SweepResult), job.label


def test_run_daily_jobs_runs_every_job_in_order_and_a_rerun_does_nothing(case):
    out = StringIO()
    call_command("run_daily_jobs", "--as-of", ANNUAL_DUE.isoformat(), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Daily jobs for 2027-04-20"
    assert [line.split(":")[0] for line in lines[1:]] == LABELS
    assert "Annual letters: 1 letters drafted" in out.getvalue()
    again = StringIO()
    call_command("run_daily_jobs", "--as-of", ANNUAL_DUE.isoformat(), stdout=again)
    assert "Annual letters: 0 letters drafted, 0 tasks created" in again.getvalue()
    assert "Release alerts: 0 letters drafted, 0 tasks created" in again.getvalue()
    assert Letter.objects.filter(kind=LetterKind.ANNUAL).count() == 1


def test_a_failing_job_is_reported_and_the_others_still_run(monkeypatch, db):
    def broken(*, as_of: dt.date) -> SweepResult:
        raise RuntimeError("database went away")

    monkeypatch.setattr(daily, "DAILY_JOBS", [daily.DailyJob("Broken", broken), *daily.DAILY_JOBS[-3:]])
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 job"):
        call_command("run_daily_jobs", "--as-of", "2026-11-20", stdout=out, stderr=err)
    assert "Broken: FAILED: RuntimeError: database went away" in err.getvalue()
    assert "Escalations: 0 letters drafted, 0 tasks created" in out.getvalue()


def test_beat_runs_the_same_list_as_the_command(case):
    assert (
        settings.CELERY_BEAT_SCHEDULE["daily-jobs"]["task"] == "vcs_portal.operations.tasks.daily_jobs_task"
    )
    lines = daily_jobs_task(as_of=ANNUAL_DUE.isoformat())
    assert [line.split(":")[0] for line in lines] == LABELS
    assert Letter.objects.filter(kind=LetterKind.ANNUAL).count() == 1
