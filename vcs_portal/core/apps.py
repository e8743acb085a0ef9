from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps

from . import lookups  # noqa: F401  (registers ``__any_of`` on integer fields)


class CoreConfig(AppConfig):
    name = "vcs_portal.core"
    label = "core"
    verbose_name = "Users, teams and audit"
    default = True


class VCSAdminConfig(admin_apps.AdminConfig):
    """The Django admin, on a site that insists on a verified second factor."""

    default = False
    default_site = "vcs_portal.core.admin_site.VCSAdminSite"
