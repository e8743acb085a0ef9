from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    """The case page: one case's whole record, gathered from every app that adds to it."""

    name = "vcs_portal.cases"
    label = "cases"
    verbose_name = "Case pages"
