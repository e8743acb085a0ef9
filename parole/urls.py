"""Parole, tribunal and meeting pages, mounted at /parole/ and always reached through a case."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "parole"

urlpatterns = [
    path("cases/<int:pk>/reviews/new/", views.review_new, name="review_new"),
    path("cases/<int:pk>/reviews/<int:review_pk>/", views.review_edit, name="review_edit"),
    path("cases/<int:pk>/reviews/<int:review_pk>/decision/", views.review_decision, name="review_decision"),
    path(
        "cases/<int:pk>/reviews/<int:review_pk>/reconsideration/",
        views.reconsideration_new,
        name="reconsideration_new",
    ),
    path("cases/<int:pk>/reviews/<int:review_pk>/vps/invite/", views.vps_invite, name="vps_invite"),
    path("cases/<int:pk>/reviews/<int:review_pk>/vps/", views.vps_progress, name="vps_progress"),
    path("cases/<int:pk>/conditions/new/", views.condition_new, name="condition_new"),
    path("cases/<int:pk>/conditions/<int:condition_pk>/sent/", views.condition_sent, name="condition_sent"),
    path(
        "cases/<int:pk>/conditions/<int:condition_pk>/outcome/",
        views.condition_outcome,
        name="condition_outcome",
    ),
    path("cases/<int:pk>/tribunal/new/", views.tribunal_new, name="tribunal_new"),
    path("cases/<int:pk>/tribunal/<int:hearing_pk>/", views.tribunal_edit, name="tribunal_edit"),
    path(
        "cases/<int:pk>/hospital-managers/new/",
        views.hospital_referral_new,
        name="hospital_referral_new",
    ),
    path("cases/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("cases/<int:pk>/offender-manager-summary/", views.om_summary, name="om_summary"),
]
