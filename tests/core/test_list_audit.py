"""Lists that show victims' names record a VIEW, naming the cases on the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.contacts.factories import TaskFactory
from tests.victims.factories import CaseFactory
from vcs_portal.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def list_views(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user, action=AuditAction.VIEW, object_type="victims.Case"))


def test_the_caseload_records_which_cases_were_listed(vlo, vlo_client):
    case = CaseFactory(team=vlo.team, officer=vlo)
    vlo_client.get(reverse("victims:caseload"))
    (event,) = list_views(vlo)
    assert event.summary == f"caseload: {case.pk}"


def test_my_tasks_records_which_cases_were_listed(vlo, vlo_client):
    task = TaskFactory(case=CaseFactory(team=vlo.team, officer=vlo), owner=vlo)
    vlo_client.get(reverse("contacts:my_tasks"))
    assert any(str(task.case_id) in e.summary for e in list_views(vlo))


def test_the_letters_list_is_recorded(vlo, vlo_client):
    vlo_client.get(reverse("letters:list"))
    assert [e.summary for e in list_views(vlo)] == ["letters: "]


def test_a_dashboard_list_is_recorded(manager, manager_client, vlo):
    CaseFactory(team=vlo.team, officer=vlo)
    response = manager_client.get(reverse("dashboards:list"), {"measure": "never_offered"})
    assert response.status_code == 200
    assert any(e.summary.startswith("dashboard list never_offered") for e in list_views(manager))
