"""The service's URLs plus the bench's changelist (``bench_admin``); used only while the bench runs."""

from __future__ import annotations

from django.urls import path

from vcs_portal.urls import handler500
from vcs_portal.urls import urlpatterns as service_urlpatterns

from .bench_admin import bench_site

urlpatterns = [path("bench-admin/", bench_site.urls), *service_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
