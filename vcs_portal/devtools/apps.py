from __future__ import annotations

from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development tools: demo and national-scale data, the bench. Local and test settings only."""

    name = "vcs_portal.devtools"
    label = "devtools"
    verbose_name = "Development tools"
