"""python manage.py retention_sweep [--as-of YYYY-MM-DD] [--dry-run]: apply the retention policy."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from vcs_portal.operations.retention import retention_sweep


class Command(BaseCommand):
    help = (
        "Anonymise closed cases whose retention date has passed, and victims with no case left "
        "holding their details (docs/retention.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="Treat this day (YYYY-MM-DD) as today; everything due on or before it is done.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be anonymised; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["as_of"] or timezone.localdate()
        result = retention_sweep(as_of=today, dry_run=options["dry_run"])
        self.stdout.write(f"As of {today}: {result.line()}")
