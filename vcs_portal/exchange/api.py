"""The JSON API at /api/v1/ for registered prison-side systems (django-ninja; docs/api.md).

Authentication is a bearer token per client, nothing else: no session, no cookie, so no CSRF
surface (ninja checks CSRF only for cookie authentication, and no view here reads the session).
Every call is audited with the client's name, and each client is rate limited. Refusals are
RFC 9457 problem documents naming the field at fault.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from . import selectors, services
from .models import ApiClient, Operation
from .problems import PROBLEM_CONTENT_TYPE, ProblemError, field_error, from_pydantic, problem
from .schemas import (
    ConsultationIn,
    ConsultationOut,
    DomainEvent,
    EventReceipt,
    Problem,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
)

# --- authentication, limits, audit --------------------------------------------------------------


def rate_limit_take(client: ApiClient) -> int | None:
    """Count one call in the client's current minute; the seconds to wait if over the limit, else None."""
    now = time.time()
    window = int(now // 60)
    # The client's creation time keeps a recreated database's clients apart from old counters.
    key = f"exchange:rate:{client.pk}:{int(client.created_at.timestamp())}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > settings.VCS_API_RATE_PER_MINUTE:
        return int(60 - now % 60) + 1
    return None


class ClientToken(HttpBearer):
    """Authorization: Bearer <token>; the client is on ``request.auth``."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        client = selectors.api_client_for_token(token, digest=services.token_digest(token))
        if client is None:
            return None
        request.api_client = client  # type: ignore[attr-defined]
        wait = rate_limit_take(client)
        if wait is not None:
            raise ProblemError(
                problem(429, "rate-limited", "Too many requests", f"Wait {wait} seconds and try again."),
                headers={"Retry-After": str(wait)},
            )
        return client


api = NinjaAPI(
    title="VCS Portal exchange API",
    version="1",
    description=(
        "For registered prison-side systems: custody events in, consultations to the Victim "
        "Liaison Officer answered. Nothing about a victim is ever returned. See docs/api.md."
    ),
    urls_namespace="exchange:api",  # included by exchange/urls.py, inside its namespace
    docs_url=None,  # the Swagger page loads scripts from elsewhere, which the CSP refuses
    openapi_url="/openapi.json",
    auth=ClientToken(),
)


def _client(request: HttpRequest) -> ApiClient | None:
    return getattr(request, "api_client", None)


def _json(
    request: HttpRequest, status: int, body: Any, *, content_type: str = "application/json"
) -> HttpResponse:
    services.api_call_audit(
        client=_client(request), method=request.method or "", path=request.path, status=status
    )
    if status == 204:
        return HttpResponse(status=204)
    return HttpResponse(json.dumps(body, cls=DjangoJSONEncoder), status=status, content_type=content_type)


def _problem(
    request: HttpRequest, document: dict[str, Any], headers: dict[str, str] | None = None
) -> HttpResponse:
    response = _json(request, int(document["status"]), document, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ProblemError)
def _on_problem(request: HttpRequest, exc: ProblemError) -> HttpResponse:
    return _problem(request, exc.document, exc.headers)


@api.exception_handler(AuthenticationError)
def _on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    document = problem(
        401, "unauthenticated", "Not authenticated", "Send Authorization: Bearer <your token>."
    )
    return _problem(request, document, {"WWW-Authenticate": "Bearer"})


@api.exception_handler(Http404)
def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _problem(request, problem(404, "not-found", "Not found", "Nothing here that you may see."))


@api.exception_handler(NinjaValidationError)
def _on_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = from_pydantic(exc.errors)
    named = ", ".join(e["field"] or "the body" for e in errors)
    return _problem(request, problem(422, "invalid-request", "Invalid request", f"Check {named}.", errors))


def _service_problem(exc: DjangoValidationError) -> dict[str, Any]:
    errors = [
        field_error(name if name != "__all__" else "", message)
        for name, messages in getattr(exc, "message_dict", {"": exc.messages}).items()
        for message in messages
    ]
    return problem(422, "invalid-request", "Invalid request", "; ".join(e["detail"] for e in errors), errors)


def _require(request: HttpRequest, operation: str) -> ApiClient:
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    if not client.may(operation):
        raise ProblemError(
            problem(
                403, "not-permitted", "Not permitted", f"This client may not use {operation}; ask an admin."
            )
        )
    return client


REFUSALS = {401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
# The event body is read by hand, so a malformed one is kept for review; the schema still says its shape.
EVENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": DomainEvent.model_json_schema(ref_template="#/$defs/{model}")}
        },
    },
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {"type": "string", "maxLength": 128},
            "description": "Without it, the event's own content is its identity.",
        }
    ],
}

# --- events ---------------------------------------------------------------------------------------


@api.post(
    "/events",
    response={202: EventReceipt, 400: Problem, 409: Problem, **REFUSALS},
    openapi_extra=EVENT_BODY,
    summary="Send a custody event (an HMPPS domain event envelope)",
    tags=["events"],
)
def events_post(request: HttpRequest) -> HttpResponse:
    client = _require(request, Operation.EVENTS)
    receipt = services.inbound_event_receive(
        client=client, body=request.body, idempotency_key=request.headers.get("Idempotency-Key", "")
    )
    content_type = "application/json" if receipt.status < 400 else PROBLEM_CONTENT_TYPE
    response = _json(request, receipt.status, receipt.body, content_type=content_type)
    if receipt.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


@api.get(
    "/events/{event_id}",
    response={200: EventReceipt, **REFUSALS},
    summary="What became of an event",
    tags=["events"],
)
def events_get(request: HttpRequest, event_id: int) -> HttpResponse:
    client = _require(request, Operation.EVENTS)
    event = selectors.event_get_for_client(client=client, pk=event_id)
    body = dict(event.response_body) if event.response_status < 300 else dict(event.problem)
    if event.response_status < 300:
        body["status"] = event.status
        if event.problem:
            body["detail"] = event.problem.get("detail", body.get("detail", ""))
    return _json(request, 200 if event.response_status < 300 else event.response_status, body)


# --- consultations --------------------------------------------------------------------------------


@api.post(
    "/consultations",
    response={201: ConsultationOut, **REFUSALS},
    summary="Ask the VLO",
    tags=["consultations"],
)
def consultations_post(request: HttpRequest, payload: ConsultationIn) -> HttpResponse:
    client = _require(request, Operation.CONSULTATIONS)
    offenders = selectors.offenders_for_client(
        client=client, prison_number=payload.prisonNumber, pnc=payload.pncNumber or ""
    )
    if len(offenders) != 1:
        detail = "No offender with this prison number (and PNC, where given) is in your region."
        raise ProblemError(
            problem(404, "unknown-offender", "Unknown offender", detail, [("prisonNumber", detail)])
        )
    try:
        consultation = services.consultation_open(
            client=client,
            offender=offenders[0],
            kind=payload.kind,
            due_on=payload.dueOn,
            question=payload.question,
            reference=payload.reference,
        )
    except DjangoValidationError as exc:
        raise ProblemError(_service_problem(exc)) from exc
    consultation = selectors.consultation_get_for_client(client=client, pk=consultation.pk)
    response = _json(request, 201, selectors.consultation_payload(consultation))
    response["Location"] = f"/api/v1/consultations/{consultation.pk}"
    return response


@api.get(
    "/consultations/{consultation_id}",
    response={200: ConsultationOut, **REFUSALS},
    summary="Read a consultation and the VLO's answer",
    tags=["consultations"],
)
def consultations_get(request: HttpRequest, consultation_id: int) -> HttpResponse:
    client = _require(request, Operation.CONSULTATIONS)
    consultation = selectors.consultation_get_for_client(client=client, pk=consultation_id)
    return _json(request, 200, selectors.consultation_payload(consultation))


# --- webhooks -------------------------------------------------------------------------------------


def _webhook(webhook: Any, *, secret: bool = False) -> dict[str, Any]:
    body = {"id": webhook.pk, "url": webhook.url, "createdAt": webhook.created_at}
    if secret:
        body["secret"] = webhook.secret
    return body


@api.post(
    "/webhooks",
    response={201: WebhookCreated, **REFUSALS},
    summary="Be told when an answer is ready",
    tags=["webhooks"],
)
def webhooks_post(request: HttpRequest, payload: WebhookIn) -> HttpResponse:
    client = _require(request, Operation.WEBHOOKS)
    try:
        webhook = services.webhook_register(client=client, url=payload.url)
    except DjangoValidationError as exc:
        raise ProblemError(_service_problem(exc)) from exc
    return _json(request, 201, _webhook(webhook, secret=True))


@api.get(
    "/webhooks", response={200: list[WebhookOut], **REFUSALS}, summary="Your webhooks", tags=["webhooks"]
)
def webhooks_list(request: HttpRequest) -> HttpResponse:
    client = _require(request, Operation.WEBHOOKS)
    return _json(request, 200, [_webhook(w) for w in selectors.webhooks_for_client(client=client)])


@api.delete(
    "/webhooks/{webhook_id}", response={204: None, **REFUSALS}, summary="Remove a webhook", tags=["webhooks"]
)
def webhooks_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    client = _require(request, Operation.WEBHOOKS)
    webhook = selectors.webhook_get_for_client(client=client, pk=webhook_id)
    services.webhook_disable(client=client, webhook=webhook)
    return _json(request, 204, None)
