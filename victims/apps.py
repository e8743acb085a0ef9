from __future__ import annotations

from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "victims"
