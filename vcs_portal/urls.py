"""Top-level URLs: each app under its own prefix; the admin needs a second factor."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("vcs_portal.core.urls")),
    path("", include("victims.urls")),
    path("offenders/", include("offenders.urls")),
    path("contacts/", include("contacts.urls")),
    path("parole/", include("parole.urls")),
    path("letters/", include("vcs_portal.letters.urls")),
    path("dashboards/", include("vcs_portal.dashboards.urls")),
    path("", include("vcs_portal.cases.urls")),
    path("", include("vcs_portal.operations.urls")),
    path("", include("vcs_portal.exchange.urls")),
]

handler500 = "vcs_portal.core.views.server_error"
