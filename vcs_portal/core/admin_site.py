"""The admin site: staff only, and only after the second factor."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class VCSAdminSite(admin.AdminSite):
    site_header = "Victim Contact Scheme admin"
    site_title = "Victim Contact Scheme admin"
    index_title = "Users, teams and reference data"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(super().has_permission(request) and user.is_verified())  # type: ignore[union-attr]

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Send people to the service's own sign-in, which does the second factor."""
        if request.user.is_authenticated:
            raise PermissionDenied("The admin needs an admin account with two-factor sign-in.")
        return redirect_to_login(request.get_full_path(), reverse("core:login"))
