"""Write history: before and after values for every change, bulk updates included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from tests.victims.factories import CaseFactory, VictimFactory
from victims import services
from victims.models import Case, CaseStatus

pytestmark = pytest.mark.django_db


def test_a_status_change_keeps_the_before_and_after_rows(vlo):
    case = CaseFactory(team=vlo.team, officer=vlo, referral_received_on=dt.date(2026, 4, 1))
    services.case_status_change(
        actor=vlo, case=case, to_status=CaseStatus.OFFER_SENT, changed_on=dt.date(2026, 4, 3)
    )
    statuses = list(case.history.order_by("pgh_id").values_list("status", flat=True))
    assert statuses == [CaseStatus.REFERRED, CaseStatus.OFFER_SENT]


def test_a_bulk_update_is_recorded_too(vlo):
    cases = CaseFactory.create_batch(3, team=vlo.team, officer=vlo)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(needs_review=True, review_reason="bulk")
    for case in cases:
        latest = case.history.order_by("-pgh_id").first()
        assert latest.needs_review and latest.review_reason == "bulk"
        assert case.history.count() == 2


def test_history_of_contact_details_stays_encrypted(vlo):
    victim = VictimFactory(team=vlo.team, phone="07700 900111")
    victim.phone = "07700 900222"
    victim.save()
    assert [h.phone for h in victim.history.order_by("pgh_id")] == ["07700 900111", "07700 900222"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM victims_victimhistory WHERE pgh_obj_id = %s", [victim.pk])
        stored = [row[0] for row in cursor.fetchall()]
    assert all(value.startswith("gAAAA") and "900" not in value for value in stored)


def test_a_change_through_a_page_records_who_and_where(vlo, vlo_client):
    case = CaseFactory(team=vlo.team, officer=vlo, referral_received_on=dt.date(2026, 4, 1))
    url = reverse("victims:case_status", args=[case.pk])
    response = vlo_client.post(
        url,
        {
            "to_status": CaseStatus.OFFER_SENT,
            "changed_on_0": "3",
            "changed_on_1": "4",
            "changed_on_2": "2026",
        },
    )
    assert response.status_code == 302
    latest = case.history.order_by("-pgh_id").select_related("pgh_context").first()
    assert latest.status == CaseStatus.OFFER_SENT
    assert latest.pgh_context.metadata["user"] == vlo.pk
    assert latest.pgh_context.metadata["url"] == url
