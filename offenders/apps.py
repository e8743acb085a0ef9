from __future__ import annotations

from django.apps import AppConfig


class OffendersConfig(AppConfig):
    name = "offenders"
