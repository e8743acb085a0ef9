"""Celery beat that runs once: django-celery-beat's scheduler, guarded by a PostgreSQL lock.

Two beat processes would each send the daily jobs (the jobs are safe to run twice, but the
second run is wasted work and doubles every render). The scheduler takes a session-level
advisory lock on its own database connection before it loads the schedule, and a second beat
that cannot take it refuses to start. If the lock's connection is lost, beat stops rather than
run unguarded; docker-compose restarts it, and it waits for the lock like any new beat.

On every tick it touches ``VCS_BEAT_HEARTBEAT_FILE``; docker-compose's health check fails when
the file is older than ten minutes.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django_celery_beat.schedulers import DatabaseScheduler

log = logging.getLogger(__name__)

# pg_advisory_lock key: "VCSBEAT" as a number, so it is unlikely to meet another application's.
BEAT_LOCK_KEY = 0x5643_5342_4541_54


class BeatAlreadyRunning(SystemExit):
    """Raised when another beat process holds the schedule lock."""


def beat_lock_acquire(*, wait_seconds: float = 0.0) -> BaseDatabaseWrapper | None:
    """Take the beat lock on a connection of its own; return it (keep it open), or None if held.

    ``wait_seconds`` retries for a while, so a beat restarted while the old one is still letting
    go takes over rather than failing at once.
    """
    connection = connections.create_connection("default")
    deadline = time.monotonic() + wait_seconds
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [BEAT_LOCK_KEY])
            if cursor.fetchone()[0]:
                return connection
        if time.monotonic() >= deadline:
            connection.close()
            return None
        time.sleep(1)


def beat_lock_release(connection: BaseDatabaseWrapper) -> None:
    """Let go of the lock and its connection (closing alone frees it only once the server notices)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [BEAT_LOCK_KEY])
    finally:
        connection.close()


def beat_lock_held_by_anyone() -> bool:
    """Whether some session holds the beat lock (for the health check and the tests)."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND ((classid::bigint << 32) | objid::bigint) = %s",
            [BEAT_LOCK_KEY],
        )
        return bool(cursor.fetchone()[0])


class LockedDatabaseScheduler(DatabaseScheduler):
    """DatabaseScheduler that refuses to run while another beat holds the lock."""

    lock_wait_seconds = 30.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._lock_connection: BaseDatabaseWrapper | None = None
        super().__init__(*args, **kwargs)

    def setup_schedule(self) -> None:
        self._lock_connection = beat_lock_acquire(wait_seconds=self.lock_wait_seconds)
        if self._lock_connection is None:
            raise BeatAlreadyRunning(
                "Another celery beat holds the schedule lock (pg_advisory_lock "
                f"{BEAT_LOCK_KEY}); refusing to start a second one."
            )
        log.info("celery beat holds the schedule lock")
        super().setup_schedule()

    def tick(self, *args: Any, **kwargs: Any) -> float:
        self._lock_check()
        Path(settings.VCS_BEAT_HEARTBEAT_FILE).touch()
        return super().tick(*args, **kwargs)

    def _lock_check(self) -> None:
        """Stop if the lock's connection is gone (the lock went with it)."""
        connection = self._lock_connection
        try:
            assert connection is not None
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as exc:
            raise SystemExit(f"celery beat lost its schedule lock ({exc}); stopping") from exc

    def close(self) -> None:
        super().close()
        if self._lock_connection is not None:
            beat_lock_release(self._lock_connection)
            self._lock_connection = None
