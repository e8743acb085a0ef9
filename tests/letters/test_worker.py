"""Approving a letter renders its PDF in a real Celery worker, over the real Redis broker."""

from __future__ import annotations

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

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
