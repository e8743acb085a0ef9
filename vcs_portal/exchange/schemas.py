"""The shapes the API accepts and returns (pydantic, through django-ninja).

Names follow HMPPS's own JSON (camelCase). No output shape has a field for a victim: offenders
are named by the references the prison side already holds, answers are the VLO's checked words.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from .models import ConsultationKind, ConsultationStatus, InboundStatus, VpsWish, YesNoNA

PRISON_NUMBER = r"^[A-Za-z][0-9]{4}[A-Za-z]{2}$"


# --- events in ----------------------------------------------------------------------------------


class PersonIdentifier(Schema):
    type: str = Field(max_length=20)
    value: str = Field(max_length=40)


class PersonReference(Schema):
    identifiers: list[PersonIdentifier] = Field(default_factory=list, max_length=10)


class AdditionalInformation(Schema):
    """The part of an HMPPS prisoner event that says who and why; unknown keys are ignored."""

    model_config = ConfigDict(extra="ignore")

    nomsNumber: str = Field(pattern=PRISON_NUMBER, description="The prison number, e.g. A1234BC.")
    reason: str = Field(min_length=1, max_length=60, description="e.g. RECALL, TRANSFERRED, RELEASED.")
    prisonId: str | None = Field(default=None, max_length=20, description="The prison's code, e.g. MDI.")
    probableCause: str | None = Field(default=None, max_length=60)
    pncNumber: str | None = Field(default=None, max_length=20, description="Matched as well, where given.")


class DomainEvent(Schema):
    """An HMPPS domain event envelope (topic hmpps-domain-events)."""

    model_config = ConfigDict(extra="ignore")

    eventType: str = Field(min_length=1, max_length=120)
    version: int = Field(ge=1)
    occurredAt: datetime
    description: str | None = Field(default=None, max_length=500)
    additionalInformation: AdditionalInformation
    personReference: PersonReference | None = None


class OffenderRef(Schema):
    prisonNumber: str
    pncNumber: str | None = None


class EventReceipt(Schema):
    id: int
    status: InboundStatus
    eventType: str
    reason: str
    offender: OffenderRef
    sentenceEventKind: str | None = Field(description="What it is recorded as; null if it is not recorded.")
    detail: str
    links: dict[str, str]


# --- consultations --------------------------------------------------------------------------------


class ConsultationIn(Schema):
    prisonNumber: str = Field(pattern=PRISON_NUMBER)
    pncNumber: str | None = Field(default=None, max_length=20)
    kind: ConsultationKind
    dueOn: date
    question: str = Field(min_length=1, max_length=4000)
    reference: str = Field(default="", max_length=60, description="Your own reference, echoed back.")


class AnswerOut(Schema):
    victimsInScheme: YesNoNA
    licenceConditionsRequested: YesNoNA
    licenceConditions: str
    wishesToMakeVps: VpsWish
    victimLastContactedOn: date | None
    response: str
    answeredAt: datetime
    answeredBy: str = Field(description="The VLO who answered, and their team.")


class ConsultationOut(Schema):
    id: int
    kind: ConsultationKind
    status: ConsultationStatus
    dueOn: date
    reference: str
    openedAt: datetime
    offender: OffenderRef
    answer: AnswerOut | None
    links: dict[str, str]


# --- webhooks -------------------------------------------------------------------------------------


class WebhookIn(Schema):
    url: str = Field(min_length=8, max_length=500)


class WebhookOut(Schema):
    id: int
    url: str
    createdAt: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Signs each delivery (X-VCS-Signature: sha256=<hex HMAC>). Shown once.")


class WebhookNotice(Schema):
    event: Literal["consultation.answered"]
    consultation: ConsultationOut


# --- problems (RFC 9457) ----------------------------------------------------------------------------


class ProblemError(Schema):
    field: str
    pointer: str
    detail: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemError] = Field(default_factory=list)
