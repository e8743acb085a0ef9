"""Staff pages of the exchange: the VLO answers a consultation; a manager reviews events kept
but not recorded. Each fetches through a selector that is a 404 outside the user's scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vcs_portal.core.audit import audit_list_view, audit_record
from vcs_portal.core.models import AuditAction
from vcs_portal.core.pages import form_saved, post_data

from . import selectors, services
from .forms import AnswerForm
from .models import ConsultationStatus


@login_required
@require_http_methods(["GET", "POST"])
def consultation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    is_open = consultation.status == ConsultationStatus.OPEN
    form = AnswerForm(post_data(request)) if is_open else None
    saved = form_saved(
        request,
        form,
        lambda d: services.consultation_answer(actor=request.user, consultation=consultation, **d),  # type: ignore[arg-type]
        f"Answer sent to {consultation.client.name}",
    )
    if saved:
        return redirect("cases:detail", pk=consultation.case_id)
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=consultation)  # type: ignore[arg-type]
    context = {"consultation": consultation, "case": consultation.case, "form": form}
    return render(request, "exchange/consultation.html", context)


@login_required
@require_GET
def inbound_review_list(request: HttpRequest) -> HttpResponse:
    events = list(selectors.inbound_events_for_review(user=request.user)[:200])  # type: ignore[arg-type]
    audit_list_view(
        actor=request.user,
        what="inbound events",
        object_type="exchange.InboundEvent",
        ids=[e.pk for e in events],
    )  # type: ignore[arg-type]
    return render(request, "exchange/inbound_review.html", {"events": events})


@login_required
@require_POST
def inbound_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.inbound_event_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    try:
        services.inbound_event_review(actor=request.user, event=event)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Marked as reviewed")
    return redirect("exchange:inbound_review")
