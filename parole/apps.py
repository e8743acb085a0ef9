from __future__ import annotations

from django.apps import AppConfig


class ParoleConfig(AppConfig):
    name = "parole"
