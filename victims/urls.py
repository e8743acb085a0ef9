from __future__ import annotations

from django.urls import path

from . import views

app_name = "victims"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
]
