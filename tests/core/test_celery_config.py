"""The Celery settings that let work survive a crash, a hang or a cleared cache (docs/jobs.md)."""

from __future__ import annotations

import pytest
from django.conf import settings

from vcs_portal.celery import app
from vcs_portal.letters.tasks import letter_render_task
from vcs_portal.operations.tasks import daily_jobs_task
from vcs_portal.settings.base import _celery_broker_url, _redis_server_and_db


def test_a_task_is_acknowledged_after_it_runs_and_put_back_if_its_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.worker_max_tasks_per_child == settings.CELERY_WORKER_MAX_TASKS_PER_CHILD
    assert app.conf.broker_connection_retry_on_startup is True


def test_the_visibility_timeout_outlasts_every_tasks_hard_limit():
    timeout = app.conf.broker_transport_options["visibility_timeout"]
    limits = [app.conf.task_time_limit, letter_render_task.time_limit, daily_jobs_task.time_limit]
    assert all(limits) and timeout > max(limits)


def test_every_task_has_soft_and_hard_time_limits():
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    for task in (letter_render_task, daily_jobs_task):
        assert task.soft_time_limit < task.time_limit


def test_a_render_that_hangs_or_loses_the_database_is_retried_with_backoff():
    from celery.exceptions import SoftTimeLimitExceeded
    from django.db import OperationalError

    assert {SoftTimeLimitExceeded, OperationalError} <= set(letter_render_task.autoretry_for)
    assert (
        letter_render_task.retry_backoff and letter_render_task.max_retries == settings.VCS_TASK_MAX_RETRIES
    )


@pytest.mark.parametrize(
    ("cache", "broker"),
    [
        ("redis://redis:6379/0", "redis://redis:6379/1"),
        ("redis://127.0.0.1:6379/8", "redis://127.0.0.1:6379/9"),
        ("redis://redis:6379", "redis://redis:6379/1"),
        ("unix:///srv/redis.sock?db=0", "redis+socket:///srv/redis.sock?virtual_host=1"),
    ],
)
def test_the_broker_defaults_to_the_next_database_of_the_caches_server(cache, broker):
    assert _celery_broker_url(cache) == broker
    assert _redis_server_and_db(cache) != _redis_server_and_db(broker)


def test_the_running_broker_and_cache_are_different_databases():
    assert _redis_server_and_db(settings.CELERY_BROKER_URL) != _redis_server_and_db(
        settings.CACHES["default"]["LOCATION"]
    )


def test_a_broker_sharing_the_caches_database_is_refused(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vcs_portal.settings.test"}
    env["CELERY_BROKER_URL"] = env["REDIS_URL"] = "redis://127.0.0.1:6379/8"
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "clearing the cache would wipe the queued tasks" in run.stderr
