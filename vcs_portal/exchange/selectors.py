"""Reads of the exchange: a client by its token, what a client may see, what staff see.

A client sees offenders of its region only, and only its own events and consultations; anything
else is "not found", whether it exists or not. ``consultation_payload`` is the one shape a
consultation leaves the service in (the API's GET and the webhook notice): references and the
VLO's checked answer, never a victim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Value
from django.http import Http404

from offenders.models import Offender
from offenders.services import normalise_pnc
from vcs_portal.core.models import User
from vcs_portal.core.prepared import Prepared
from vcs_portal.core.scope import ScopedPrepared, get_visible_or_404
from victims.models import Case

from .models import ApiClient, Consultation, ConsultationStatus, InboundEvent, Webhook


def api_client_for_token(token: str, *, digest: str) -> ApiClient | None:
    """The active client whose token has this digest (``services.token_digest``), or None."""
    if not token:
        return None
    return (
        ApiClient.objects.active().select_related("service_user", "region").filter(token_hash=digest).first()
    )


def offenders_for_client(*, client: ApiClient, prison_number: str, pnc: str = "") -> list[Offender]:
    """Offenders of the client's region with this prison number (and PNC, where given); at most two."""
    offenders = Offender.objects.filter(team__region_id=client.region_id, prison_number=prison_number.upper())
    if pnc:
        offenders = offenders.filter(pnc_number=normalise_pnc(pnc))
    return list(offenders.order_by("pk")[:2])


def event_get_for_client(*, client: ApiClient, pk: int) -> InboundEvent:
    try:
        return InboundEvent.objects.get(pk=pk, client=client)
    except InboundEvent.DoesNotExist as exc:
        raise Http404 from exc


def consultation_get_for_client(*, client: ApiClient, pk: int) -> Consultation:
    try:
        return _consultations().get(pk=pk, client=client, offender__team__region_id=client.region_id)
    except Consultation.DoesNotExist as exc:
        raise Http404 from exc


def webhooks_for_client(*, client: ApiClient) -> QuerySet[Webhook]:
    return Webhook.objects.filter(client=client, disabled_at__isnull=True)


def webhook_get_for_client(*, client: ApiClient, pk: int) -> Webhook:
    try:
        return webhooks_for_client(client=client).get(pk=pk)
    except Webhook.DoesNotExist as exc:
        raise Http404 from exc


def _consultations() -> QuerySet[Consultation]:
    return Consultation.objects.select_related(
        "client", "offender", "case", "answer", "answer__answered_by", "answer__answered_by__team"
    )


def consultation_payload(consultation: Consultation) -> dict[str, Any]:
    """The consultation as a client reads it (schemas.ConsultationOut), in JSON-ready values.

    The question is not echoed: the client has it, and the answer is all this adds.
    """
    answer = (
        getattr(consultation, "answer", None) if consultation.status == ConsultationStatus.ANSWERED else None
    )
    offender = consultation.offender
    body: dict[str, Any] = {
        "id": consultation.pk,
        "kind": consultation.kind,
        "status": consultation.status,
        "dueOn": consultation.due_on.isoformat(),
        "reference": consultation.client_reference,
        "openedAt": consultation.opened_at.isoformat(),
        "offender": {"prisonNumber": offender.prison_number, "pncNumber": offender.pnc_number or None},
        "answer": None,
        "links": {"self": f"/api/v1/consultations/{consultation.pk}"},
    }
    if answer is not None:
        by = answer.answered_by
        team = f", {by.team.name}" if by.team_id and by.team else ""
        body["answer"] = {
            "victimsInScheme": answer.victims_in_scheme,
            "licenceConditionsRequested": answer.licence_conditions_requested,
            "licenceConditions": answer.licence_conditions,
            "wishesToMakeVps": answer.wishes_to_make_vps,
            "victimLastContactedOn": (
                answer.victim_last_contacted_on.isoformat() if answer.victim_last_contacted_on else None
            ),
            "response": answer.response,
            "answeredAt": answer.answered_at.isoformat(),
            "answeredBy": f"{by.get_full_name()} (Victim Liaison Officer{team})",
        }
    return body


# --- what staff see -------------------------------------------------------------------------------


def consultation_get_for_user(*, user: User, pk: int) -> Consultation:
    """A consultation on a case the user may see; 404 (audited) for any other."""
    return get_visible_or_404(_consultations(), user, pk=pk)


_case_consultations = Prepared(lambda case_id: _consultations().filter(case_id=case_id))


def case_consultations(*, case: Case) -> list[Consultation]:
    """The consultations put to this case's VLO, open first, soonest due first."""
    return sorted(
        _case_consultations.all(case.pk),
        key=lambda c: (c.status != ConsultationStatus.OPEN, c.due_on, c.pk),
    )


@dataclass(frozen=True)
class ConsultationsDue:
    """For the manager's dashboard: open consultations, split into due (on time) and late."""

    due: int
    late: int
    due_this_week: int
    late_list: list[Consultation]


def _counts(user: User, today: date, week_end: date) -> QuerySet[Any, dict[str, Any]]:
    """The open consultations in ``user``'s scope counted three ways, as one row (grouped on a
    constant: a ``values()`` aggregate, so its SQL can be compiled once)."""
    return (
        Consultation.objects.visible_to(user)
        .open()
        .order_by()
        .annotate(every=Value(1))
        .values("every")
        .annotate(
            due=Count("pk", filter=Q(due_on__gte=today)),
            late=Count("pk", filter=Q(due_on__lt=today)),
            due_this_week=Count("pk", filter=Q(due_on__gte=today, due_on__lte=week_end)),
        )
    )


# Every dashboard shows them: compiled once per kind of manager (core.scope.ScopedPrepared).
_consultation_counts: ScopedPrepared[Any] = ScopedPrepared(_counts)


# The oldest-due late ones, for the dashboards' table: compiled once per kind of manager.
_late_consultations: ScopedPrepared[Consultation] = ScopedPrepared(
    lambda user, today: (
        Consultation.objects.visible_to(user)
        .open()
        .filter(due_on__lt=today)
        .select_related("client", "case", "offender")
        .order_by("due_on", "pk")
    )
)


def consultations_due_and_late(*, user: User, today: date, listed: int = 10) -> ConsultationsDue:
    """Open consultations on the cases ``user`` may see: how many are due, due within 7 days, late.

    ``late_list`` is the oldest-due late ones, up to ``listed``, for a table with links.
    """
    week_end = date.fromordinal(today.toordinal() + 7)
    # One query for the three figures (a row only when there is an open consultation).
    counts = next(
        iter(_consultation_counts.all(user, today, week_end)), {"due": 0, "late": 0, "due_this_week": 0}
    )
    return ConsultationsDue(
        due=counts["due"],
        late=counts["late"],
        due_this_week=counts["due_this_week"],
        late_list=_late_consultations.window(0, listed, user, today) if counts["late"] else [],
    )


def inbound_events_for_review(*, user: User) -> QuerySet[InboundEvent]:
    """Events kept but not recorded (unknown offender, malformed, failed), for a manager to look at."""
    return InboundEvent.objects.visible_to(user).needs_review().select_related("client", "offender")


def inbound_event_get_for_user(*, user: User, pk: int) -> InboundEvent:
    """An event of a client in the user's region (managers and admins); 404 (audited) for any other."""
    return get_visible_or_404(InboundEvent.objects.select_related("client"), user, pk=pk)
