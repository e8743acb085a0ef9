"""Sign-in, the second factor, sign-out, health and the error pages."""

from __future__ import annotations

import logging
import secrets
from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .forms import SecurityCodeForm, SignInForm

logger = logging.getLogger(__name__)


def _next_url(request: HttpRequest) -> str:
    """The page to return to after sign-in, if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:home")


def _with_next(url_name: str, request: HttpRequest) -> str:
    from urllib.parse import urlencode

    return reverse(url_name) + "?" + urlencode({"next": _next_url(request)})


class SignInView(LoginView):
    """Email and password; the second factor follows on its own page."""

    form_class = SignInForm
    template_name = "core/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        from django.contrib.auth import login

        user = form.get_user()
        login(self.request, user)  # rotates the session key
        services.user_signed_in(user=user, session_key=self.request.session.session_key or "")
        enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        return HttpResponseRedirect(
            _with_next("core:mfa_verify" if enrolled else "core:mfa_setup", self.request)
        )

    def form_invalid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        """Audit every refused attempt; axes has already counted it and may turn this into a lock-out."""
        email, password = form.data.get("username", ""), form.data.get("password", "")
        if email and password:  # a blank field is a form error, not an attempt
            services.sign_in_refused(
                email_typed=email,
                locked_out=bool(getattr(self.request, "axes_locked_out", False)),
                failures=getattr(self.request, "axes_failures_since_start", None),
            )
        return super().form_invalid(form)


def _second_factor_passed(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session verified and give it a new key: a key seen before the code is worth nothing."""
    old_key = request.session.session_key
    otp_login(request, device)
    request.session.cycle_key()
    services.user_second_factor_passed(
        user=request.user,  # type: ignore[arg-type]
        old_session_key=old_key,
        new_session_key=request.session.session_key or "",
    )


def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the six-digit code from the user's authenticator app."""
    if not request.user.is_authenticated:
        return redirect("core:login")
    if request.user.is_verified():  # type: ignore[attr-defined]  # added by django-otp's OTPMiddleware
        return HttpResponseRedirect(_next_url(request))
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.mfa_check(user=request.user, token=form.cleaned_data["code"])
        if device is not None:
            _second_factor_passed(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", "The security code is not right. Enter the latest code.")
    return render(request, "core/mfa_verify.html", {"form": form, "next": _next_url(request)})


def mfa_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: add the service to an authenticator app by QR code."""
    if not request.user.is_authenticated:
        return redirect("core:login")
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(_with_next("core:mfa_verify", request))
    device = services.mfa_device_for_enrolment(user=request.user)
    form = SecurityCodeForm(request.POST or None, button="Confirm and continue")
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["code"]
        if services.mfa_enrol_confirm(user=request.user, device=device, token=token):
            _second_factor_passed(request, device)
            messages.success(request, "Your authenticator app is set up.")
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", "The security code is not right. Enter the latest code.")
    secret = b32encode(device.bin_key).decode()
    context: dict[str, Any] = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": mark_safe(  # noqa: S308 - segno's own SVG, from our own data
            segno.make(device.config_url, error="m").svg_inline(scale=5, title="QR code")
        ),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "core/mfa_setup.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.user_signed_out(user=request.user, session_key=request.session.session_key)
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("core:login")


def home(request: HttpRequest) -> HttpResponse:
    return redirect("victims:caseload")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for load balancers and docker-compose."""
    connection.ensure_connection()
    return HttpResponse("ok", content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 page with a reference to quote, logged beside the traceback, never shown."""
    reference = secrets.token_hex(4).upper()
    logger.error("Server error, reference %s, path %s", reference, request.path)
    html = loader.get_template("500.html").render({"reference": reference})
    return HttpResponseServerError(html)


# --- Content pages linked from the footer: open to everyone, signed in or not -------------


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    contact = settings.VCS_SUPPORT_CONTACT
    return render(request, "core/help.html", {"support_contact": contact, "support_is_email": "@" in contact})


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html", {"support_contact": settings.VCS_SUPPORT_CONTACT})


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/privacy.html",
        {"support_contact": settings.VCS_SUPPORT_CONTACT, "retention_years": settings.VCS_RETENTION_YEARS},
    )
