from __future__ import annotations

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """The JSON API for prison-side systems: custody events in, consultations answered."""

    name = "vcs_portal.exchange"
    label = "exchange"
    verbose_name = "Exchange with prison-side systems"
