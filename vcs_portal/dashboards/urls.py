from __future__ import annotations

from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("team/", views.team, name="team"),
    path("region/", views.region, name="region"),
    path("performance/", views.performance, name="performance"),
    path("list/", views.measure_list, name="list"),
]
