from __future__ import annotations

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Work over a person's whole record: subject access, retention, the audit page, daily jobs."""

    name = "vcs_portal.operations"
    label = "operations"
    verbose_name = "Operations"
