"""Consultations: opened by a client, a task for the VLO, answered, read back or pushed by webhook."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.core.exceptions import ValidationError

from contacts.models import Task, TaskKind, TaskStatus
from tests.exchange.conftest import ApiCaller
from tests.exchange.factories import api_client_make
from tests.victims.factories import CaseFactory
from vcs_portal.core.models import AuditEvent
from vcs_portal.exchange import services
from vcs_portal.exchange.models import (
    Consultation,
    ConsultationStatus,
    DeliveryStatus,
    WebhookDelivery,
)
from vcs_portal.exchange.selectors import consultations_due_and_late
from victims.models import CaseStatus

pytestmark = pytest.mark.django_db

ANSWER = {
    "victims_in_scheme": "yes",
    "licence_conditions_requested": "yes",
    "licence_conditions": "An exclusion zone around the victim's home town; no contact with the victim.",
    "wishes_to_make_vps": "yes",
    "victim_last_contacted_on": dt.date(2026, 4, 14),
    "response": "The victim opposes release on HDC and wants the conditions above.",
}


@pytest.fixture
def consultation(prison, case):
    return services.consultation_open(
        client=prison[0],
        offender=case.offender,
        kind="early_release",
        due_on=dt.date(2026, 5, 5),
        question="HDC is being considered. Any victim concerns?",
        reference="HDC-123",
    )


def test_opening_a_consultation_gives_the_vlo_a_task(consultation, case):
    task = Task.objects.get(case=case, kind=TaskKind.CONSULTATION)

    assert task.owner == case.officer
    assert task.due_on == dt.date(2026, 5, 5)
    assert (
        task.title
        == "Answer a consultation: early release or home detention curfew (HMPPS prison events (test))"
    )
    assert AuditEvent.objects.filter(
        object_type="exchange.Consultation", object_id=str(consultation.pk)
    ).exists()


def test_the_consultation_goes_to_the_case_of_a_victim_in_the_scheme(prison, case, team_a1, vlo):
    CaseFactory(team=team_a1, offender=case.offender, sentence=case.sentence, status=CaseStatus.REFERRED)

    consultation = services.consultation_open(
        client=prison[0], offender=case.offender, kind="recall", due_on=dt.date(2026, 5, 1), question="?"
    )

    assert consultation.case == case


def test_a_due_date_in_the_past_is_refused(prison, case):
    with pytest.raises(ValidationError) as caught:
        services.consultation_open(
            client=prison[0], offender=case.offender, kind="recall", due_on=dt.date(2026, 4, 1), question="?"
        )
    assert "dueOn" in caught.value.message_dict


def test_answering_closes_the_task_and_is_audited(consultation, vlo):
    answer = services.consultation_answer(actor=vlo, consultation=consultation, **ANSWER)

    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.ANSWERED
    task = Task.objects.get(kind=TaskKind.CONSULTATION)
    assert task.status == TaskStatus.DONE
    assert AuditEvent.objects.filter(
        object_type="exchange.ConsultationAnswer", object_id=str(answer.pk)
    ).exists()


def test_an_answer_naming_the_victim_is_refused(consultation, vlo, case):
    text = f"{case.victim.first_name} wants an exclusion zone"

    with pytest.raises(ValidationError) as caught:
        services.consultation_answer(
            actor=vlo, consultation=consultation, **{**ANSWER, "licence_conditions": text}
        )

    assert "the victim's name" in caught.value.message_dict["licence_conditions"][0]
    assert "HMPPS prison events (test)" in caught.value.message_dict["licence_conditions"][0]
    assert Consultation.objects.get().status == ConsultationStatus.OPEN


def test_an_answer_with_the_victims_postcode_is_refused(consultation, vlo, case):
    postcode = case.victim.addresses.get().postcode

    with pytest.raises(ValidationError) as caught:
        services.consultation_answer(
            actor=vlo, consultation=consultation, **{**ANSWER, "response": f"Keep him out of {postcode}"}
        )
    assert "response" in caught.value.message_dict


def test_answering_twice_is_refused(consultation, vlo):
    services.consultation_answer(actor=vlo, consultation=consultation, **ANSWER)

    with pytest.raises(ValidationError):
        services.consultation_answer(actor=vlo, consultation=consultation, **ANSWER)


def test_conditions_asked_for_must_be_described(consultation, vlo):
    with pytest.raises(ValidationError) as caught:
        services.consultation_answer(
            actor=vlo, consultation=consultation, **{**ANSWER, "licence_conditions": ""}
        )
    assert "licence_conditions" in caught.value.message_dict


def test_the_client_reads_the_answer(api, consultation, vlo):
    services.consultation_answer(actor=vlo, consultation=consultation, **ANSWER)

    body = api.get(f"/api/v1/consultations/{consultation.pk}").json()

    assert body["status"] == "answered"
    assert body["reference"] == "HDC-123"
    assert body["answer"]["victimsInScheme"] == "yes"
    assert body["answer"]["wishesToMakeVps"] == "yes"
    assert body["answer"]["victimLastContactedOn"] == "2026-04-14"
    assert body["answer"]["licenceConditions"] == ANSWER["licence_conditions"]
    assert body["offender"] == {"prisonNumber": "A1234BC", "pncNumber": "85/1234567A"}


def test_an_open_consultation_has_no_answer_yet(api, consultation):
    body = api.get(f"/api/v1/consultations/{consultation.pk}").json()

    assert body["status"] == "open"
    assert body["answer"] is None


def test_another_client_in_the_region_cannot_read_it(consultation, region_a):
    _, token = api_client_make(region_a)

    assert ApiCaller(token).get(f"/api/v1/consultations/{consultation.pk}").status_code == 404


def test_a_webhook_is_told_with_a_signed_notice(
    api, consultation, vlo, monkeypatch, django_capture_on_commit_callbacks
):
    secret = api.post("/api/v1/webhooks", {"url": "https://prison.example/hooks"}).json()["secret"]
    sent = []
    monkeypatch.setattr(
        services, "_post", lambda url, body, headers: sent.append((url, body, headers)) or 200
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_answer(actor=vlo, consultation=consultation, **ANSWER)

    ((url, body, headers),) = sent
    assert url == "https://prison.example/hooks"
    assert (
        headers["X-VCS-Signature"] == "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    )
    notice = json.loads(body)
    assert notice["event"] == "consultation.answered"
    assert notice["consultation"]["answer"]["response"] == ANSWER["response"]
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_failed_delivery_is_kept_pending_then_fails_after_its_attempts(
    api, consultation, vlo, monkeypatch, settings
):
    settings.VCS_API_WEBHOOK_ATTEMPTS = 2
    api.post("/api/v1/webhooks", {"url": "https://prison.example/hooks"})
    monkeypatch.setattr(services, "_post", lambda url, body, headers: 500)
    services.consultation_answer(actor=vlo, consultation=consultation, **ANSWER)
    delivery = WebhookDelivery.objects.get()

    assert services.webhook_deliver(delivery_id=delivery.pk) is False
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING
    assert services.webhook_deliver(delivery_id=delivery.pk) is False
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED
    assert WebhookDelivery.objects.get().last_error == "HTTP 500"


def test_the_manager_sees_consultations_due_and_late(prison, case, manager, outsider):
    for due in (dt.date(2026, 4, 22), dt.date(2026, 5, 20)):
        services.consultation_open(
            client=prison[0], offender=case.offender, kind="recall", due_on=due, question="?"
        )
    late = services.consultation_open(
        client=prison[0], offender=case.offender, kind="rotl", due_on=dt.date(2026, 4, 21), question="?"
    )
    Consultation.objects.filter(pk=late.pk).update(due_on=dt.date(2026, 4, 10))

    figures = consultations_due_and_late(user=manager, today=dt.date(2026, 4, 21))

    assert (figures.due, figures.late, figures.due_this_week) == (2, 1, 1)
    assert [c.pk for c in figures.late_list] == [late.pk]
    assert consultations_due_and_late(user=outsider, today=dt.date(2026, 4, 21)).due == 0


def test_the_team_dashboard_shows_consultations_late_and_due(prison, case, manager, signed_in):
    from django.urls import reverse

    services.consultation_open(
        client=prison[0], offender=case.offender, kind="recall", due_on=dt.date(2026, 4, 24), question="?"
    )
    late = services.consultation_open(
        client=prison[0], offender=case.offender, kind="rotl", due_on=dt.date(2026, 4, 21), question="?"
    )
    Consultation.objects.filter(pk=late.pk).update(due_on=dt.date(2026, 3, 30))

    page = signed_in(manager).get(reverse("dashboards:team")).content.decode()

    section = page.split('id="consultations"', 1)[1]
    assert "1 late" in section
    assert reverse("exchange:consultation", args=[late.pk]) in section
    assert case.reference in section
