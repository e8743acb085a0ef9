from __future__ import annotations

from django.urls import path

from . import audit_views, subject_access_views

app_name = "operations"

urlpatterns = [
    path("audit/", audit_views.audit_search, name="audit"),
    path("subject-access/", subject_access_views.subject_access, name="subject_access"),
]
