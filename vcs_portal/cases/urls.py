from __future__ import annotations

from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("cases/<int:pk>/", views.case_detail, name="detail"),
    path("cases/<int:pk>/history/", views.case_history, name="history"),
]
