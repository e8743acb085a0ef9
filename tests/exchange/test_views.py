"""The VLO's answer page and the manager's review of events kept but not recorded."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.exchange.factories import domain_event
from vcs_portal.core.models import AuditAction, AuditEvent
from vcs_portal.exchange import services
from vcs_portal.exchange.models import ConsultationStatus, InboundEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(prison, case):
    return services.consultation_open(
        client=prison[0],
        offender=case.offender,
        kind="recall",
        due_on=dt.date(2026, 5, 1),
        question="Victims?",
    )


FORM = {
    "victims_in_scheme": "yes",
    "licence_conditions_requested": "no",
    "licence_conditions": "",
    "wishes_to_make_vps": "not_applicable",
    "victim_last_contacted_on_0": "14",
    "victim_last_contacted_on_1": "4",
    "victim_last_contacted_on_2": "2026",
    "response": "The victim asks to be told of the recall decision.",
}


def _url(consultation):
    return f"/exchange/consultations/{consultation.pk}/"


def test_anonymous_is_sent_to_sign_in(client, consultation):
    response = client.get(_url(consultation))

    assert response.status_code == 302
    assert "/login" in response["Location"] or "sign-in" in response["Location"]


def test_outsider_gets_404(outsider_client, consultation):
    assert outsider_client.get(_url(consultation)).status_code == 404


def test_the_vlo_sees_the_question_and_the_form(vlo_client, consultation):
    response = vlo_client.get(_url(consultation))

    assert response.status_code == 200
    assert b"Victims?" in response.content
    assert b"Send the answer" in response.content
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="exchange.Consultation", object_id=str(consultation.pk)
    ).exists()


def test_the_vlo_answers_and_goes_back_to_the_case(vlo_client, consultation, case):
    response = vlo_client.post(_url(consultation), {**FORM, "wishes_to_make_vps": "yes"})

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.ANSWERED
    assert consultation.answer.victim_last_contacted_on == dt.date(2026, 4, 14)


def test_an_answer_naming_the_victim_is_shown_back_with_the_error(vlo_client, consultation, case):
    response = vlo_client.post(
        _url(consultation),
        {**FORM, "wishes_to_make_vps": "yes", "response": f"{case.victim.last_name} is afraid"},
    )

    assert response.status_code == 200
    assert b"Remove the victim&#x27;s name" in response.content
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN


def test_the_case_page_shows_the_consultation_with_a_link(vlo_client, consultation, case):
    response = vlo_client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert _url(consultation).encode() in response.content


def test_review_list_anonymous_is_sent_to_sign_in(client):
    assert client.get("/exchange/events/").status_code == 302


def test_review_list_shows_the_managers_regions_unmatched_events(manager_client, api, outsider, signed_in):
    api.post("/api/v1/events", domain_event("Z9999ZZ"))

    assert b"Z9999ZZ" in manager_client.get("/exchange/events/").content
    assert b"Z9999ZZ" not in signed_in(outsider).get("/exchange/events/").content


def test_a_manager_marks_an_event_reviewed(manager_client, manager, api):
    api.post("/api/v1/events", domain_event("Z9999ZZ"))
    event = InboundEvent.objects.get()

    response = manager_client.post(f"/exchange/events/{event.pk}/reviewed/")

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.reviewed_by == manager
    assert AuditEvent.objects.filter(
        object_type="exchange.InboundEvent", summary="inbound event reviewed"
    ).exists()


def test_an_outsider_cannot_mark_it_reviewed(outsider_client, api):
    api.post("/api/v1/events", domain_event("Z9999ZZ"))
    event = InboundEvent.objects.get()

    assert outsider_client.post(f"/exchange/events/{event.pk}/reviewed/").status_code == 404
