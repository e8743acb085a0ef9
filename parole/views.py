"""Parole, tribunal and meeting pages, all reached from a case.

Every page fetches the case through ``victims.selectors.case_get_for_user`` (404 outside scope),
then the review, condition or hearing through a ``parole.selectors.*_get_for_case`` helper (404 if
it is not the case's), binds one form and calls one service. A service's ``ValidationError`` is
shown beside the field it names, with the GOV.UK error summary; nothing is written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction
from vcs_portal.core.pages import govuk_date, post_data
from victims.deadlines import vps_due
from victims.models import Case
from victims.pages import case_form_page
from victims.selectors import case_get_for_user

from . import selectors, services, summary
from .forms import (
    ConditionForm,
    ConditionOutcomeForm,
    ConditionSentForm,
    DecisionForm,
    HospitalReferralForm,
    MeetingForm,
    ReconsiderationForm,
    ReviewForm,
    TribunalForm,
    VpsInviteForm,
    VpsProgressForm,
)
from .models import ParoleReview, VictimPersonalStatement

GET_POST = require_http_methods(["GET", "POST"])


def _d(day: date | None) -> str:
    return govuk_date(day) or "Not set"


def _review_facts(review: ParoleReview) -> list[tuple[str, str]]:
    facts = [("Review", f"{review.get_kind_display()}, referred {_d(review.referred_on)}")]
    if review.hearing_on:
        due = vps_due(review.hearing_on)
        facts += [("Hearing", _d(review.hearing_on)), ("VPS due to the Board", f"{_d(due.due)} ({due.rule})")]
    if review.is_decided:
        facts.append(("Decision", f"{review.get_outcome_display()}, {_d(review.decision_on)}"))
    return facts


# --- parole reviews -------------------------------------------------------------------------


@login_required
@GET_POST
def review_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    return case_form_page(
        request,
        case_tab="parole",
        case=case,
        form=ReviewForm(post_data(request)),
        title="Record a parole review",
        intro="The review is for the offender's sentence: every victim's case on it will show it.",
        save=lambda d: services.parole_review_create(
            actor=request.user,
            sentence=case.sentence,
            referred_on=d["referred_on"],
            kind=d["kind"],
            hearing_on=d["hearing_on"],
        ),
        success="Parole review recorded",
    )


@login_required
@GET_POST
def review_edit(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    review = selectors.review_get_for_case(case=case, pk=review_pk)
    initial = {"referred_on": review.referred_on, "kind": review.kind, "hearing_on": review.hearing_on}
    return case_form_page(
        request,
        case_tab="parole",
        case=case,
        form=ReviewForm(post_data(request), initial=initial),
        title="Change the parole review",
        save=lambda d: services.parole_review_update(
            actor=request.user,
            review=review,
            referred_on=d["referred_on"],
            kind=d["kind"],
            hearing_on=d["hearing_on"],
        ),
        success="Parole review updated",
    )


@login_required
@GET_POST
def review_decision(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    review = selectors.review_get_for_case(case=case, pk=review_pk)
    initial = {
        "outcome": review.outcome or None,
        "decision_on": review.decision_on,
        "summary_requested_on": review.summary_requested_on,
        "summary_received_on": review.summary_received_on,
    }
    return case_form_page(
        request,
        case_tab="parole",
        case=case,
        form=DecisionForm(post_data(request), initial=initial),
        title="Record the parole decision",
        rows=_review_facts(review),
        save=lambda d: services.parole_decision_record(
            actor=request.user,
            review=review,
            outcome=d["outcome"],
            decision_on=d["decision_on"],
            summary_requested_on=d["summary_requested_on"],
            summary_received_on=d["summary_received_on"],
        ),
        success="Parole decision recorded",
    )


@login_required
@GET_POST
def reconsideration_new(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    review = selectors.review_get_for_case(case=case, pk=review_pk)
    today = timezone.localdate()
    status = selectors.reconsideration_status(review=review, on=today)
    facts = _review_facts(review)
    title = "Record a request for reconsideration"
    if status.window is None:
        # Not a matter of dates: this decision can never be reconsidered.
        return case_form_page(
            request, case_tab="parole", case=case, form=None, title=title, rows=facts, warning=status.reason
        )
    if review.reconsideration_requests.filter(case=case).exists():
        return case_form_page(
            request,
            case_tab="parole",
            case=case,
            form=None,
            title=title,
            rows=facts,
            intro="The victim's request is already recorded.",
        )
    facts.append(("Window for reconsideration", f"Until {_d(status.window.due)} ({status.window.rule})"))
    return case_form_page(
        request,
        case_tab="parole",
        case=case,
        form=ReconsiderationForm(post_data(request)),
        title=title,
        rows=facts,
        intro="The victim asks the Secretary of State to apply to the Parole Board for reconsideration.",
        warning="" if status.available else status.reason,
        save=lambda d: services.reconsideration_request_record(
            actor=request.user, case=case, review=review, requested_on=d["requested_on"], notes=d["notes"]
        ),
        success="Request for reconsideration recorded",
    )


# --- victim personal statements -------------------------------------------------------------


@login_required
@GET_POST
def vps_invite(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    review = selectors.review_get_for_case(case=case, pk=review_pk)
    if VictimPersonalStatement.objects.filter(case=case, review=review).exists():
        return redirect("parole:vps_progress", pk=case.pk, review_pk=review.pk)
    return case_form_page(
        request,
        case_tab="parole",
        case=case,
        form=VpsInviteForm(post_data(request)),
        title="Invite a Victim Personal Statement",
        rows=_review_facts(review),
        warning="Tell the victim before they write it that the Parole Board may share the statement "
        "with the offender.",
        save=lambda d: services.vps_invite(
            actor=request.user,
            case=case,
            review=review,
            invited_on=d["invited_on"],
            disclosure_explained_on=d["disclosure_explained_on"],
        ),
        success="Invitation recorded",
    )


@login_required
@GET_POST
def vps_progress(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    review = selectors.review_get_for_case(case=case, pk=review_pk)
    statement = selectors.statement_get_for_case(case=case, review=review)
    initial = {
        "disclosure_explained_on": statement.disclosure_explained_on,
        "received_on": statement.received_on,
        "submitted_on": statement.submitted_on,
        "wants_to_read": "yes" if statement.wants_to_read_at_hearing else "no",
        "non_disclosure": "yes" if statement.non_disclosure_applied else "no",
        "non_disclosure_applied_on": statement.non_disclosure_applied_on,
    }
    facts = [*_review_facts(review), ("Invited", _d(statement.invited_on))]
    return case_form_page(
        request,
        case_tab="parole",
        case=case,
        form=VpsProgressForm(post_data(request), initial=initial),
        title="Update the Victim Personal Statement",
        rows=facts,
        save=lambda d: services.vps_progress_record(
            actor=request.user,
            statement=statement,
            disclosure_explained_on=d["disclosure_explained_on"],
            received_on=d["received_on"],
            submitted_on=d["submitted_on"],
            wants_to_read_at_hearing=d["wants_to_read_at_hearing"],
            non_disclosure_applied=d["non_disclosure_applied"],
            non_disclosure_applied_on=d["non_disclosure_applied_on"],
        ),
        success="Victim Personal Statement updated",
    )


# --- licence conditions ---------------------------------------------------------------------


@login_required
@GET_POST
def condition_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    return case_form_page(
        request,
        case_tab="parole",
        case=case,
        form=ConditionForm(post_data(request)),
        title="Record a licence condition the victim asked for",
        warning="The request goes to the offender manager. Never include the victim's address or "
        "contact details.",
        save=lambda d: services.licence_condition_request(
            actor=request.user,
            case=case,
            kind=d["kind"],
            description=d["description"],
            requested_on=d["requested_on"],
        ),
        success="Licence condition recorded",
    )


def _condition_facts(condition: Any) -> list[tuple[str, str]]:
    facts = [("Condition", condition.get_kind_display()), ("Requested", _d(condition.requested_on))]
    if condition.description:
        facts.insert(1, ("Description", condition.description))
    return facts


@login_required
@GET_POST
def condition_sent(request: HttpRequest, pk: int, condition_pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    condition = selectors.condition_get_for_case(case=case, pk=condition_pk)
    return case_form_page(
        request,
        case_tab="parole",
        case=case,
        form=ConditionSentForm(
            post_data(request), initial={"sent_on": condition.sent_to_offender_manager_on}
        ),
        title="Record that the request went to the offender manager",
        rows=_condition_facts(condition),
        save=lambda d: services.licence_condition_send(
            actor=request.user, condition=condition, sent_on=d["sent_on"]
        ),
        success="Sent to the offender manager",
    )


@login_required
@GET_POST
def condition_outcome(request: HttpRequest, pk: int, condition_pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    condition = selectors.condition_get_for_case(case=case, pk=condition_pk)
    initial = {
        "outcome": condition.outcome if condition.outcome != "requested" else None,
        "outcome_on": condition.outcome_on,
        "outcome_reason": condition.outcome_reason,
    }
    return case_form_page(
        request,
        case_tab="parole",
        case=case,
        form=ConditionOutcomeForm(post_data(request), initial=initial),
        title="Record whether the condition was imposed",
        rows=_condition_facts(condition),
        save=lambda d: services.licence_condition_outcome_record(
            actor=request.user,
            condition=condition,
            outcome=d["outcome"],
            outcome_on=d["outcome_on"],
            reason=d["outcome_reason"],
        ),
        success="Outcome recorded",
    )


# --- Mental Health Tribunal -----------------------------------------------------------------


def _tribunal_form(request: HttpRequest, case: Case, initial: dict[str, Any]) -> TribunalForm:
    vis_from = _d(selectors.vis_tribunal_from())
    return TribunalForm(post_data(request), initial=initial, vis_from_text=vis_from)


def _route_page(request: HttpRequest, case: Case) -> HttpResponse:
    """What to do instead of tribunal work: hospital managers (unrestricted) or nothing (no order)."""
    route = selectors.tribunal_route(case)
    return render(
        request,
        "parole/tribunal_route.html",
        {"case": case, "route": route, "title": "Mental Health Tribunal"},
    )


@login_required
@GET_POST
def tribunal_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    if selectors.tribunal_route(case) != selectors.ROUTE_TRIBUNAL:
        return _route_page(request, case)
    return case_form_page(
        request,
        case_tab="parole",
        case=case,
        form=_tribunal_form(request, case, {"tribunal": services.default_tribunal(case)}),
        title="Record a tribunal application",
        intro="The patient is a restricted patient: you gather the victim's representations about "
        "conditions of discharge.",
        save=lambda d: services.tribunal_hearing_create(actor=request.user, case=case, **_tribunal_fields(d)),
        success="Tribunal application recorded",
    )


def _tribunal_fields(d: dict[str, Any]) -> dict[str, Any]:
    return {name: d[name] for name in services.TRIBUNAL_FIELDS}


@login_required
@GET_POST
def tribunal_edit(request: HttpRequest, pk: int, hearing_pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    hearing = selectors.tribunal_hearing_get_for_case(case=case, pk=hearing_pk)
    initial = {name: getattr(hearing, name) for name in services.TRIBUNAL_FIELDS}
    return case_form_page(
        request,
        case_tab="parole",
        case=case,
        form=_tribunal_form(request, case, initial),
        title="Update the tribunal details",
        save=lambda d: services.tribunal_hearing_update(
            actor=request.user, hearing=hearing, **_tribunal_fields(d)
        ),
        success="Tribunal details updated",
    )


@login_required
@GET_POST
def hospital_referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    if selectors.tribunal_route(case) != selectors.ROUTE_HOSPITAL_MANAGERS:
        return _route_page(request, case)
    return case_form_page(
        request,
        case_tab="parole",
        case=case,
        form=HospitalReferralForm(post_data(request)),
        title="Pass the case to the hospital managers",
        intro="The patient is not a restricted patient, so the hospital managers, not the VLO, deal with "
        "the victim about discharge.",
        save=lambda d: services.hospital_managers_referral_record(
            actor=request.user,
            case=case,
            referred_on=d["referred_on"],
            hospital=d["hospital"],
            contact_name=d["contact_name"],
        ),
        success="Referral to the hospital managers recorded",
    )


# --- MAPPA and MARAC ------------------------------------------------------------------------


@login_required
@GET_POST
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    mappa = case.offender.get_mappa_level_display() if case.offender.mappa_level else "Not MAPPA managed"
    return case_form_page(
        request,
        case_tab="parole",
        case=case,
        form=MeetingForm(post_data(request), initial={"level": case.offender.mappa_level or None}),
        title="Record a MAPPA or MARAC meeting",
        intro=f"The offender's MAPPA level on record: {mappa}.",
        save=lambda d: services.meeting_record(
            actor=request.user,
            case=case,
            kind=d["kind"],
            held_on=d["held_on"],
            level=d["level"],
            views_put_forward=d["views_put_forward"],
            outcome=d["outcome"],
        ),
        success="Meeting recorded",
    )


# --- the offender manager's summary ---------------------------------------------------------


@login_required
@require_GET
def om_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The victim-related requirements for the offender manager: HTML, or ``?format=pdf``."""
    case = case_get_for_user(user=request.user, pk=pk)
    today = timezone.localdate()
    if request.GET.get("format") == "pdf":
        pdf = summary.om_summary_pdf(case=case, today=today)
        audit_record(
            actor=request.user,
            action=AuditAction.DOWNLOAD,
            obj=case,
            summary="offender manager summary (PDF)",
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{summary.om_summary_filename(case)}"'
        response["Cache-Control"] = "no-store"
        return response
    audit_record(
        actor=request.user, action=AuditAction.DOWNLOAD, obj=case, summary="offender manager summary (HTML)"
    )
    context = summary.om_summary_context(case=case, today=today)
    context["pdf_url"] = reverse("parole:om_summary", args=[case.pk]) + "?format=pdf"
    response = render(request, "parole/om_summary.html", context)
    response["Cache-Control"] = "no-store"
    return response
