from __future__ import annotations

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/security-code/", views.mfa_verify, name="mfa_verify"),
    path("sign-in/set-up-authenticator/", views.mfa_setup, name="mfa_setup"),
    path("sign-out/", views.sign_out, name="logout"),
    path("healthz/", views.healthz, name="healthz"),
    path("help/", views.help_page, name="help"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
]
