"""Approving a letter renders its PDF in a real Celery worker, over the real Redis broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from tests.letters.helpers import pdf_text
from vcs_portal.celery import app
from vcs_portal.letters import services
from vcs_portal.letters.models import Letter, LetterKind

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def own_queue():
    """Route the render task to a queue of this test's own, so no other test's leftovers interfere."""
    queue = f"vcs-test-letters-{uuid.uuid4().hex[:8]}"
    before = app.conf.task_routes
    app.conf.task_routes = {"vcs_portal.letters.tasks.letter_render_task": {"queue": queue}}
    _reset_routes()
    yield queue
    app.conf.task_routes = before
    _reset_routes()


def _reset_routes() -> None:
    """Celery builds its router once, on first use (an earlier test may have queued a task)."""
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


def test_the_render_task_runs_in_a_worker_and_stores_the_pdf(case, vlo, own_queue, teammate):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027", actor=vlo)
    with start_worker(app, perform_ping_check=False, queues=[own_queue], shutdown_timeout=30):
        services.letter_approve(actor=teammate, letter=letter)  # commits; on_commit queues the task
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            stored = Letter.objects.filter(pk=letter.pk).values_list("pdf", "pdf_pages").get()
            if stored[0]:
                break
            time.sleep(0.2)
    pdf, pages = stored
    assert pdf, "the worker did not store the PDF within 60 seconds"
    assert pages == 1
    assert "Your yearly update about" in pdf_text(bytes(pdf))


# --- a worker killed mid-batch ----------------------------------------------------------------------

BATCH = 8


def _worker(queue: str) -> subprocess.Popen:
    """A real worker in its own process group (so SIGKILL takes its pool children too), on the
    test database, with a visibility timeout short enough for the test to see a redelivery."""
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    # The embedded server (make test without DATABASE_URL) listens on a socket directory, which
    # django-environ reads from a percent-encoded first path segment (scripts/with_services.py).
    where = f"/{quote(host, safe='')}" if host.startswith("/") else f"{host}:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vcs_portal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{where}/{db['NAME']}",
        "CELERY_VISIBILITY_TIMEOUT": "12",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_TASK_SOFT_TIME_LIMIT": "8",
        "CELERY_TASK_TIME_LIMIT": "10",
        "VCS_RENDER_SOFT_TIME_LIMIT": "8",
        "VCS_RENDER_TIME_LIMIT": "10",
        "VCS_DAILY_JOBS_SOFT_TIME_LIMIT": "8",
        "VCS_DAILY_JOBS_TIME_LIMIT": "10",
    }
    command = [sys.executable, "-m", "celery", "-A", "vcs_portal", "worker", "-Q", queue, "-c", "1"]
    command += ["-l", "warning", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    return subprocess.Popen(command, env=env, start_new_session=True)


def _stored() -> int:
    return Letter.objects.filter(kind=LetterKind.ANNUAL, pdf__isnull=False).count()


def _wait_for(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_killed_mid_batch_loses_no_letter_and_stores_each_pdf_once(make_case, vlo, own_queue):
    cases = [make_case(reference=f"VCS-K{n:03d}", victim__last_name=f"Reed{n}") for n in range(BATCH)]
    drafts = [services.letter_draft(case=c, kind=LetterKind.ANNUAL, period_key="2027")[0] for c in cases]
    first = _worker(own_queue)
    try:
        for letter in drafts:
            services.letter_approve(actor=vlo, letter=letter)  # each commits and queues its render
        assert _wait_for(lambda: _stored() >= 1, 90), "the first worker rendered nothing"
        os.killpg(first.pid, signal.SIGKILL)  # mid-batch: one task reserved, the rest queued
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert _stored() < BATCH, "the batch finished before the kill; the test proves nothing"
    second = _worker(own_queue)
    try:
        assert _wait_for(lambda: _stored() == BATCH, 120), (
            f"only {_stored()} of {BATCH} PDFs after the restart"
        )
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)
    for case, letter in zip(cases, drafts, strict=True):
        letter.refresh_from_db()
        assert letter.pdf_pages == 1
        assert case.victim.last_name in pdf_text(bytes(letter.pdf))
    assert Letter.objects.filter(kind=LetterKind.ANNUAL).count() == BATCH
