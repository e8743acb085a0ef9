"""The Django admin: admins only, after the second factor; user management."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from vcs_portal.core.models import Role, User, UserSession

pytestmark = pytest.mark.django_db


def test_admin_needs_a_verified_second_factor(admin_user):
    client = Client()
    client.post(reverse("core:login"), {"username": admin_user.email, "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:mfa_setup"))


def test_verified_admin_reaches_the_admin(admin_client_verified):
    assert admin_client_verified.get("/admin/").status_code == 200


def test_vlo_is_refused_the_admin(vlo_client):
    assert vlo_client.get("/admin/", follow=True).status_code == 403


def test_anonymous_is_sent_to_the_service_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"] or "/admin/login/" in response["Location"]


def test_admin_creates_a_user_with_a_role_and_team(admin_client_verified, team_a1):
    response = admin_client_verified.post(
        "/admin/core/user/add/",
        {
            "email": "new.vlo@probation.example.gov.uk",
            "first_name": "New",
            "last_name": "Officer",
            "role": Role.VLO,
            "region": team_a1.region.pk,
            "team": team_a1.pk,
            "usable_password": "true",
            "password1": "a-long-enough-passphrase-42",
            "password2": "a-long-enough-passphrase-42",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="new.vlo@probation.example.gov.uk")
    assert user.team == team_a1 and user.password.startswith("argon2")


def test_short_and_common_passwords_are_refused(admin_client_verified, team_a1):
    response = admin_client_verified.post(
        "/admin/core/user/add/",
        {
            "email": "weak@probation.example.gov.uk",
            "first_name": "Weak",
            "last_name": "Password",
            "role": Role.VLO,
            "region": team_a1.region.pk,
            "team": team_a1.pk,
            "usable_password": "true",
            "password1": "password123",
            "password2": "password123",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "at least 12 characters" in html
    assert not User.objects.filter(email="weak@probation.example.gov.uk").exists()


def test_deactivating_in_the_admin_ends_sessions(admin_client_verified, vlo, signed_in):
    victim_client = Client()
    victim_client.post(reverse("core:login"), {"username": vlo.email, "password": PASSWORD})
    key = victim_client.session.session_key
    assert UserSession.objects.filter(user=vlo).exists()
    response = admin_client_verified.post(
        "/admin/core/user/",
        {"action": "deactivate_users", "_selected_action": [vlo.pk]},
    )
    assert response.status_code == 302
    vlo.refresh_from_db()
    assert not vlo.is_active
    assert not Session.objects.filter(session_key=key).exists()


def test_admins_keep_a_teams_contact_details_and_it_is_audited(admin_client_verified, team_a1):
    from vcs_portal.core.models import AuditAction, AuditEvent

    response = admin_client_verified.post(
        reverse("admin:core_team_change", args=[team_a1.pk]),
        {
            "region": team_a1.region_id,
            "name": team_a1.name,
            "phone": "0300 047 2000",
            "email": "vcs.north@justice.gov.uk",
            "postal_address": "Victim Contact Unit\nPO Box 7\nLeeds LS1 1AA",
            "opening_hours": "Monday to Friday, 9am to 5pm",
            "opening_hours_welsh": "",
        },
    )
    assert response.status_code == 302
    team_a1.refresh_from_db()
    assert team_a1.phone == "0300 047 2000"
    assert team_a1.postal_lines == ["Victim Contact Unit", "PO Box 7", "Leeds LS1 1AA"]
    assert AuditEvent.objects.filter(
        object_type="core.Team", object_id=str(team_a1.pk), action=AuditAction.UPDATE
    ).exists()
