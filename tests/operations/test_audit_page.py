"""The audit page answers who looked at a victim and what a user looked at, within scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.victims.factories import CaseFactory
from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("operations:audit")


@pytest.fixture
def case(vlo):
    return CaseFactory(team=vlo.team, officer=vlo)


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(URL)["Location"].startswith(reverse("core:login"))


def test_a_vlo_gets_404(vlo_client):
    assert vlo_client.get(URL).status_code == 404


def test_manager_sees_who_looked_at_a_victim(manager_client, manager, case, teammate):
    audit_record(actor=teammate, action=AuditAction.VIEW, obj=case.victim)
    response = manager_client.get(URL, {"case": case.reference})
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert any(e.actor == teammate and e.action == AuditAction.VIEW for e in rows)
    assert AuditEvent.objects.filter(actor=manager, action=AuditAction.SEARCH).exists()


def test_manager_sees_what_a_team_member_did(manager_client, case, teammate):
    audit_record(actor=teammate, action=AuditAction.VIEW, obj=case)
    response = manager_client.get(URL, {"user": teammate.email})
    assert [e.object_id for e in response.context["page"]] == [str(case.pk)]


def test_manager_cannot_look_up_another_regions_case_or_user(manager_client, outsider):
    other = CaseFactory(team=outsider.team, officer=outsider)
    by_case = manager_client.get(URL, {"case": other.reference})
    by_user = manager_client.get(URL, {"user": outsider.email})
    assert "There is no case with that reference that you can see" in by_case.content.decode()
    assert "There is no user with that email address in your teams" in by_user.content.decode()
    assert list(by_case.context["page"]) == [] and list(by_user.context["page"]) == []
