"""Acceptance 2: sign-in lock-out that a proxy or one attacker cannot turn against everyone.

Tried as an attacker would: five wrong passwords for one VLO, then the other VLO signs in from
the same address; a forged X-Forwarded-For without a configured proxy changes nothing.
"""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import PASSWORD
from vcs_portal.core.lockout import client_ip_address
from vcs_portal.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

WRONG = "not the right password at all"
PROXY = "10.0.0.2"  # the reverse proxy, as the application sees it


def attempt(client: Client, email: str, password: str, **meta: str):
    return client.post(reverse("core:login"), {"username": email, "password": password}, **meta)


def test_five_wrong_passwords_for_one_vlo_do_not_lock_out_the_other_vlo_at_the_same_address(
    client, vlo, teammate, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, vlo.email, WRONG, REMOTE_ADDR=PROXY)
    assert attempt(client, vlo.email, PASSWORD, REMOTE_ADDR=PROXY).status_code == 429  # the pair is locked

    response = attempt(Client(), teammate.email, PASSWORD, REMOTE_ADDR=PROXY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:mfa_setup"))


def test_one_password_cannot_be_guessed_from_many_addresses(client, vlo, settings):
    settings.VCS_SIGN_IN_EMAIL_FAILURE_LIMIT = 8
    for n in range(settings.VCS_SIGN_IN_EMAIL_FAILURE_LIMIT):
        # Never five from one address, so no pair is locked.
        response = attempt(client, vlo.email, WRONG, REMOTE_ADDR=f"198.51.100.{n // 2 + 1}")
        assert response.status_code in {200, 429}
    response = attempt(Client(), vlo.email.upper(), PASSWORD, REMOTE_ADDR="203.0.113.99")
    assert response.status_code == 429  # the email is locked from everywhere, whatever its case


def test_forged_x_forwarded_for_without_a_configured_proxy_changes_nothing(client, vlo, settings):
    assert settings.VCS_TRUSTED_PROXY_COUNT == 0 and not settings.VCS_TRUSTED_PROXIES
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, vlo.email, WRONG, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
    # A fresh forged address does not buy a fresh count...
    locked = attempt(client, vlo.email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert locked.status_code == 429
    # ...and the audit shows the address the connection came from, never the forged one.
    addresses = set(AuditEvent.objects.filter(object_id=str(vlo.pk)).values_list("ip_address", flat=True))
    assert addresses == {PROXY}


def test_forged_leftmost_address_is_ignored_behind_one_trusted_proxy(settings):
    settings.VCS_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip_address(request) == "203.0.113.7"  # what our proxy saw, not what the client claimed
    short = RequestFactory().post("/", REMOTE_ADDR=PROXY)
    assert client_ip_address(short) == PROXY


def test_header_from_an_address_that_is_not_our_proxy_is_ignored(settings):
    settings.VCS_TRUSTED_PROXIES = ["10.0.0.0/24"]
    direct = RequestFactory().post("/", REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert client_ip_address(direct) == "203.0.113.50"
    proxied = RequestFactory().post(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.8, 10.0.0.9"
    )
    assert client_ip_address(proxied) == "203.0.113.8"
    garbage = RequestFactory().post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip_address(garbage) == PROXY


def test_behind_a_trusted_proxy_users_are_counted_and_audited_by_their_own_address(client, vlo, settings):
    settings.VCS_TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, vlo.email, WRONG, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.10")
    elsewhere = attempt(Client(), vlo.email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.11")
    assert elsewhere.status_code == 302  # the same VLO at her own desk is not locked out
    signed_in = AuditEvent.objects.get(actor=vlo, action=AuditAction.SIGN_IN)
    assert signed_in.ip_address == "203.0.113.11"
