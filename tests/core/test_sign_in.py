"""Sign-in: password, then the TOTP second factor; lockout; sign-out."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, TOTPDeviceFactory
from vcs_portal.core.forms import GENERIC_SIGN_IN_ERROR
from vcs_portal.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def post_password(client, email: str, password: str = PASSWORD):
    return client.post(reverse("core:login"), {"username": email, "password": password})


def test_passwords_are_hashed_with_argon2(vlo):
    assert vlo.password.startswith("argon2")


def test_password_sends_enrolled_user_to_the_security_code_page(client, vlo):
    TOTPDeviceFactory(user=vlo)
    response = post_password(client, vlo.email)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:mfa_verify"))


def test_password_sends_new_user_to_authenticator_set_up(client, vlo):
    response = post_password(client, vlo.email)
    assert response["Location"].startswith(reverse("core:mfa_setup"))


def test_password_alone_does_not_reach_the_caseload(client, vlo):
    TOTPDeviceFactory(user=vlo)
    post_password(client, vlo.email)
    response = client.get(reverse("victims:caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:mfa_verify"))


def test_right_code_completes_sign_in(client, vlo):
    device = TOTPDeviceFactory(user=vlo)
    post_password(client, vlo.email)
    response = client.post(reverse("core:mfa_verify"), {"code": current_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("victims:caseload")).status_code == 200


def test_wrong_code_is_refused_with_an_error_on_the_page(client, vlo):
    device = TOTPDeviceFactory(user=vlo)
    post_password(client, vlo.email)
    wrong = f"{(int(current_code(device)) + 1) % 1000000:06d}"
    response = client.post(reverse("core:mfa_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "The security code is not right" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert AuditEvent.objects.filter(actor=vlo, action=AuditAction.MFA_FAILED).exists()


def test_badly_formed_code_gets_a_field_error(client, vlo):
    TOTPDeviceFactory(user=vlo)
    post_password(client, vlo.email)
    response = client.post(reverse("core:mfa_verify"), {"code": "12ab"})
    assert "Enter the 6-digit security code" in response.content.decode()


def test_enrolment_shows_a_qr_code_and_confirms_the_device(client, vlo):
    post_password(client, vlo.email)
    page = client.get(reverse("core:mfa_setup"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=vlo, confirmed=False)
    response = client.post(reverse("core:mfa_setup"), {"code": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(actor=vlo, action=AuditAction.MFA_ENROLLED).exists()
    assert client.get(reverse("victims:caseload")).status_code == 200


def test_unknown_and_known_users_get_the_same_message(client, vlo):
    unknown = post_password(client, "nobody@probation.example.gov.uk", "wrong password here")
    known = post_password(client, vlo.email, "wrong password here")
    assert GENERIC_SIGN_IN_ERROR in unknown.content.decode()
    assert GENERIC_SIGN_IN_ERROR in known.content.decode()


def test_inactive_user_gets_the_same_message(client, vlo):
    vlo.is_active = False
    vlo.save()
    response = post_password(client, vlo.email)
    assert GENERIC_SIGN_IN_ERROR in response.content.decode()


def test_repeated_failures_lock_out_known_and_unknown_users_alike(client, vlo, settings):
    for email in (vlo.email, "nobody@probation.example.gov.uk"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            post_password(client, email, "wrong password here")
        locked = post_password(client, email, "wrong password here")
        assert locked.status_code == 429
        assert "You cannot sign in at the moment" in locked.content.decode()
        from axes.utils import reset

        reset()


def test_lockout_holds_even_with_the_right_password(client, vlo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_password(client, vlo.email, "wrong password here")
    response = post_password(client, vlo.email)
    assert response.status_code == 429


def test_session_key_rotates_at_sign_in(client, vlo):
    client.get(reverse("core:login"))
    client.session.save()
    before = client.session.session_key
    post_password(client, vlo.email)
    assert client.session.session_key != before


def test_sign_out_ends_the_session(vlo_client):
    response = vlo_client.post(reverse("core:logout"))
    assert response.status_code == 302
    after = vlo_client.get(reverse("victims:caseload"))
    assert after["Location"].startswith(reverse("core:login"))


def test_sign_out_needs_post(vlo_client):
    assert vlo_client.get(reverse("core:logout")).status_code == 405


def test_sign_in_is_audited(client, vlo):
    post_password(client, vlo.email)
    assert AuditEvent.objects.filter(actor=vlo, action=AuditAction.SIGN_IN).count() == 1


def test_next_url_is_kept_through_both_steps(client, vlo):
    device = TOTPDeviceFactory(user=vlo)
    client.post(
        reverse("core:login") + "?next=/caseload/%3Fq%3Dsmith",
        {"username": vlo.email, "password": PASSWORD, "next": "/caseload/?q=smith"},
    )
    response = client.post(
        reverse("core:mfa_verify"), {"code": current_code(device), "next": "/caseload/?q=smith"}
    )
    assert response["Location"] == "/caseload/?q=smith"


def test_next_url_to_another_site_is_ignored(client, vlo):
    device = TOTPDeviceFactory(user=vlo)
    post_password(client, vlo.email)
    response = client.post(
        reverse("core:mfa_verify"), {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("core:home")


def test_demo_mode_relaxes_mfa_only_with_debug(client, vlo, settings):
    settings.VCS_DEMO_RELAX_MFA = True
    settings.DEBUG = False
    post_password(client, vlo.email)
    assert client.get(reverse("victims:caseload")).status_code == 302
    settings.DEBUG = True
    page = client.get(reverse("victims:caseload"))
    assert page.status_code == 200
    assert "two-factor authentication is switched off" in page.content.decode()
