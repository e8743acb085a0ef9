"""Test settings: real PostgreSQL and real Redis, as configured by the environment."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env

DEBUG = False
# The tests exercise the development tools (demo and national seeds, the bench) too.
INSTALLED_APPS = [*INSTALLED_APPS, "vcs_portal.devtools"]  # noqa: F405
SECRET_KEY = "test-only-key-not-used-outside-the-test-suite"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

CACHES["default"]["KEY_PREFIX"] = "vcs-test"  # noqa: F405
# Tests run their own worker where they need one; a task queued elsewhere is left in Redis.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TEST_QUEUE", default="vcs-test")
# How often a worker looks for tasks a dead worker left unacknowledged (the crash test lowers it).
CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_interval"] = env.int(  # noqa: F405
    "CELERY_UNACKED_RESTORE_INTERVAL", default=10
)
# Serve static files from the source folders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
