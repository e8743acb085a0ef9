"""Back up and restore the database with pg_dump and pg_restore (see docs/backups.md).

The client tools must be at least as new as the server, so we look for them beside the
embedded server (pgserver) first and then on the PATH, and pick one that is new enough.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections


def _server_major(alias: str = "default") -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _tool_major(path: str) -> int:
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+)\.", out)
    return int(match.group(1)) if match else 0


def find_tool(name: str, alias: str = "default") -> str:
    """A pg_dump/pg_restore/createdb whose major version is at least the server's."""
    needed = _server_major(alias)
    candidates = []
    try:
        import pgserver

        candidates.append(str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name))
    except ImportError:
        pass
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    for candidate in candidates:
        if os.access(candidate, os.X_OK) and _tool_major(candidate) >= needed:
            return candidate
    raise RuntimeError(f"No {name} of PostgreSQL {needed} or newer was found.")


def _libpq_env(alias: str = "default", dbname: str | None = None) -> dict[str, str]:
    db = settings.DATABASES[alias]
    env = dict(os.environ)
    env.update(
        PGHOST=str(db.get("HOST") or ""),
        PGPORT=str(db.get("PORT") or ""),
        PGUSER=str(db.get("USER") or ""),
        PGPASSWORD=str(db.get("PASSWORD") or ""),
        PGDATABASE=dbname or str(db["NAME"]),
    )
    return {k: v for k, v in env.items() if v != "" or not k.startswith("PG")}


def backup(path: Path, *, alias: str = "default", dbname: str | None = None) -> Path:
    """Write a custom-format dump (compressed, restorable table by table) to ``path``."""
    subprocess.run(
        [find_tool("pg_dump", alias), "--format=custom", "--no-owner", "--file", str(path)],
        env=_libpq_env(alias, dbname),
        check=True,
        capture_output=True,
    )
    return path


def restore(path: Path, *, target: str, alias: str = "default") -> None:
    """Create the empty database ``target`` and restore the dump into it."""
    subprocess.run(
        [find_tool("createdb", alias), target],
        env=_libpq_env(alias, "postgres"),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [find_tool("pg_restore", alias), "--no-owner", "--exit-on-error", "--dbname", target, str(path)],
        env=_libpq_env(alias, target),
        check=True,
        capture_output=True,
    )
