"""python manage.py db_backup FILE: a pg_dump of the database in custom format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from vcs_portal.core.backup import backup


class Command(BaseCommand):
    help = "Dump the database to FILE (pg_dump custom format). See docs/backups.md."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        backup(file)
        self.stdout.write(f"Wrote {file} ({file.stat().st_size:,} bytes)")
