"""Acceptance 3: every decision is on the audit trail, so an attacker's attempts leave one.

Failed sign-ins and lock-outs, sign-in, the second factor (and a new session key with it),
enrolment and reset, sign-out, every admin create, change and delete with before and after,
and every subject-access lookup, including one that finds nothing.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, TeamFactory, TOTPDeviceFactory
from vcs_portal.core import services
from vcs_portal.core.admin_audit import AuditedAdmin
from vcs_portal.core.models import AuditAction, AuditEvent, Region, Team, UserSession
from vcs_portal.letters.default_templates import templates_load
from vcs_portal.letters.models import LetterKind, LetterTemplate
from victims.models import Language

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def sign_in_password(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("core:login"), {"username": email, "password": password})


# --- sign-in ------------------------------------------------------------------------------------


def test_password_guessing_leaves_a_trail_with_the_email_as_typed(client, vlo):
    typed = "Alice@Probation.Example.Gov.UK" + "x" * 200
    sign_in_password(client, typed, "a wrong guess")
    sign_in_password(client, vlo.email, "a wrong guess")
    rows = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).order_by("id")
    assert [r.actor_id for r in rows] == [None, None]
    assert rows[0].summary.startswith("email typed: Alice@Probation.Example.Gov.UKxxx")
    assert len(rows[0].summary) < 120 and rows[0].object_id == ""  # truncated; no such account
    assert rows[1].object_id == str(vlo.pk)  # the account that was tried
    assert "a wrong guess" not in " ".join(r.summary for r in rows)


def test_a_lock_out_is_audited(client, vlo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        sign_in_password(client, vlo.email, "a wrong guess")
    locked = AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT, object_id=str(vlo.pk))
    assert locked.count() == 2  # the attempt that reached the limit, and the one refused after it
    assert (
        AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count()
        == settings.AXES_FAILURE_LIMIT - 1
    )


def test_a_stolen_pre_code_session_key_is_useless_after_the_second_factor(client, vlo):
    device = TOTPDeviceFactory(user=vlo)
    sign_in_password(client, vlo.email)
    before_code = client.session.session_key
    response = client.post(reverse("core:mfa_verify"), {"code": code(device)})
    assert response.status_code == 302
    after_code = client.session.session_key
    assert after_code != before_code
    assert AuditEvent.objects.filter(actor=vlo, action=AuditAction.SIGN_IN).count() == 1
    assert AuditEvent.objects.filter(actor=vlo, action=AuditAction.MFA_VERIFIED).count() == 1
    # Deactivation still finds the session under its new key.
    assert list(UserSession.objects.filter(user=vlo).values_list("session_key", flat=True)) == [after_code]
    services.user_deactivate(actor=vlo, user=vlo)
    assert client.get(reverse("victims:caseload")).status_code == 302


def test_enrolment_rotates_the_session_key_and_is_audited(client, vlo):
    sign_in_password(client, vlo.email)
    client.get(reverse("core:mfa_setup"))
    before = client.session.session_key
    device = TOTPDevice.objects.get(user=vlo, confirmed=False)
    client.post(reverse("core:mfa_setup"), {"code": code(device)})
    assert client.session.session_key != before
    actions = set(AuditEvent.objects.filter(actor=vlo).values_list("action", flat=True))
    assert {AuditAction.SIGN_IN, AuditAction.MFA_ENROLLED, AuditAction.MFA_VERIFIED} <= actions


def test_sign_out_is_audited(vlo_client, vlo):
    vlo_client.post(reverse("core:logout"))
    assert AuditEvent.objects.filter(actor=vlo, action=AuditAction.SIGN_OUT).exists()


# --- the admin ----------------------------------------------------------------------------------


def test_an_admin_resetting_a_second_factor_is_audited(admin_client_verified, admin_user, vlo):
    TOTPDeviceFactory(user=vlo)
    admin_client_verified.post(
        reverse("admin:core_user_changelist"), {"action": "reset_second_factor", "_selected_action": [vlo.pk]}
    )
    assert not TOTPDevice.objects.filter(user=vlo).exists()
    event = AuditEvent.objects.get(action=AuditAction.MFA_RESET)
    assert event.actor == admin_user and event.object_id == str(vlo.pk)


def test_an_admin_creating_a_region_and_a_team_is_audited_with_the_values(admin_client_verified, admin_user):
    admin_client_verified.post(reverse("admin:core_region_add"), {"name": "Yorkshire", "code": "yorks"})
    region = Region.objects.get(code="yorks")
    admin_client_verified.post(reverse("admin:core_team_add"), {"region": region.pk, "name": "Leeds"})
    team = Team.objects.get(name="Leeds")
    created = {
        e.object_type: e for e in AuditEvent.objects.filter(action=AuditAction.CREATE, actor=admin_user)
    }
    assert created["core.Region"].object_id == str(region.pk)
    assert created["core.Region"].changes["name"] == [None, "Yorkshire"]
    assert created["core.Team"].changes["region"] == [None, region.pk]
    assert created["core.Team"].object_id == str(team.pk)


def test_an_admin_change_records_before_and_after(admin_client_verified, team_a1):
    url = reverse("admin:core_team_change", args=[team_a1.pk])
    # The admin form posts every field; only the name changes.
    contact = {f: getattr(team_a1, f) for f in ("phone", "email", "postal_address", "opening_hours")}
    response = admin_client_verified.post(url, {"region": team_a1.region_id, "name": "Salford", **contact})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="core.Team")
    assert event.changes == {"name": ["Manchester", "Salford"]}


def test_an_admin_change_to_a_users_role_records_before_and_after_but_never_the_password(
    admin_client_verified, manager, team_a1
):
    url = reverse("admin:core_user_change", args=[manager.pk])
    form = {
        "email": manager.email,
        "first_name": manager.first_name,
        "last_name": manager.last_name,
        "role": "vlo",
        "region": manager.region_id,
        "team": team_a1.pk,
        "managed_teams": [],
        "is_active": "on",
    }
    response = admin_client_verified.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="core.User")
    assert event.changes["role"] == ["manager", "vlo"]
    assert event.changes["managed_teams"] == [[team_a1.pk], []]
    password_url = reverse("admin:auth_user_password_change", args=[manager.pk])
    admin_client_verified.post(
        password_url,
        {
            "password1": "a-new-long-passphrase-77",
            "password2": "a-new-long-passphrase-77",
            "usable_password": "true",
        },
    )
    changed = (
        AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="core.User").order_by("id").last()
    )
    assert "password" in changed.summary
    assert "argon2" not in str(list(AuditEvent.objects.values_list("changes", "summary")))


def test_an_admin_delete_is_audited_with_the_values_it_removed(admin_client_verified, region_a):
    team = TeamFactory(region=region_a, name="Bolton")
    other = TeamFactory(region=region_a, name="Wigan")
    admin_client_verified.post(reverse("admin:core_team_delete", args=[team.pk]), {"post": "yes"})
    admin_client_verified.post(
        reverse("admin:core_team_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert not Team.objects.filter(pk__in=[team.pk, other.pk]).exists()
    deleted = AuditEvent.objects.filter(action=AuditAction.DELETE, object_type="core.Team")
    assert {e.changes["name"][0] for e in deleted} == {"Bolton", "Wigan"}
    assert all(e.changes["name"][1] is None for e in deleted)


def test_an_admin_letter_wording_change_keeps_the_old_wording(admin_client_verified):
    templates_load(LetterTemplate)  # transactional tests elsewhere empty the table
    template = LetterTemplate.objects.get(kind=LetterKind.RECALL, language=Language.ENGLISH)
    old_body = template.body
    url = reverse("admin:letters_lettertemplate_change", args=[template.pk])
    admin_client_verified.post(url, {"subject": template.subject, "body": "Short."})
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="letters.LetterTemplate")
    assert event.changes["body"] == [old_body[:4000] + ("…" if len(old_body) > 4000 else ""), "Short."]


def test_no_admin_can_change_anything_off_the_audit_trail():
    """A new admin (the prison register, say) must be an ``AuditedAdmin`` or this fails."""
    unaudited = [m._meta.label for m, a in admin.site._registry.items() if not isinstance(a, AuditedAdmin)]
    assert unaudited == []


def test_an_authenticator_deleted_in_the_admin_is_audited_without_its_key(admin_client_verified, vlo):
    device = TOTPDeviceFactory(user=vlo)
    admin_client_verified.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="otp_totp.TOTPDevice")
    assert "key" not in event.changes and event.changes["user"] == [vlo.pk, None]


# --- subject access and the audit page -------------------------------------------------------------


def test_a_subject_access_lookup_that_finds_nothing_is_audited(admin_client_verified, admin_user):
    response = admin_client_verified.get(
        reverse("operations:subject_access"), {"reference": "VCS-2026-999999"}
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(actor=admin_user, action=AuditAction.SEARCH, object_type="victims.Case")
    assert "VCS-2026-999999" in event.summary


def test_the_audit_page_filters_by_decision(admin_client_verified, vlo):
    sign_in_password(Client(), vlo.email, "a wrong guess")
    sign_in_password(Client(), "nobody@example.gov.uk", "a wrong guess")
    page = admin_client_verified.get(reverse("operations:audit"), {"action": AuditAction.SIGN_IN_FAILED})
    html = page.content.decode()
    assert page.status_code == 200
    assert f"core.User {vlo.pk}" in html and "nobody@example.gov.uk" in html
    assert 'value="locked_out"' in html  # every action is a choice
    admin_client_verified.post(reverse("admin:core_region_add"), {"name": "Yorkshire", "code": "yorks"})
    creates = admin_client_verified.get(reverse("operations:audit"), {"action": AuditAction.CREATE})
    assert "core.Region" in creates.content.decode()  # admins' own changes, too
    by_user = admin_client_verified.get(
        reverse("operations:audit"), {"user": vlo.email, "action": "sign_in_failed"}
    )
    assert f"email typed: {vlo.email}" in by_user.content.decode()
