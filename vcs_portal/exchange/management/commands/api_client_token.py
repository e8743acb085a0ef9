"""python manage.py api_client_token NAME --rotate | --revoke: a new token for a client, or none."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from vcs_portal.exchange.models import ApiClient
from vcs_portal.exchange.services import api_client_revoke, api_client_rotate


class Command(BaseCommand):
    help = "Rotate (print a new token; the old one stops at once) or revoke an API client's token."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rotate", action="store_true")
        action.add_argument("--revoke", action="store_true")

    def handle(self, *args: Any, name: str, rotate: bool, revoke: bool, **options: Any) -> None:
        client = ApiClient.objects.filter(name__iexact=name).first()
        if client is None:
            raise CommandError(f"No API client named {name!r}")
        if revoke:
            api_client_revoke(actor=None, client=client)
            self.stdout.write(f"Revoked {client.name}: its token is refused from now on.")
            return
        try:
            token = api_client_rotate(actor=None, client=client)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"New token for {client.name}, shown only this once (the old one no longer works):")
        self.stdout.write(token)
