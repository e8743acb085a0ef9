from __future__ import annotations

from django.urls import path

from . import views

app_name = "letters"

urlpatterns = [
    path("", views.letter_list, name="list"),
    path("bulk-print/", views.bulk_print, name="bulk_print"),
    path("cases/<int:case_pk>/new/", views.case_new, name="case_new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/sent/", views.mark_sent, name="mark_sent"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
]
