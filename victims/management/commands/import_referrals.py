"""Import referrals from a CSV file as a named VLO or manager (see docs/referral-import.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vcs_portal.core.models import User
from victims.importer import ImportFileError, import_referrals


class Command(BaseCommand):
    help = "Import referrals from a CSV file: every row or none. Exits non-zero if any row has an error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8).")
        parser.add_argument(
            "--as",
            dest="actor",
            required=True,
            metavar="EMAIL",
            help="The VLO or manager to import as: their scope decides which officers and records apply.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; save nothing.")

    def handle(self, *args: Any, file: Path, actor: str, dry_run: bool, **options: Any) -> None:
        user = User.objects.filter(email__iexact=actor, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the email address {actor}")
        try:
            with file.open("rb") as handle:
                result = import_referrals(file=handle, actor=user, dry_run=dry_run)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except (ImportFileError, PermissionError) as error:
            raise CommandError(str(error)) from error
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} errors: nothing was imported.")
        if dry_run:
            self.stdout.write(f"Dry run, nothing saved. Would create {result.summary()}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {result.summary()}."))
