"""Celery beat runs once: the schedule lock refuses a second beat process."""

from __future__ import annotations

import pytest
from celery.beat import Service

from vcs_portal.celery import app
from vcs_portal.core import beat

pytestmark = pytest.mark.django_db(transaction=True)


def scheduler() -> beat.LockedDatabaseScheduler:
    sched = beat.LockedDatabaseScheduler.__new__(beat.LockedDatabaseScheduler)
    sched._lock_connection = None
    sched.app = app
    return sched


def test_the_lock_is_taken_once_and_a_second_taker_is_refused():
    held = beat.beat_lock_acquire()
    try:
        assert held is not None
        assert beat.beat_lock_held_by_anyone()
        assert beat.beat_lock_acquire() is None
    finally:
        beat.beat_lock_release(held)
    assert not beat.beat_lock_held_by_anyone()


def test_a_second_beat_refuses_to_start(monkeypatch):
    monkeypatch.setattr(beat.LockedDatabaseScheduler, "lock_wait_seconds", 0.0)
    held = beat.beat_lock_acquire()
    try:
        with pytest.raises(beat.BeatAlreadyRunning, match="refusing to start a second one"):
            scheduler().setup_schedule()
    finally:
        beat.beat_lock_release(held)


def test_the_first_beat_holds_the_lock_and_touches_its_heartbeat(tmp_path, settings):
    settings.VCS_BEAT_HEARTBEAT_FILE = str(tmp_path / "beat")
    service = Service(app, scheduler_cls=beat.LockedDatabaseScheduler)
    sched = service.get_scheduler()
    try:
        assert beat.beat_lock_held_by_anyone()
        sched.tick()
        assert (tmp_path / "beat").exists()
    finally:
        sched.close()
    assert not beat.beat_lock_held_by_anyone()


def test_the_settings_name_the_guarded_scheduler(settings):
    assert settings.CELERY_BEAT_SCHEDULER == "vcs_portal.core.beat:LockedDatabaseScheduler"
