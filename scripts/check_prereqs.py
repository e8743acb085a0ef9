#!/usr/bin/env python
"""Check what the test suite needs from the machine before pytest starts (``make test`` runs it).

A fresh machine should fail in a second with a line saying what is missing and the command that
installs it, not after minutes with a traceback from deep in a test. Each problem is one line;
the exit status is 1 if there is any. Run it through ``scripts/with_services.py`` so that
DATABASE_URL and REDIS_URL name the servers the tests will use.

Under CI=true a missing Chromium is a failure; elsewhere the browser tests skip (tests/conftest.py)
and this only says so.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# Where fontconfig looks on Debian; Liberation Sans stands in for Arial in every PDF.
FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts"]
PG_TOOLS = ("pg_dump", "pg_restore", "createdb")  # what vcs_portal/core/backup.py runs


def check_python() -> str | None:
    """The project is pinned to Python 3.11 (pyproject.toml, the lock files)."""
    if sys.version_info[:2] != (3, 11):
        found = ".".join(map(str, sys.version_info[:3]))
        return f"Python 3.11 is missing (this is {found}): apt-get install -y python3.11 python3.11-venv"
    return None


def check_weasyprint() -> str | None:
    """WeasyPrint loads Pango and HarfBuzz with ctypes at import time: a missing library is an OSError."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        return (
            f"WeasyPrint's system libraries are missing ({str(exc).splitlines()[0][:80]}): "
            "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig"
        )
    return None


def check_fonts() -> str | None:
    """Letters and summaries ask for Arial; without Liberation Sans the PDFs' text and page counts change."""
    for folder in FONT_DIRS:
        if folder.is_dir() and next(folder.rglob("LiberationSans-Regular.ttf"), None):
            return None
    return (
        "fonts-liberation is missing (Liberation Sans stands in for Arial in PDFs): "
        "apt-get install -y fonts-liberation"
    )


def check_chromium() -> str | None:
    """The browser tests drive Debian's Chromium, found as tests/conftest.py finds it."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if os.access(chromium, os.X_OK):
        return None
    line = "chromium is missing: apt-get install -y chromium chromium-driver"
    if IN_CI:
        return line
    print(f"{line} (the browser tests will be skipped; under CI=true this is a failure)")
    return None


def _django_for_the_server() -> None:
    """Set Django up against the test server's maintenance database.

    The suite's own database need not exist yet (pytest creates test_<name>), but the server
    does, and ``postgres`` is always there; the connection is made lazily, so this takes hold.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vcs_portal.settings.test")
    sys.path.insert(0, str(REPO_DIR))
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES["default"]["NAME"] = "postgres"


def check_postgres() -> str | None:
    """The server answers, and pg_dump, pg_restore and createdb at least as new as it are found.

    Uses ``vcs_portal.core.backup.find_tool``, the very lookup the backup test uses (pgserver's
    bundled tools first, then the PATH).
    """
    if not os.environ.get("DATABASE_URL", "").strip():
        return "DATABASE_URL is not set: run this through scripts/with_services.py (make test does)"
    try:
        _django_for_the_server()
        from django.db import OperationalError, connection

        from vcs_portal.core.backup import find_tool

        try:
            connection.ensure_connection()
        except OperationalError as exc:
            first = str(exc).strip().splitlines()[0][:100] if str(exc).strip() else type(exc).__name__
            return (
                f"PostgreSQL at DATABASE_URL is not answering ({first}): start it, "
                "or unset DATABASE_URL so make test starts an embedded one"
            )
        major = connection.pg_version // 10000
        for tool in PG_TOOLS:
            try:
                find_tool(tool)
            except RuntimeError:
                return (
                    f"{tool} of PostgreSQL {major} or newer is missing: "
                    f"apt-get install -y postgresql-client-{major} "
                    "(or use the embedded server, whose pgserver package bundles it)"
                )
    finally:
        from django.db import connections

        connections.close_all()
    return None


def check_redis() -> str | None:
    """The broker and cache answer: the worker tests and the cache need them."""
    url = os.environ.get("REDIS_URL", "").strip()
    if not url:
        return "REDIS_URL is not set: run this through scripts/with_services.py (make test does)"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as exc:
        return (
            f"Redis at REDIS_URL is not answering ({str(exc)[:100]}): start it, "
            "or unset REDIS_URL so make test starts an embedded one"
        )
    return None


CHECKS: list[Callable[[], str | None]] = [
    check_python,
    check_weasyprint,
    check_fonts,
    check_chromium,
    check_postgres,
    check_redis,
]


def main() -> int:
    """Run every check, print one line per problem, and return 1 if there was any."""
    # platformdirs (under weasyprint and pgserver) warns when XDG_RUNTIME_DIR is unset: noise here.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    problems = [problem for check in CHECKS if (problem := check())]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
