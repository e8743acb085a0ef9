"""Writes of the exchange: clients and their tokens, events in, consultations and answers, webhooks.

Each is one transaction, validated and audited. An event is recorded as a sentence event by
``contacts.services.sentence_event_add``, the service a VLO's form uses, so the same alert
tasks (and the letters that follow them) come of it. Nothing here writes a victim's details
anywhere a client can read: answers are checked by ``redaction.victim_details_found`` first.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pydantic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from contacts.models import Priority, Task, TaskKind, TaskStatus
from contacts.services import sentence_event_add, task_ensure, tasks_close
from offenders.models import EventKind, Offender, Sentence
from offenders.services import normalise_pnc
from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, Region, Role, User
from vcs_portal.core.pages import govuk_date as _d
from victims import deadlines
from victims.models import Case, CaseStatus

from . import selectors
from .models import (
    ApiClient,
    Consultation,
    ConsultationAnswer,
    ConsultationStatus,
    DeliveryStatus,
    InboundEvent,
    InboundStatus,
    Operation,
    VpsWish,
    Webhook,
    WebhookDelivery,
    YesNoNA,
)
from .problems import from_pydantic, problem
from .redaction import offender_victims, victim_details_found
from .schemas import DomainEvent

TOKEN_PREFIX = "vcs_"  # noqa: S105 - a label before the random part, not a secret
# A refused body is kept for review up to this many characters.
RAW_KEPT_CHARS = 16_000

# --- clients and tokens ---------------------------------------------------------------------------


def token_digest(token: str) -> str:
    """Tokens are 256 random bits, so one SHA-256 is enough: nothing to guess, nothing to stretch."""
    return hashlib.sha256(token.encode()).hexdigest()


def _token_new() -> tuple[str, str, str]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_digest(token), token[:12]


@transaction.atomic
def api_client_create(
    *, actor: User | None, name: str, region: Region, operations: list[str]
) -> tuple[ApiClient, str]:
    """Register a client system; returns it and its token, which is never shown again."""
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = "Enter the client system's name"
    elif ApiClient.objects.filter(name__iexact=name).exists():
        errors["name"] = "A client with that name already exists"
    unknown = set(operations) - set(Operation.values)
    if not operations or unknown:
        errors["operations"] = f"Choose operations from: {', '.join(Operation.values)}"
    if errors:
        raise ValidationError(errors)
    # The account its writes are recorded under: inactive, no password, no teams, so it can never
    # sign in or see anything; its name is the client's, so the timeline says who reported an event.
    service_user = User(
        email=f"api-client-{slugify(name)[:40]}-{secrets.token_hex(4)}@api-clients.invalid",
        first_name=name[:150],
        last_name="(API client)",
        role=Role.MANAGER,
        region=region,
        is_active=False,
    )
    service_user.set_unusable_password()
    service_user.full_clean(exclude=["password"])
    service_user.save()
    token, digest, prefix = _token_new()
    client = ApiClient(
        name=name,
        region=region,
        operations=sorted(set(operations)),
        token_hash=digest,
        token_prefix=prefix,
        service_user=service_user,
        created_by=actor,
    )
    client.full_clean()
    client.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=client,
        summary=f"API client {name}: {', '.join(client.operations)} in region {region.code}",
    )
    return client, token


@transaction.atomic
def api_client_rotate(*, actor: User | None, client: ApiClient) -> str:
    """A new token for the client; the old one stops working at once. Returns the new token."""
    if not client.is_active:
        raise ValidationError("A revoked client cannot be given a new token")
    token, digest, prefix = _token_new()
    client.token_hash, client.token_prefix, client.rotated_at = digest, prefix, timezone.now()
    client.save(update_fields=["token_hash", "token_prefix", "rotated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=client, summary=f"API client {client.name}: token rotated"
    )
    return token


@transaction.atomic
def api_client_revoke(*, actor: User | None, client: ApiClient) -> ApiClient:
    """Stop the client: its token is refused from now on. Its events and consultations are kept."""
    updated = ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    client.refresh_from_db()
    if updated:
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=client, summary=f"API client {client.name}: revoked"
        )
    return client


def api_call_audit(*, client: ApiClient | None, method: str, path: str, status: int) -> None:
    """Every call, in the audit log, with the client's name (a GET is a view, a refusal a denial)."""
    if client is None or status in {401, 403, 429}:
        action = AuditAction.DENIED
    elif method == "GET":
        action = AuditAction.VIEW
    elif method == "DELETE":
        action = AuditAction.DELETE
    else:
        action = AuditAction.CREATE if status < 300 else AuditAction.DENIED
    who = client.name if client else "unknown client"
    audit_record(
        actor=client.service_user if client else None,
        action=action,
        object_type="exchange.ApiClient",
        object_id=client.pk if client else "",
        summary=f"API {who}: {method} {path} -> {status}",
    )


# --- events in ------------------------------------------------------------------------------------

RECEIVED = "prison-offender-events.prisoner.received"
RELEASED = "prison-offender-events.prisoner.released"

# What each (event type, reason) is recorded as. A reason that is known but absent here is a real
# movement that is not a sentence event for victims (a return from court): kept, not recorded.
# A transfer is recorded where the prisoner arrives (received, TRANSFERRED), which names the new
# prison, never where they left, so one transfer is one event.
EVENT_KINDS: dict[tuple[str, str], str] = {
    (RECEIVED, "RECALL"): EventKind.RECALL,
    (RECEIVED, "TRANSFERRED"): EventKind.TRANSFER,
    (RELEASED, "RELEASED"): EventKind.RELEASE,
    (RELEASED, "TEMPORARY_ABSENCE_RELEASE"): EventKind.ROTL,
    (RELEASED, "RELEASED_TO_HOSPITAL"): EventKind.HOSPITAL_TRANSFER,
}
KNOWN_REASONS: dict[str, set[str]] = {
    RECEIVED: {
        "ADMISSION",
        "RECALL",
        "TRANSFERRED",
        "TEMPORARY_ABSENCE_RETURN",
        "RETURN_FROM_COURT",
        "REMAND",
        "CONVICTED",
        "POST_MERGE_ADMISSION",
        "UNKNOWN",
    },
    RELEASED: {
        "RELEASED",
        "TEMPORARY_ABSENCE_RELEASE",
        "RELEASED_TO_HOSPITAL",
        "SENT_TO_COURT",
        "TRANSFERRED",
        "UNKNOWN",
    },
}


def event_kind_for(event_type: str, reason: str, probable_cause: str | None = None) -> str | None:
    """The sentence event an HMPPS event is, or None if it is a movement victims are not told of."""
    if event_type == RECEIVED and (probable_cause or "").upper() == "RECALL":
        return EventKind.RECALL
    return EVENT_KINDS.get((event_type, reason))


@dataclass(frozen=True)
class Receipt:
    """What the API answers for a posted event; ``replayed`` when it is the answer given before."""

    status: int
    body: dict[str, Any]
    replayed: bool = False


def _canonical_digest(body: bytes) -> str:
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return hashlib.sha256(body).hexdigest()
    return hashlib.sha256(json.dumps(parsed, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _receipt_body(row: InboundEvent, detail: str) -> dict[str, Any]:
    return {
        "id": row.pk,
        "status": row.status,
        "eventType": row.event_type,
        "reason": row.reason,
        "offender": {"prisonNumber": row.prison_number, "pncNumber": row.pnc_number or None},
        "sentenceEventKind": row.event_kind or None,
        "detail": detail,
        "links": {"self": f"/api/v1/events/{row.pk}"},
    }


def _refuse(row: InboundEvent, status: int, state: str, document: dict[str, Any]) -> None:
    row.status = state
    row.problem = document
    row.response_status = status
    row.response_body = document


def _evaluate(row: InboundEvent, body: bytes, client: ApiClient) -> Sentence | None:
    """Fill ``row`` from the body: parsed, matched and checked, or refused with its problem."""
    row.raw = ""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        row.raw = body.decode("utf-8", "replace")[:RAW_KEPT_CHARS]
        _refuse(
            row,
            400,
            InboundStatus.REJECTED,
            problem(400, "malformed-event", "Malformed event", "The body is not JSON."),
        )
        return None
    try:
        envelope = DomainEvent.model_validate(data)
    except pydantic.ValidationError as exc:
        row.raw = body.decode("utf-8", "replace")[:RAW_KEPT_CHARS]
        errors = from_pydantic([dict(e) for e in exc.errors(include_url=False, include_input=False)])
        named = ", ".join(e["field"] or "the body" for e in errors)
        _refuse(
            row,
            422,
            InboundStatus.REJECTED,
            problem(422, "malformed-event", "Malformed event", f"Check {named}.", errors),
        )
        return None
    info = envelope.additionalInformation
    row.event_type = envelope.eventType
    row.reason = info.reason.upper()
    row.prison_number = info.nomsNumber.upper()
    pnc = info.pncNumber or next(
        (
            i.value
            for i in (envelope.personReference.identifiers if envelope.personReference else [])
            if i.type.upper() == "PNC"
        ),
        "",
    )
    row.pnc_number = normalise_pnc(pnc)
    row.prison_code = (info.prisonId or "").upper()
    row.occurred_at = envelope.occurredAt
    # Only the envelope's known fields are kept: nothing else a sender might add.
    row.payload = envelope.model_dump(mode="json", exclude_none=True)
    if envelope.eventType not in KNOWN_REASONS:
        _refuse(row, 422, InboundStatus.REJECTED, problem(
            422, "unsupported-event", "Unsupported event type",
            f"This API takes {' and '.join(sorted(KNOWN_REASONS))}.",
            [("eventType", "Not an event type this API takes")],
        ))  # fmt: skip
        return None
    if row.reason not in KNOWN_REASONS[envelope.eventType]:
        _refuse(row, 422, InboundStatus.REJECTED, problem(
            422, "unsupported-event", "Unknown reason",
            f"Reasons for {envelope.eventType}: {', '.join(sorted(KNOWN_REASONS[envelope.eventType]))}.",
            [("additionalInformation.reason", "Not a reason this event type has")],
        ))  # fmt: skip
        return None
    offenders = selectors.offenders_for_client(
        client=client, prison_number=row.prison_number, pnc=row.pnc_number
    )
    if len(offenders) != 1:
        detail = (
            "No offender with this prison number (and PNC, where given) is in your region."
            if not offenders
            else "More than one offender has this prison number: a manager will match the event."
        )
        _refuse(row, 404 if not offenders else 422, InboundStatus.UNMATCHED, problem(
            404 if not offenders else 422, "unknown-offender", "Unknown offender", detail,
            [("additionalInformation.nomsNumber", detail)],
        ))  # fmt: skip
        return None
    row.offender = offenders[0]
    sentence = row.offender.sentences.order_by("-sentence_date", "-pk").first()
    if sentence is None:
        _refuse(row, 422, InboundStatus.UNMATCHED, problem(
            422, "unknown-offender", "No sentence recorded",
            "The offender has no sentence recorded here: a manager will look at the event.",
            [("additionalInformation.nomsNumber", "No sentence recorded for this offender")],
        ))  # fmt: skip
        return None
    occurred_on = timezone.localtime(envelope.occurredAt).date()
    if occurred_on > timezone.localdate():
        when = "The event must have happened: occurredAt is in the future"
    elif occurred_on < sentence.sentence_date:
        when = f"The event is before the sentence date ({_d(sentence.sentence_date)})"
    else:
        when = ""
    if when:
        _refuse(row, 422, InboundStatus.REJECTED, problem(
            422, "malformed-event", "Event date not acceptable", when, [("occurredAt", when)],
        ))  # fmt: skip
        return None
    row.event_kind = event_kind_for(envelope.eventType, row.reason, info.probableCause) or ""
    return sentence


@transaction.atomic
def inbound_event_receive(*, client: ApiClient, body: bytes, idempotency_key: str = "") -> Receipt:
    """Keep a posted event and answer for it; the same event (or key) again gets the same answer.

    The key is the client's Idempotency-Key or, without one, a digest of the event itself. An
    accepted event is recorded by a Celery task after commit (``inbound_events_process``), so a
    burst costs the web one insert each. Every event is kept, refused ones too, for a manager.
    """
    digest = _canonical_digest(body)
    key = idempotency_key.strip()[:128] or f"sha256:{digest}"
    existing = InboundEvent.objects.select_for_update().filter(client=client, idempotency_key=key).first()
    if existing is not None:
        if existing.body_digest != digest:
            return Receipt(409, problem(
                409, "idempotency-key-reused", "Idempotency key reused",
                "This Idempotency-Key was sent before with a different event.",
                [("Idempotency-Key", "Already used for a different event")],
            ))  # fmt: skip
        # An event for an offender not known yet is matched again: the VLO may have added them since.
        if existing.status != InboundStatus.UNMATCHED:
            return Receipt(existing.response_status, existing.response_body, replayed=True)
        row = existing
    else:
        row = InboundEvent(client=client, idempotency_key=key, body_digest=digest)
    sentence = _evaluate(row, body, client)
    if sentence is not None:
        if row.event_kind:
            row.status, detail = (
                InboundStatus.ACCEPTED,
                "Accepted: it will be recorded on the offender's sentence.",
            )
        else:
            row.status, detail = (
                InboundStatus.IGNORED,
                "Kept: this movement is not a sentence event victims are told of.",
            )
            row.processed_at = timezone.now()
        row.problem, row.response_status, row.response_body = {}, 202, {}
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # The same event, posted at the same moment by another request: its answer stands.
        twin = InboundEvent.objects.get(client=client, idempotency_key=key)
        return Receipt(twin.response_status, twin.response_body, replayed=True)
    if sentence is not None:
        row.response_body = _receipt_body(row, detail)
        row.save(update_fields=["response_body"])
    audit_record(
        actor=client.service_user,
        action=AuditAction.CREATE,
        obj=row,
        summary=f"API {client.name}: event {row.event_type or '?'} {row.status}",
    )
    if row.status == InboundStatus.ACCEPTED:
        offender_id = row.offender_id
        # tasks imports this module for the services it runs: imported here to break that loop.
        from .tasks import inbound_events_process_task

        transaction.on_commit(lambda: inbound_events_process_task.delay(offender_id))
    return Receipt(row.response_status, row.response_body)


def inbound_events_process(*, offender_id: int) -> int:
    """Record every accepted event of the offender, oldest first; returns how many were recorded.

    The offender's row is locked, so two workers never record one offender's events at once and
    each is recorded in the order it came. Each event is claimed by a conditional update (its
    status is still accepted), so running this twice records nothing twice.
    """
    recorded = 0
    with transaction.atomic():
        Offender.objects.select_for_update().filter(pk=offender_id).values_list("pk", flat=True).first()
        pending = list(
            InboundEvent.objects.filter(offender_id=offender_id, status=InboundStatus.ACCEPTED)
            .select_related("client__service_user", "offender")
            .order_by("pk")
        )
        for row in pending:
            recorded += _inbound_event_record(row)
    return recorded


def _inbound_event_record(row: InboundEvent) -> int:
    client = row.client
    sentence = Sentence.objects.filter(offender=row.offender).order_by("-sentence_date", "-pk").first()
    label = row.reason.replace("_", " ").lower()
    detail = f"Reported by {client.name}: {row.event_type.rsplit('.', 1)[-1]} ({label})."
    try:
        with transaction.atomic():
            if sentence is None:
                raise ValidationError("The offender has no sentence recorded")
            claimed = InboundEvent.objects.filter(pk=row.pk, status=InboundStatus.ACCEPTED).update(
                status=InboundStatus.RECORDED, processed_at=timezone.now()
            )
            if claimed != 1:
                return 0
            assert row.occurred_at is not None  # an accepted event has its time
            event = sentence_event_add(
                actor=client.service_user,
                sentence=sentence,
                kind=row.event_kind,
                occurred_on=timezone.localtime(row.occurred_at).date(),
                detail=detail,
                # The prison's code, for the VLO: event locations never reach a letter or a task.
                location=row.prison_code,
            )
            InboundEvent.objects.filter(pk=row.pk).update(sentence_event=event)
            audit_record(
                actor=client.service_user,
                action=AuditAction.UPDATE,
                obj=row,
                summary=f"API {client.name}: event recorded as {row.event_kind}",
            )
            return 1
    except ValidationError as exc:
        message = "; ".join(exc.messages)
        InboundEvent.objects.filter(pk=row.pk, status=InboundStatus.ACCEPTED).update(
            status=InboundStatus.FAILED,
            processed_at=timezone.now(),
            problem=problem(422, "not-recorded", "Not recorded", message),
        )
        audit_record(
            actor=client.service_user,
            action=AuditAction.UPDATE,
            obj=row,
            summary=f"API {client.name}: event failed",
        )
        return 0


@transaction.atomic
def inbound_event_review(*, actor: User, event: InboundEvent) -> InboundEvent:
    """A manager has looked at an event that was kept but not recorded."""
    if event.status not in {InboundStatus.UNMATCHED, InboundStatus.REJECTED, InboundStatus.FAILED}:
        raise ValidationError("Only an event that was not recorded needs a review")
    if not InboundEvent.objects.filter(pk=event.pk, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now(), reviewed_by=actor
    ):
        raise ValidationError("This event has already been reviewed")
    event.refresh_from_db()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=event, summary="inbound event reviewed")
    return event


# --- consultations --------------------------------------------------------------------------------

# Case statuses in the order a consultation prefers them: the VLO of a victim in the scheme first.
_CASE_PREFERENCE: list[str] = [
    CaseStatus.OPTED_IN,
    CaseStatus.OFFER_SENT,
    CaseStatus.REFERRED,
    CaseStatus.NO_RESPONSE,
]


def _consultation_case(offender: Offender) -> Case | None:
    cases = list(Case.objects.filter(offender=offender).select_related("officer", "sentence"))
    if not cases:
        return None

    def rank(case: Case) -> tuple:
        status_rank = _CASE_PREFERENCE.index(case.status) if case.status in _CASE_PREFERENCE else 9
        return (not case.is_open, status_rank, -case.sentence.sentence_date.toordinal(), case.pk)

    return sorted(cases, key=rank)[0]


@transaction.atomic
def consultation_open(
    *,
    client: ApiClient,
    offender: Offender,
    kind: str,
    due_on: date,
    question: str,
    reference: str = "",
) -> Consultation:
    """Put a question to the offender's VLO: a task for them, due when the client needs the answer."""
    if due_on < timezone.localdate():
        raise ValidationError({"dueOn": "The due date must be today or in the future"})
    if not question.strip():
        raise ValidationError({"question": "Enter the question for the VLO"})
    case = _consultation_case(offender)
    if case is None:
        raise ValidationError({"prisonNumber": "No VLO case is recorded for this offender"})
    consultation = Consultation(
        client=client,
        offender=offender,
        case=case,
        kind=kind,
        question=question.strip(),
        due_on=due_on,
        client_reference=reference.strip(),
    )
    consultation.full_clean()
    consultation.save()
    soon = due_on <= deadlines.add_working_days(timezone.localdate(), 5)
    task_ensure(
        case=case,
        kind=TaskKind.CONSULTATION,
        dedupe_key=f"consultation:{consultation.pk}",
        title=f"Answer a consultation: {consultation.get_kind_display().lower()} ({client.name})",
        detail=f"{client.name} asks, by {_d(due_on)}: {consultation.question}",
        due_on=due_on,
        priority=Priority.HIGH if soon else Priority.NORMAL,
        actor=client.service_user,
    )
    audit_record(
        actor=client.service_user,
        action=AuditAction.CREATE,
        obj=consultation,
        summary=f"API {client.name}: consultation opened ({kind})",
    )
    return consultation


def answer_text_check(*, offender: Offender, fields: dict[str, str]) -> None:
    """Refuse any answer text holding a detail of any of the offender's victims, field by field."""
    victims = offender_victims(offender)
    errors = {}
    for name, text in fields.items():
        found = victim_details_found(text, victims=victims)
        if found:
            errors[name] = (
                f"Remove {' and '.join(found)}: the answer goes to {{client}} and must describe, not identify"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def consultation_answer(
    *,
    actor: User,
    consultation: Consultation,
    victims_in_scheme: str,
    licence_conditions_requested: str,
    licence_conditions: str,
    wishes_to_make_vps: str,
    victim_last_contacted_on: date | None,
    response: str,
) -> ConsultationAnswer:
    """The VLO answers; the answer is checked for victims' details, the task closes, webhooks follow."""
    errors: dict[str, str] = {}
    licence_conditions, response = licence_conditions.strip(), response.strip()
    if not response:
        errors["response"] = "Enter your response"
    if licence_conditions_requested == YesNoNA.YES and not licence_conditions:
        errors["licence_conditions"] = "Describe the licence conditions asked for"
    if victim_last_contacted_on and victim_last_contacted_on > timezone.localdate():
        errors["victim_last_contacted_on"] = (
            "The date the victim was last contacted must be today or in the past"
        )
    if victims_in_scheme == YesNoNA.YES and wishes_to_make_vps == VpsWish.NOT_APPLICABLE:
        errors["wishes_to_make_vps"] = "Say whether the victim wishes to make a VPS"
    if errors:
        raise ValidationError(errors)
    try:
        answer_text_check(
            offender=consultation.offender,
            fields={"licence_conditions": licence_conditions, "response": response},
        )
    except ValidationError as exc:
        raise ValidationError(
            {
                k: [m.replace("{client}", consultation.client.name) for m in v]
                for k, v in exc.message_dict.items()
            }
        ) from exc
    claimed = Consultation.objects.filter(pk=consultation.pk, status=ConsultationStatus.OPEN).update(
        status=ConsultationStatus.ANSWERED, answered_at=timezone.now()
    )
    if claimed != 1:
        raise ValidationError("This consultation has already been answered")
    answer = ConsultationAnswer(
        consultation=consultation,
        victims_in_scheme=victims_in_scheme,
        licence_conditions_requested=licence_conditions_requested,
        licence_conditions=licence_conditions,
        wishes_to_make_vps=wishes_to_make_vps,
        victim_last_contacted_on=victim_last_contacted_on,
        response=response,
        answered_by=actor,
    )
    answer.full_clean()
    answer.save()
    consultation.refresh_from_db()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=answer, summary="consultation answered")
    tasks_close(
        tasks=Task.objects.filter(
            case=consultation.case, kind=TaskKind.CONSULTATION, dedupe_key=f"consultation:{consultation.pk}"
        ),
        status=TaskStatus.DONE,
        outcome=f"Answered on {_d(timezone.localdate())}",
        actor=actor,
    )
    _notices_queue(consultation)
    return answer


# --- webhooks -------------------------------------------------------------------------------------


def _webhook_url_check(url: str) -> None:
    parts = urlsplit(url)
    local = parts.hostname in {"localhost", "127.0.0.1", "::1"}
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ValidationError({"url": "Enter a full URL, like https://example.org/hooks/vcs"})
    if parts.scheme == "http" and not (local and settings.VCS_API_WEBHOOK_ALLOW_HTTP_LOCAL):
        raise ValidationError({"url": "The URL must use https"})
    if parts.username or parts.password:
        raise ValidationError({"url": "The URL must not hold a user name or password"})


@transaction.atomic
def webhook_register(*, client: ApiClient, url: str) -> Webhook:
    """Register a URL to be told when a consultation is answered; its signing secret is on the row."""
    url = url.strip()
    _webhook_url_check(url)
    if Webhook.objects.filter(client=client, url=url, disabled_at__isnull=True).exists():
        raise ValidationError({"url": "This URL is already registered"})
    webhook = Webhook(client=client, url=url, secret=secrets.token_hex(32))
    webhook.full_clean()
    webhook.save()
    audit_record(
        actor=client.service_user,
        action=AuditAction.CREATE,
        obj=webhook,
        summary=f"API {client.name}: webhook registered",
    )
    return webhook


@transaction.atomic
def webhook_disable(*, client: ApiClient, webhook: Webhook) -> None:
    if Webhook.objects.filter(pk=webhook.pk, client=client, disabled_at__isnull=True).update(
        disabled_at=timezone.now()
    ):
        audit_record(
            actor=client.service_user,
            action=AuditAction.DELETE,
            obj=webhook,
            summary=f"API {client.name}: webhook removed",
        )


def _notices_queue(consultation: Consultation) -> None:
    payload = {"event": "consultation.answered", "consultation": selectors.consultation_payload(consultation)}
    for webhook in Webhook.objects.filter(client=consultation.client_id, disabled_at__isnull=True):
        delivery, made = WebhookDelivery.objects.get_or_create(
            webhook=webhook, consultation=consultation, defaults={"payload": payload}
        )
        if made:
            delivery_id = delivery.pk
            # tasks imports this module for the services it runs: imported here to break that loop.
            from .tasks import webhook_deliver_task

            transaction.on_commit(lambda d=delivery_id: webhook_deliver_task.delay(d))  # type: ignore[misc]


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - https, or local http by setting
    with urllib.request.urlopen(request, timeout=settings.VCS_API_WEBHOOK_TIMEOUT_SECONDS) as answer:  # noqa: S310
        return int(answer.status)


def webhook_deliver(*, delivery_id: int) -> bool:
    """Send one notice; True once delivered. A failure is counted and left for the task to retry.

    The payload was built from the consultation (victims' details are never in it) and is
    checked once more against the offender's victims before it leaves.
    """
    delivery = WebhookDelivery.objects.select_related("webhook", "consultation__offender").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery.status == DeliveryStatus.DELIVERED
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    if victim_details_found(body.decode(), victims=offender_victims(delivery.consultation.offender)):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, last_error="Refused: the notice held a victim's details"
        )
        return False
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "vcs-portal-webhooks/1",
        "X-VCS-Event": "consultation.answered",
        "X-VCS-Delivery": str(delivery.pk),
        "X-VCS-Signature": signature(delivery.webhook.secret, body),
    }
    attempts = delivery.attempts + 1
    try:
        status = _post(delivery.webhook.url, body, headers)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:255]
    else:
        if 200 <= status < 300:
            WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.DELIVERED, attempts=attempts, delivered_at=timezone.now(), last_error=""
            )
            return True
        error = f"HTTP {status}"
    final = attempts >= settings.VCS_API_WEBHOOK_ATTEMPTS
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        attempts=attempts, last_error=error, status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING
    )
    return False


def retry_delay(attempts: int) -> timedelta:
    """Back off: 30 s, 2 min, 8 min, ... capped at an hour."""
    return timedelta(seconds=min(30 * 4 ** max(attempts - 1, 0), 3600))
