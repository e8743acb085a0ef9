from __future__ import annotations

from django.urls import path

from . import choice_views, import_views, referral_views, views

app_name = "victims"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("cases/<int:pk>/status/", views.case_status, name="case_status"),
    path("cases/<int:pk>/review/", views.case_review, name="case_review"),
    path("cases/<int:pk>/context/", views.case_context, name="case_context"),
    path("cases/<int:pk>/discretion/", views.case_discretion, name="case_discretion"),
    path("cases/<int:pk>/victim/opt-in/", choice_views.opt_in, name="opt_in"),
    path("cases/<int:pk>/victim/opt-out/", choice_views.opt_out, name="opt_out"),
    path("cases/<int:pk>/victim/address/", choice_views.address_change, name="address_change"),
    path("cases/<int:pk>/victim/preferences/", choice_views.preferences, name="preferences"),
    path("cases/<int:pk>/victim/contact-level/", choice_views.contact_level, name="contact_level"),
    path("cases/<int:pk>/victim/restrictions/new/", choice_views.restriction_add, name="restriction_add"),
    path(
        "cases/<int:pk>/victim/restrictions/<int:restriction_pk>/lift/",
        choice_views.restriction_lift,
        name="restriction_lift",
    ),
    path(
        "cases/<int:pk>/victim/safety-concerns/new/",
        choice_views.safety_concern_add,
        name="safety_concern_add",
    ),
    path("referrals/new/", referral_views.start, name="referral_start"),
    path("referrals/new/<slug:step>/", referral_views.step, name="referral_step"),
    path("referrals/import/", import_views.upload, name="referral_import"),
    path("referrals/import/<int:pk>/", import_views.job, name="referral_import_job"),
]
