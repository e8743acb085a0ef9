"""Print a demo user's current TOTP code (DEBUG only), for trying the service without a phone."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current 6-digit code of a user's authenticator (DEBUG only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_code only runs with DEBUG on.")
        device = TOTPDevice.objects.filter(user__email__iexact=email).order_by("-confirmed", "-pk").first()
        if device is None:
            raise CommandError("No authenticator yet: sign in first, to reach the set-up page.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
