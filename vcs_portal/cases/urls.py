from __future__ import annotations

from django.urls import path

from . import search_views, views

app_name = "cases"

urlpatterns = [
    path("cases/<int:pk>/", views.case_detail, name="detail"),
    path("cases/<int:pk>/history/", views.case_history, name="history"),
    path("search/", search_views.search, name="search"),
]
