"""Sign-in lock-out that one attacker cannot turn against everyone, and the client's real address.

django-axes counts failures per pair (email as typed, client address): five wrong passwords lock
that pair only, so another user signing in from the same address (every user, behind the
reverse proxy) is not refused. A slower limit per email, whatever the address
(``VCS_SIGN_IN_EMAIL_FAILURE_LIMIT``), stops one password being guessed from many addresses.

The client address is ``REMOTE_ADDR`` unless a trusted proxy is configured, so a client can
never choose its own address with a forged ``X-Forwarded-For``: see ``client_ip_address``.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
USERNAME_MAX = 254


def _address(value: str | None) -> IPAddress | None:
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _trusted_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(item, strict=False) for item in settings.VCS_TRUSTED_PROXIES]


def client_ip_address(request: HttpRequest) -> str | None:
    """The address of the client, trusting ``X-Forwarded-For`` only as far as our own proxies.

    - Neither setting (the default): ``REMOTE_ADDR``; ``X-Forwarded-For`` is ignored.
    - ``VCS_TRUSTED_PROXIES`` (addresses or networks): only when ``REMOTE_ADDR`` is one of them,
      the right-most ``X-Forwarded-For`` entry that is not one of them.
    - ``VCS_TRUSTED_PROXY_COUNT`` = N: the N-th entry from the right (each proxy appends the
      address it saw); fewer entries than N, or a malformed one, falls back to ``REMOTE_ADDR``.
    """
    remote = _address(request.META.get("REMOTE_ADDR"))
    networks = _trusted_networks()
    count = settings.VCS_TRUSTED_PROXY_COUNT
    if remote is None or not (networks or count > 0):
        return str(remote) if remote else None
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if networks:
        if not any(remote in network for network in networks):
            return str(remote)  # not sent through our proxy: its header is the client's own words
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                return str(remote)
            if not any(address in network for network in networks):
                return str(address)
        return str(remote)
    if len(hops) < count:
        return str(remote)
    address = _address(hops[-count])
    return str(address) if address else str(remote)


def sign_in_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The email as typed, folded to lower case so ``Alice@`` and ``alice@`` share one count."""
    value = (credentials or {}).get("username")
    if value is None:
        value = request.POST.get("username", "")
    return str(value).strip().lower()[:USERNAME_MAX]


def email_failures(*, request: HttpRequest, username: str) -> int:
    """Failed sign-ins for ``username`` from every address within the cool-off period."""
    attempts = AccessAttempt.objects.filter(username=username)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class SignInLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler plus the per-email limit; configured as ``AXES_HANDLER``."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Failures of the pair, raised to the pair's limit once the email's own limit is reached.

        Axes compares this one number with ``AXES_FAILURE_LIMIT`` both before checking a password
        and after a failure, so reporting the per-email lock this way locks the email everywhere.
        """
        pair = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        if (
            username
            and email_failures(request=request, username=username) >= settings.VCS_SIGN_IN_EMAIL_FAILURE_LIMIT
        ):
            return max(pair, get_failure_limit(request, credentials))
        return pair
