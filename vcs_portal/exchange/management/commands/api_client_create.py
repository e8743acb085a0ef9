"""python manage.py api_client_create --name NAME --region CODE --operations events consultations ...

Registers a prison-side client system and prints its token, once. docs/api.md.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from vcs_portal.core.models import Region
from vcs_portal.exchange.models import Operation
from vcs_portal.exchange.services import api_client_create


class Command(BaseCommand):
    help = "Register a client system for the exchange API and print its token (shown only once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", required=True, help="The system's name, as the audit log shows it.")
        parser.add_argument("--region", required=True, help="The code of the region it may see.")
        parser.add_argument(
            "--operations",
            nargs="+",
            choices=Operation.values,
            default=[Operation.EVENTS, Operation.CONSULTATIONS, Operation.WEBHOOKS],
            help="What it may do (default: all).",
        )

    def handle(self, *args: Any, name: str, region: str, operations: list[str], **options: Any) -> None:
        found = Region.objects.filter(code=region).first()
        if found is None:
            codes = ", ".join(Region.objects.values_list("code", flat=True)) or "none yet"
            raise CommandError(f"No region with code {region!r} (regions: {codes})")
        try:
            client, token = api_client_create(actor=None, name=name, region=found, operations=operations)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Created API client {client.name} (region {found.code}: {', '.join(client.operations)})."
        )
        self.stdout.write("Its token, shown only this once; it is stored hashed:")
        self.stdout.write(token)
