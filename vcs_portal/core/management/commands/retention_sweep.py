"""python manage.py retention_sweep [--as-of YYYY-MM-DD] [--dry-run]: apply the retention policy."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from victims.retention import retention_sweep


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
        counts = retention_sweep(today=today, dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(
                f"Dry run as of {today}: {counts['cases_due']} cases and "
                f"{counts['victims_due']} victims would be anonymised. Nothing changed."
            )
        else:
            self.stdout.write(
                f"Retention sweep as of {today}: {counts['cases_anonymised']} cases and "
                f"{counts['victims_anonymised']} victims anonymised."
            )
