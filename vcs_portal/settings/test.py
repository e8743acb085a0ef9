"""Test settings: real PostgreSQL and real Redis, as configured by the environment."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import DATABASES, VCS_DATABASE_OWNER, env

DEBUG = False
# The tests exercise the development tools (demo and national seeds, the bench) too.
INSTALLED_APPS = [*INSTALLED_APPS, "vcs_portal.devtools"]  # noqa: F405
SECRET_KEY = "test-only-key-not-used-outside-the-test-suite"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

# The suite creates its own database and empties tables after transactional tests, which the
# application role may not do, so it runs as the owner when one is configured; tests/security
# connects as the application role (VCS_DATABASE_APP) to prove what that role is refused.
# Only the owner's credentials: the database is still the one DATABASE_URL names.
VCS_DATABASE_APP = {
    key: DATABASES["default"].get(key) for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")
}
if VCS_DATABASE_OWNER:
    DATABASES["default"].update(
        {key: VCS_DATABASE_OWNER[key] for key in ("USER", "PASSWORD", "HOST", "PORT")}
    )
VCS_DATABASE_OWNER = None

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
VCS_API_WEBHOOK_ALLOW_HTTP_LOCAL = True
