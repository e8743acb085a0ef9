"""The API's doors: tokens, scope, operations, limits, audit, no session or CSRF, the schema.

Every endpoint gets the trio: no token 401, another region's offender (or another client's
object) 404, permitted 2xx.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.exchange.conftest import ApiCaller
from tests.exchange.factories import api_client_make, domain_event
from vcs_portal.core.models import AuditAction, AuditEvent
from vcs_portal.exchange.api import api as ninja_api
from vcs_portal.exchange.models import ApiClient, Consultation, Operation
from vcs_portal.exchange.services import api_client_revoke, api_client_rotate, token_digest

pytestmark = pytest.mark.django_db

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "api-openapi.json"


def _consultation(prison_number: str = "A1234BC") -> dict:
    return {
        "prisonNumber": prison_number,
        "kind": "recall",
        "dueOn": "2026-05-01",
        "question": "Any victims?",
    }


# --- the trio, endpoint by endpoint -------------------------------------------------------------

ENDPOINTS = [
    ("post", "/api/v1/events", lambda: domain_event("A1234BC")),
    ("post", "/api/v1/consultations", _consultation),
    ("get", "/api/v1/webhooks", None),
    ("post", "/api/v1/webhooks", lambda: {"url": "https://example.org/hooks"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_no_token_is_401_problem(anonymous_api, case, method, path, body):
    response = (
        getattr(anonymous_api, method)(path, body() if body else None) if body else anonymous_api.get(path)
    )

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_wrong_token_is_401(case):
    response = ApiCaller("vcs_not-a-real-token").post("/api/v1/events", domain_event("A1234BC"))

    assert response.status_code == 401


def test_events_post_other_regions_offender_404_permitted_202(api, api_b, case, case_b):
    assert api.post("/api/v1/events", domain_event("B7654CD")).status_code == 404
    assert api.post("/api/v1/events", domain_event("A1234BC")).status_code == 202


def test_events_get_trio(api, api_b, anonymous_api, case):
    receipt = api.post("/api/v1/events", domain_event("A1234BC")).json()
    path = receipt["links"]["self"]

    assert anonymous_api.get(path).status_code == 401
    assert api_b.get(path).status_code == 404
    assert api.get(path).status_code == 200


def test_consultations_post_other_regions_offender_404_permitted_201(api, case, case_b):
    assert api.post("/api/v1/consultations", _consultation("B7654CD")).status_code == 404
    response = api.post("/api/v1/consultations", _consultation())
    assert response.status_code == 201
    assert response["Location"] == response.json()["links"]["self"]


def test_consultations_get_trio(api, api_b, anonymous_api, case):
    path = api.post("/api/v1/consultations", _consultation()).json()["links"]["self"]

    assert anonymous_api.get(path).status_code == 401
    assert api_b.get(path).status_code == 404
    assert api.get(path).status_code == 200


def test_a_consultation_of_an_offender_now_in_another_region_is_404(api, case, region_b):
    path = api.post("/api/v1/consultations", _consultation()).json()["links"]["self"]
    team = region_b.teams.create(name="Swansea")
    case.offender.team = team
    case.offender.save()

    assert api.get(path).status_code == 404


def test_webhooks_trio(api, api_b, anonymous_api):
    created = api.post("/api/v1/webhooks", {"url": "https://example.org/hooks"})
    assert created.status_code == 201
    path = f"/api/v1/webhooks/{created.json()['id']}"

    assert anonymous_api.delete(path).status_code == 401
    assert api_b.delete(path).status_code == 404
    assert api_b.get("/api/v1/webhooks").json() == []
    assert api.delete(path).status_code == 204
    assert api.get("/api/v1/webhooks").json() == []


def test_a_webhook_must_use_https(api):
    response = api.post("/api/v1/webhooks", {"url": "http://example.org/hooks"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "url"


# --- operations, tokens ---------------------------------------------------------------------------


def test_an_operation_not_granted_is_403(region_a, case):
    _, token = api_client_make(region_a, operations=[Operation.EVENTS])

    response = ApiCaller(token).post("/api/v1/consultations", _consultation())

    assert response.status_code == 403
    assert response.json()["type"].endswith("/not-permitted")


def test_the_token_is_stored_only_as_a_digest(prison):
    client, token = prison

    stored = ApiClient.objects.filter(pk=client.pk).values().get()
    assert token not in json.dumps(stored, default=str)
    assert stored["token_hash"] == token_digest(token)


def test_a_rotated_token_replaces_the_old_one(prison, case):
    client, old = prison

    new = api_client_rotate(actor=None, client=client)

    assert ApiCaller(old).get("/api/v1/webhooks").status_code == 401
    assert ApiCaller(new).get("/api/v1/webhooks").status_code == 200
    assert AuditEvent.objects.filter(object_id=str(client.pk), summary__endswith="token rotated").exists()


def test_a_revoked_client_is_refused(prison):
    client, token = prison

    api_client_revoke(actor=None, client=client)

    assert ApiCaller(token).get("/api/v1/webhooks").status_code == 401
    assert AuditEvent.objects.filter(object_id=str(client.pk), summary__endswith="revoked").exists()


def test_the_client_account_cannot_sign_in(prison):
    user = prison[0].service_user

    assert not user.is_active
    assert not user.has_usable_password()


# --- audit, limits, no session ----------------------------------------------------------------------


def test_every_call_is_audited_with_the_clients_name(api, anonymous_api):
    api.get("/api/v1/webhooks")
    anonymous_api.get("/api/v1/webhooks")

    view = AuditEvent.objects.get(action=AuditAction.VIEW, summary__startswith="API ")
    assert view.summary == "API HMPPS prison events (test): GET /api/v1/webhooks -> 200"
    assert view.actor.api_client.name == "HMPPS prison events (test)"
    assert view.path == "/api/v1/webhooks"
    denied = AuditEvent.objects.get(action=AuditAction.DENIED, summary__startswith="API ")
    assert denied.summary == "API unknown client: GET /api/v1/webhooks -> 401"


def test_calls_over_the_rate_limit_are_429_with_retry_after(api, settings):
    settings.VCS_API_RATE_PER_MINUTE = 3
    codes = [api.get("/api/v1/webhooks").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    refused = api.get("/api/v1/webhooks")
    assert int(refused["Retry-After"]) >= 1
    assert refused.json()["type"].endswith("/rate-limited")


def test_no_session_cookie_is_set_and_no_csrf_token_is_needed(api, case):
    response = api.post("/api/v1/events", domain_event("A1234BC"))  # enforce_csrf_checks is on

    assert response.status_code == 202
    assert not response.cookies


def test_a_signed_in_session_is_not_a_token(vlo_client, case):
    response = vlo_client.get("/api/v1/webhooks")

    assert response.status_code == 401


# --- the schema ---------------------------------------------------------------------------------------


def test_the_openapi_schema_is_served_with_every_path(anonymous_api):
    response = anonymous_api.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) == {
        "/api/v1/events",
        "/api/v1/events/{event_id}",
        "/api/v1/consultations",
        "/api/v1/consultations/{consultation_id}",
        "/api/v1/webhooks",
        "/api/v1/webhooks/{webhook_id}",
    }
    assert schema["components"]["securitySchemes"]["ClientToken"]["scheme"] == "bearer"
    event_body = schema["paths"]["/api/v1/events"]["post"]["requestBody"]["content"]["application/json"]
    assert "additionalInformation" in event_body["schema"]["properties"]


def test_the_checked_in_schema_matches_the_served_one():
    """docs/api-openapi.json is what clients code against: regenerate it when the API changes
    (python -c "..." in docs/api.md)."""
    served = ninja_api.get_openapi_schema(path_prefix="/api/v1/")

    assert json.loads(SCHEMA_FILE.read_text()) == json.loads(json.dumps(served, default=str))


def test_consultation_opened_by_the_api_is_one_row(api, case):
    api.post("/api/v1/consultations", _consultation())

    assert Consultation.objects.count() == 1
