"""Session limits (30 minutes idle, 12 hours in all) and deactivation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, TOTPDeviceFactory
from vcs_portal.core import services
from vcs_portal.core.models import AuditAction, AuditEvent, UserSession

pytestmark = pytest.mark.django_db

CASELOAD = "/caseload/"


def test_idle_session_is_signed_out_after_30_minutes(vlo_client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert vlo_client.get(CASELOAD).status_code == 200
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = vlo_client.get(CASELOAD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_EXPIRED).exists()


def test_activity_within_30_minutes_keeps_the_session(vlo_client):
    start = timezone.now()
    for minutes in (0, 20, 40, 60):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert vlo_client.get(CASELOAD).status_code == 200


def test_session_ends_after_12_hours_however_active(vlo_client):
    start = timezone.now()
    status = None
    for minutes in range(0, 12 * 60 + 30, 25):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            status = vlo_client.get(CASELOAD).status_code
            if status == 302:
                break
    assert status == 302
    assert minutes > 12 * 60


def test_deactivation_ends_every_session_at_once(client, vlo, admin_user):
    TOTPDeviceFactory(user=vlo)
    client.post(reverse("core:login"), {"username": vlo.email, "password": PASSWORD})
    key = client.session.session_key
    assert UserSession.objects.filter(user=vlo, session_key=key).exists()
    services.user_deactivate(actor=admin_user, user=vlo)
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(CASELOAD)["Location"].startswith(reverse("core:login"))
    assert AuditEvent.objects.filter(action=AuditAction.DEACTIVATED, object_id=str(vlo.pk)).exists()


def test_inactive_user_is_refused_on_the_next_request_even_without_the_service(vlo_client, vlo):
    vlo.is_active = False
    vlo.save(update_fields=["is_active"])
    assert vlo_client.get(CASELOAD).status_code == 302
