"""A referral import runs in the worker, not the web request; its page refreshes without script.

The attack: a large (or slow) import file held a gunicorn worker past its timeout, killing it
mid-import with no word to the manager; a UTF-16 file was refused as "not a spreadsheet".
"""

from __future__ import annotations

import csv
import io
import re
import time
import uuid
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import reverse

from tests.factories import ManagerFactory, UserFactory
from vcs_portal.celery import app
from vcs_portal.core.models import AuditAction, AuditEvent
from victims import import_jobs, importer
from victims.import_jobs import import_job_run
from victims.importer import Importer, import_referrals
from victims.models import Case, ImportJob, ImportStatus

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "docs" / "sample-referrals.csv"
SAMPLE_OFFICER = "vlo@demo.vcs.local"


@pytest.fixture
def sample_vlo(team_a1):
    return UserFactory(email=SAMPLE_OFFICER, team=team_a1)


def upload(client, data: bytes, *, name: str = "referrals.csv", dry_run: bool = False):
    payload = {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    if dry_run:
        payload["dry_run"] = "on"
    return client.post(reverse("victims:referral_import"), payload)


def _inline_scripts(page: str) -> list[str]:
    """Script elements without a src: the strict CSP would refuse them."""
    return re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page)


def sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def many_rows(count: int) -> list[dict[str, str]]:
    """``count`` referrals for one sentence, each for a victim of their own."""
    template = sample_rows()[0]

    def letters(n: int) -> str:
        word = ""
        while True:
            n, digit = divmod(n, 26)
            word = chr(ord("a") + digit) + word
            if n == 0:
                return word.capitalize()

    return [
        template | {"victim_first_name": letters(i), "victim_last_name": "Many", "victim_date_of_birth": ""}
        for i in range(count)
    ]


# --- off the request ------------------------------------------------------------------------


def test_a_huge_import_does_not_hold_the_web_worker(
    manager_client, manager, sample_vlo, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(import_jobs.tasks.import_job_run_task, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(manager_client, SAMPLE.read_bytes())
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("victims:referral_import_job", args=[job.pk])
    # The request stored the file and queued the task, once committed; it imported nothing.
    assert queued == [job.pk]
    assert (job.status, job.rows_total, job.created_by) == (ImportStatus.QUEUED, 8, manager)
    assert not Case.objects.exists()
    assert AuditEvent.objects.filter(
        actor=manager, action=AuditAction.CREATE, object_type="victims.ImportJob", object_id=str(job.pk)
    ).exists()


def test_the_worker_applies_the_file_all_or_nothing_and_drops_its_content(manager, sample_vlo):
    rows = sample_rows()
    rows[3]["postcode"] = "NOT A POSTCODE"
    job = _job(manager, csv_text(rows).encode())
    assert import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert not job.saved
    assert {"row": 5, "column": "postcode", "message": "Enter a real postcode, like M5 4WT"} in job.errors
    assert job.rows_with_problems == 1
    assert not Case.objects.exists()
    assert bytes(job.content) == b""


def test_running_the_import_job_twice_imports_once(manager, sample_vlo):
    job = _job(manager, SAMPLE.read_bytes())
    assert import_job_run(job_id=job.pk)
    assert not import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.saved, job.counts["cases_created"]) == (ImportStatus.DONE, True, 7)
    assert Case.objects.count() == 7


@pytest.mark.django_db(transaction=True)
def test_import_progress_is_visible_while_the_import_transaction_is_open(manager, sample_vlo, monkeypatch):
    """Another connection (the web page's) sees rows counted while no case is committed yet."""
    monkeypatch.setattr(import_jobs.tasks.import_job_run_task, "delay", lambda job_id: None)
    job = _job(manager, SAMPLE.read_bytes())
    monkeypatch.setattr(import_jobs, "PROGRESS_EVERY", 1)
    seen = []
    real_case_create = importer.case_create

    def watched_case_create(**kwargs):
        if not seen:  # the first row is being written, inside the import's transaction
            page = connections.create_connection(DEFAULT_DB_ALIAS)
            with page.cursor() as cursor:
                cursor.execute(
                    "SELECT status, rows_checked, rows_written FROM victims_importjob WHERE id = %s", [job.pk]
                )
                seen.append(cursor.fetchone())
                cursor.execute("SELECT count(*) FROM victims_case")
                seen.append(cursor.fetchone()[0])
            page.close()
        return real_case_create(**kwargs)

    monkeypatch.setattr(importer, "case_create", watched_case_create)
    assert import_job_run(job_id=job.pk)
    assert seen == [(ImportStatus.APPLYING, 8, 1), 0]
    assert Case.objects.count() == 7


def test_a_10000_row_file_is_accepted_and_checked_in_the_worker(
    manager_client, manager, sample_vlo, monkeypatch
):
    """Every row of 10,000 is read and checked for shape through the job.

    Writing 10,000 referrals through the services takes minutes, so the write is stubbed out
    here; the full 10,000-row apply was run by hand with the worker (docs/referral-import.md).
    """
    response = upload(manager_client, csv_text(many_rows(10_000)).encode(), dry_run=True)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.rows_total == 10_000
    monkeypatch.setattr(Importer, "run", lambda self: None)
    assert import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.rows_checked, job.rows_to_write, job.errors) == (
        ImportStatus.DONE,
        10_000,
        10_000,
        [],
    )


# --- the page ---------------------------------------------------------------------------------


def test_the_import_progress_page_refreshes_without_inline_script(manager_client, manager, sample_vlo):
    job = _job(manager, SAMPLE.read_bytes())
    page = manager_client.get(reverse("victims:referral_import_job", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "0 of 8" in page
    assert _inline_scripts(page) == []


def test_a_finished_import_page_stops_refreshing_and_lists_errors_by_row_and_column(
    manager_client, manager, sample_vlo
):
    rows = sample_rows()
    rows[1]["offence_code"] = "NOT_A_CODE"
    job = _job(manager, csv_text(rows).encode())
    import_job_run(job_id=job.pk)
    page = manager_client.get(reverse("victims:referral_import_job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "govuk-error-summary" in page
    assert re.search(r">3</td>\s*<td[^>]*><code>offence_code</code></td>", page)


def test_another_managers_import_job_is_not_found(manager, sample_vlo, signed_in, team_b1):
    job = _job(manager, SAMPLE.read_bytes())
    other_manager = ManagerFactory(region=team_b1.region, managed_teams=[team_b1])
    url = reverse("victims:referral_import_job", args=[job.pk])
    assert signed_in(other_manager).get(url).status_code == 404
    assert signed_in(sample_vlo).get(url).status_code == 404


# --- encodings --------------------------------------------------------------------------------


def test_a_utf16_file_with_its_byte_order_mark_is_imported(manager, sample_vlo):
    text = csv_text(sample_rows()).replace("Susan", "Zoë")
    result = import_referrals(file=io.BytesIO(text.encode("utf-16")), actor=manager, dry_run=False)
    assert result.errors == []
    assert Case.objects.count() == 7


def test_a_windows_1252_file_is_refused_naming_the_encoding(manager_client, sample_vlo):
    text = csv_text(sample_rows()).replace("Susan", "Zoë “Sue”")
    response = upload(manager_client, text.encode("cp1252"))
    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert message.startswith("The file is not UTF-8 text (it looks like Windows-1252")
    assert message.endswith("Save it as CSV UTF-8 and upload it again.")
    assert not ImportJob.objects.exists()


def test_a_utf16_file_without_its_byte_order_mark_is_refused_naming_the_encoding(manager_client, sample_vlo):
    response = upload(manager_client, csv_text(sample_rows()).encode("utf-16-le"))
    [message] = response.context["form"].errors["file"]
    assert "not UTF-8 text (it looks like UTF-16 (little-endian) without a byte order mark)" in message


# --- gunicorn ----------------------------------------------------------------------------------


def test_gunicorns_timeout_is_set_explicitly_in_the_dockerfile_and_compose():
    dockerfile = (ROOT / "Dockerfile").read_text()
    [cmd] = [line for line in dockerfile.splitlines() if line.startswith("CMD ")]
    assert '"gunicorn"' in cmd and '"--timeout", "60"' in cmd
    compose = (ROOT / "docker-compose.yml").read_text()
    web = compose[compose.index("\n  web:") : compose.index("\n  worker:")]
    assert re.search(r"- --timeout\n\s+- \"60\"", web)


# --- a real worker ------------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_uploaded_import_runs_in_a_real_worker(manager_client, sample_vlo):
    queue = f"vcs-test-import-{uuid.uuid4().hex[:8]}"
    before = app.conf.task_routes
    app.conf.task_routes = {"victims.tasks.import_job_run_task": {"queue": queue}}
    _reset_routes()
    try:
        with start_worker(app, perform_ping_check=False, queues=[queue], shutdown_timeout=30):
            response = upload(manager_client, SAMPLE.read_bytes())  # commits; on_commit queues the task
            job = ImportJob.objects.get()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if not job.running:
                    break
                time.sleep(0.2)
    finally:
        app.conf.task_routes = before
        _reset_routes()
    assert response.status_code == 302
    assert (job.status, job.saved) == (ImportStatus.DONE, True), "the worker did not finish within 60 s"
    assert Case.objects.count() == 7


def _reset_routes() -> None:
    """Celery builds its router once, on first use (an earlier test may have queued a task)."""
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


def _job(manager, content: bytes, *, dry_run: bool = False) -> ImportJob:
    return import_jobs.import_job_create(
        actor=manager, upload=SimpleUploadedFile("referrals.csv", content), dry_run=dry_run
    )
