"""POST /api/v1/events: an HMPPS event recorded as a sentence event, once, with its alert tasks."""

from __future__ import annotations

import json

import pytest

from contacts.models import Task, TaskKind
from offenders.models import EventKind, SentenceEvent
from tests.exchange.factories import domain_event
from vcs_portal.core.models import AuditEvent
from vcs_portal.exchange.models import InboundEvent, InboundStatus

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events"


def _post(api, body, django_capture_on_commit_callbacks, **headers):
    with django_capture_on_commit_callbacks(execute=True):
        return api.post(EVENTS, body, **headers)


def test_a_recall_is_recorded_and_makes_the_vlos_task(api, case, django_capture_on_commit_callbacks):
    response = _post(api, domain_event("A1234BC"), django_capture_on_commit_callbacks)

    assert response.status_code == 202
    assert response.json()["status"] == "accepted"
    event = SentenceEvent.objects.get(sentence=case.sentence, kind=EventKind.RECALL)
    assert event.occurred_on.isoformat() == "2026-04-20"
    assert event.location == "MDI"
    assert event.recorded_by.api_client.name == "HMPPS prison events (test)"
    task = Task.objects.get(case=case, kind=TaskKind.KEY_EVENT)
    assert task.title == "Tell the victim: Recall"
    assert task.owner == case.officer
    assert InboundEvent.objects.get().status == InboundStatus.RECORDED


def test_the_same_event_twice_records_once_with_the_same_response(
    api, case, django_capture_on_commit_callbacks
):
    first = _post(api, domain_event("A1234BC"), django_capture_on_commit_callbacks)
    second = _post(api, domain_event("A1234BC"), django_capture_on_commit_callbacks)

    assert second.status_code == first.status_code == 202
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert SentenceEvent.objects.filter(kind=EventKind.RECALL).count() == 1
    assert Task.objects.filter(case=case, kind=TaskKind.KEY_EVENT).count() == 1


def test_an_idempotency_key_makes_a_resent_event_one_event(api, case, django_capture_on_commit_callbacks):
    body = domain_event("A1234BC")
    first = _post(api, body, django_capture_on_commit_callbacks, **{"Idempotency-Key": "msg-1"})
    # The same message re-sent with another publishedAt: the key says it is the same event.
    again = dict(body, publishedAt="2026-04-20T09:31:00+01:00")
    second = _post(api, again, django_capture_on_commit_callbacks, **{"Idempotency-Key": "msg-1"})

    assert second.status_code == 409  # the body differs: the key was reused for something else
    assert second.json()["errors"][0]["field"] == "Idempotency-Key"
    third = _post(api, body, django_capture_on_commit_callbacks, **{"Idempotency-Key": "msg-1"})
    assert third.json() == first.json()
    assert SentenceEvent.objects.filter(kind=EventKind.RECALL).count() == 1


def test_a_malformed_event_is_a_problem_naming_the_field_and_is_kept(api, case):
    body = domain_event("A1234BC")
    del body["additionalInformation"]["reason"]

    response = api.post(EVENTS, body)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert problem["type"].endswith("/malformed-event")
    assert problem["errors"][0]["field"] == "additionalInformation.reason"
    assert problem["errors"][0]["pointer"] == "#/additionalInformation/reason"
    kept = InboundEvent.objects.get()
    assert kept.status == InboundStatus.REJECTED
    assert "nomsNumber" in kept.raw
    assert not SentenceEvent.objects.filter(kind=EventKind.RECALL).exists()


def test_a_body_that_is_not_json_is_a_400_problem_and_is_kept(api):
    response = api.post(EVENTS, None, raw=b"{not json")

    assert response.status_code == 400
    assert response.json()["title"] == "Malformed event"
    assert InboundEvent.objects.get().raw == "{not json"


def test_a_bad_prison_number_names_its_field(api, case):
    response = api.post(EVENTS, domain_event("not-a-number"))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "additionalInformation.nomsNumber"


def test_an_unknown_event_type_names_the_field(api, case):
    response = api.post(EVENTS, domain_event("A1234BC", event_type="prison-offender-events.prisoner.merged"))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "eventType"


def test_an_unknown_offender_is_a_404_problem_kept_for_review(api, case):
    response = api.post(EVENTS, domain_event("Z9999ZZ"))

    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "additionalInformation.nomsNumber"
    assert InboundEvent.objects.get().status == InboundStatus.UNMATCHED


def test_an_unmatched_event_is_matched_when_sent_again_after_the_offender_is_added(
    api, case, django_capture_on_commit_callbacks
):
    case.offender.prison_number = ""
    case.offender.save()
    assert _post(api, domain_event("A1234BC"), django_capture_on_commit_callbacks).status_code == 404
    case.offender.prison_number = "A1234BC"
    case.offender.save()

    response = _post(api, domain_event("A1234BC"), django_capture_on_commit_callbacks)

    assert response.status_code == 202
    assert InboundEvent.objects.get().status == InboundStatus.RECORDED


def test_a_pnc_that_does_not_match_is_an_unknown_offender(api, case):
    response = api.post(EVENTS, domain_event("A1234BC", pncNumber="99/7654321Z"))

    assert response.status_code == 404


def test_another_regions_offender_is_not_found(api, case_b):
    response = api.post(EVENTS, domain_event("B7654CD"))

    assert response.status_code == 404
    assert not SentenceEvent.objects.filter(kind=EventKind.RECALL).exists()


def test_a_movement_victims_are_not_told_of_is_kept_not_recorded(
    api, case, django_capture_on_commit_callbacks
):
    body = domain_event("A1234BC", reason="RETURN_FROM_COURT")

    response = _post(api, body, django_capture_on_commit_callbacks)

    assert response.status_code == 202
    assert response.json()["status"] == "ignored"
    assert response.json()["sentenceEventKind"] is None
    assert InboundEvent.objects.get().status == InboundStatus.IGNORED
    assert SentenceEvent.objects.filter(sentence=case.sentence).exclude(kind=EventKind.SENTENCED).count() == 0


@pytest.mark.parametrize(
    ("event_type", "reason", "kind"),
    [
        ("prison-offender-events.prisoner.released", "RELEASED", EventKind.RELEASE),
        ("prison-offender-events.prisoner.released", "TEMPORARY_ABSENCE_RELEASE", EventKind.ROTL),
        ("prison-offender-events.prisoner.received", "TRANSFERRED", EventKind.TRANSFER),
    ],
)
def test_each_reason_is_recorded_as_its_sentence_event(
    api, case, django_capture_on_commit_callbacks, event_type, reason, kind
):
    _post(
        api, domain_event("A1234BC", event_type=event_type, reason=reason), django_capture_on_commit_callbacks
    )

    assert SentenceEvent.objects.filter(sentence=case.sentence, kind=kind).count() == 1


def test_an_admission_whose_probable_cause_is_recall_is_a_recall(
    api, case, django_capture_on_commit_callbacks
):
    body = domain_event("A1234BC", reason="ADMISSION", probableCause="RECALL")

    _post(api, body, django_capture_on_commit_callbacks)

    assert SentenceEvent.objects.filter(sentence=case.sentence, kind=EventKind.RECALL).count() == 1


def test_an_event_in_the_future_is_refused_naming_occurred_at(api, case):
    response = api.post(EVENTS, domain_event("A1234BC", occurred_at="2026-05-20T09:30:00+01:00"))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "occurredAt"


def test_an_event_before_the_sentence_is_refused_naming_occurred_at(api, case):
    response = api.post(EVENTS, domain_event("A1234BC", occurred_at="2025-01-01T09:30:00+00:00"))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "occurredAt"


def test_the_web_only_queues_the_event_a_task_records_it(api, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(EVENTS, domain_event("A1234BC"))

    assert response.status_code == 202
    assert InboundEvent.objects.get().status == InboundStatus.ACCEPTED
    assert not SentenceEvent.objects.filter(kind=EventKind.RECALL).exists()
    for callback in callbacks:
        callback()
    assert InboundEvent.objects.get().status == InboundStatus.RECORDED


def test_the_event_and_its_recording_are_audited(api, case, django_capture_on_commit_callbacks):
    _post(api, domain_event("A1234BC"), django_capture_on_commit_callbacks)

    summaries = list(AuditEvent.objects.values_list("summary", flat=True))
    assert "API HMPPS prison events (test): POST /api/v1/events -> 202" in summaries
    assert (
        "API HMPPS prison events (test): event prison-offender-events.prisoner.received accepted" in summaries
    )
    assert "API HMPPS prison events (test): event recorded as recall" in summaries
    assert AuditEvent.objects.filter(object_type="offenders.SentenceEvent", summary="event: recall").exists()


def test_get_tells_what_became_of_an_event(api, case, django_capture_on_commit_callbacks):
    receipt = _post(api, domain_event("A1234BC"), django_capture_on_commit_callbacks).json()

    response = api.get(receipt["links"]["self"])

    assert response.status_code == 200
    assert response.json()["status"] == "recorded"
    assert json.loads(response.content)["sentenceEventKind"] == "recall"
