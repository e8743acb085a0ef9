"""python manage.py db_restore FILE --into NEWDB: restore a dump into a new, empty database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from vcs_portal.core.backup import restore


class Command(BaseCommand):
    help = "Restore FILE into a NEW database (never over the live one). See docs/backups.md."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--into", required=True, help="Name of the new database to create.")

    def handle(self, *args: Any, file: Path, into: str, **options: Any) -> None:
        restore(file, target=into)
        self.stdout.write(f"Restored {file} into the new database {into}")
