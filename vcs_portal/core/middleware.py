"""Request-wide rules: audit origin, session time limits, the second factor, no caching."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject, empty
from django_otp import middleware as otp_middleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import RequestOrigin, audit_record, reset_origin, session_hash, set_origin
from .lockout import client_ip_address
from .models import AuditAction
from .prepared import Prepared

Handler = Callable[[HttpRequest], HttpResponse]

SIGNED_IN_AT = "vcs_signed_in_at"
LAST_SEEN = "vcs_last_seen"

# Pages a signed-in user may reach before completing the second factor.
# The footer's pages (help, accessibility, privacy) are readable before the second factor too.
MFA_EXEMPT = {
    "core:login",
    "core:logout",
    "core:mfa_verify",
    "core:mfa_setup",
    "core:healthz",
    "core:help",
    "core:accessibility",
    "core:privacy",
}


_totp_device: Prepared[TOTPDevice] = Prepared(lambda pk: TOTPDevice.objects.filter(pk=pk).order_by("pk"))


class OTPMiddleware(otp_middleware.OTPMiddleware):
    """django-otp's, reading the session's authenticator app (TOTP, the only kind we enrol) with
    SQL compiled once; any other kind of device is read as django-otp reads it. The device must
    still be the user's own and confirmed (``_finalize_device``)."""

    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        label, _, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        if label != TOTPDevice._meta.label_lower:
            return super()._device_from_persistent_id(persistent_id)
        try:
            return _totp_device.first(int(device_id))
        except ValueError:
            return None


class AuditContextMiddleware:
    """Make the request's session and address available to ``audit_record``."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_origin(
            RequestOrigin(
                session_hash=session_hash(request.session.session_key),
                ip_address=client_ip_address(request),
                path=request.path,
            )
        )
        try:
            return self.get_response(request)
        finally:
            reset_origin(token)


class SessionTimeoutMiddleware:
    """Sign out after 30 idle minutes or 12 hours in all (both settings)."""

    # Refresh the idle clock at most once a minute, to spare a session write per request.
    TOUCH_SECONDS = 60

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(SIGNED_IN_AT, now)
            last = session.get(LAST_SEEN, now)
            idle = settings.VCS_SESSION_IDLE_MINUTES * 60
            absolute = settings.VCS_SESSION_ABSOLUTE_HOURS * 3600
            if now - last > idle or now - started > absolute:
                return self._expire(request)
            if now - last >= self.TOUCH_SECONDS or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest) -> HttpResponse:
        audit_record(actor=request.user, action=AuditAction.SESSION_EXPIRED)  # type: ignore[arg-type]
        logout(request)
        messages.info(request, "You were signed out because your session timed out.")
        target = reverse("core:login")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)


def mfa_relaxed() -> bool:
    """Demo mode may skip the second factor, but never unless DEBUG is on."""
    return bool(settings.DEBUG and settings.VCS_DEMO_RELAX_MFA)


def _resolved(user: Any) -> Any:
    """The object behind (nested) ``SimpleLazyObject`` wrappers, evaluating them."""
    while isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:  # type: ignore[attr-defined]  # LazyObject's own, untyped
            user._setup()  # type: ignore[attr-defined]
        user = user._wrapped  # type: ignore[attr-defined]
    return user


class RequireMFAMiddleware:
    """Every signed-in user completes the TOTP second factor before seeing anything."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # From here on the request's user is the user itself, not Django's and django-otp's lazy
        # wrappers around it: every later ``request.user.…`` (a page reads dozens) is a plain
        # attribute rather than a trip through both proxies. Read here anyway, so nothing is lost.
        user = request.user = _resolved(request.user)
        if user.is_authenticated and not mfa_relaxed() and not user.is_verified():
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = ""
            if name not in MFA_EXEMPT:
                enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
                target = reverse("core:mfa_verify" if enrolled else "core:mfa_setup")
                if request.method == "GET":
                    target += "?" + urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(target)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages may hold victims' details: no browser or proxy may keep a copy."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
