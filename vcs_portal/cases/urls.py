from __future__ import annotations

from django.urls import path

from . import search_views, views

app_name = "cases"

urlpatterns = [
    path("cases/<int:pk>/", views.case_detail, name="detail"),
    path("cases/<int:pk>/contacts/", views.case_contacts_tab, name="contacts"),
    path("cases/<int:pk>/letters/", views.case_letters_tab, name="letters"),
    path("cases/<int:pk>/parole/", views.case_parole_tab, name="parole"),
    path("cases/<int:pk>/tasks/", views.case_tasks_tab, name="tasks"),
    path("cases/<int:pk>/history/", views.case_history, name="history"),
    path("search/", search_views.search, name="search"),
]
