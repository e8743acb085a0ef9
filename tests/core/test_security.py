"""Cross-cutting security properties: CSRF, mass assignment, escaping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.victims.factories import CaseFactory
from victims.models import CaseStatus

pytestmark = pytest.mark.django_db


def test_csrf_is_enforced_on_sign_in(vlo):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("core:login"), {"username": vlo.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "The page has expired" in response.content.decode()


def test_csrf_is_enforced_on_a_case_write(vlo):
    case = CaseFactory(team=vlo.team, officer=vlo)
    client = sign_in(Client(enforce_csrf_checks=True), vlo)
    response = client.post(
        reverse("victims:case_status", args=[case.pk]),
        {
            "to_status": CaseStatus.OFFER_SENT,
            "changed_on_0": "2",
            "changed_on_1": "5",
            "changed_on_2": "2026",
        },
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED


def test_posted_extra_fields_are_ignored(vlo, outsider, vlo_client):
    case = CaseFactory(team=vlo.team, officer=vlo, referral_received_on=dt.date(2026, 4, 1))
    response = vlo_client.post(
        reverse("victims:case_status", args=[case.pk]),
        {
            "to_status": CaseStatus.OFFER_SENT,
            "changed_on_0": "2",
            "changed_on_1": "5",
            "changed_on_2": "2026",
            "reason": "Letter posted",
            # Fields no form declares: a hostile client trying to move the case.
            "team": outsider.team_id,
            "officer": outsider.pk,
            "region": outsider.region_id,
            "is_staff": "on",
            "owner": outsider.pk,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    vlo.refresh_from_db()
    assert case.status == CaseStatus.OFFER_SENT
    assert (case.team_id, case.officer_id) == (vlo.team_id, vlo.pk)
    assert not vlo.is_staff


def test_sign_in_ignores_posted_privileges(client, vlo):
    client.post(
        reverse("core:login"),
        {"username": vlo.email, "password": PASSWORD, "is_staff": "on", "role": "admin"},
    )
    vlo.refresh_from_db()
    assert (vlo.is_staff, vlo.role) == (False, "vlo")


def test_script_in_a_victim_name_is_escaped_on_the_case_page(vlo, vlo_client):
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        victim__first_name="<script>alert(1)</script>",
        victim__last_name="{{ 7|add:7 }}",
    )
    html = vlo_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7|add:7 }}" in html and ">14<" not in html
