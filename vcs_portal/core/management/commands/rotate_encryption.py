"""python manage.py rotate_encryption: re-encrypt every encrypted field under the newest key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vcs_portal.core.encryption import rotate_all


class Command(BaseCommand):
    help = "Re-encrypt victims' contact details and safety notes under the first key (docs/encryption.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        for label, count in rotate_all().items():
            self.stdout.write(f"{label}: {count} rows re-encrypted")
