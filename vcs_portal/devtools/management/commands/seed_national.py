"""Create a national-scale synthetic data set: ``manage.py seed_national --seed 1``.

Refuses to run on a database that already holds cases, unless ``--force``. Prints what it made
and how long each step took.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vcs_portal.core.encryption import reindex_all
from vcs_portal.devtools.seed import SCALES, seed_national
from victims.models import Case


class Command(BaseCommand):
    help = "Create about 50,000 synthetic cases with their history, for dashboards and benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: the same seed gives the same data."
        )
        parser.add_argument("--scale", choices=sorted(SCALES), default="national")
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="Pretend today is YYYY-MM-DD."
        )
        parser.add_argument("--force", action="store_true", help="Add the data even if cases exist already.")
        parser.add_argument("--no-sweep", action="store_true", help="Skip the eligibility sweep at the end.")

    def handle(self, *args: Any, **options: Any) -> None:
        if Case.objects.exists() and not options["force"]:
            raise CommandError("The database already holds cases. Use --force to add national data anyway.")
        verbose = options["verbosity"] > 0
        log = self.stdout.write if verbose else (lambda _: None)
        log(f"Seeding scale={options['scale']} seed={options['seed']}:")
        started = time.perf_counter()
        report = seed_national(
            seed=options["seed"],
            scale=options["scale"],
            today=options["today"],
            log=log,
            sweep=not options["no_sweep"],
        )
        # COPY bypasses the fields' pre_save, so the postcodes' blind index is filled here.
        reindexed = reindex_all(batch_size=5000)
        log(f"  {'postcode search index':<37} {sum(reindexed.values()):,} rows")
        elapsed = time.perf_counter() - started
        if verbose:
            self.stdout.write("\nRows written:")
            for label, count in sorted(report.counts.items()):
                self.stdout.write(f"  {label:<44} {count:>10,}")
            self.stdout.write(
                self.style.SUCCESS(f"\nSeeded in {elapsed:.1f} s ({elapsed / 60:.1f} minutes).")
            )
