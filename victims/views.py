"""VLO pages for victims and cases: the caseload, the case page and the forms that change a case.

Every page fetches through ``selectors`` (scoped to the user: anything else is a 404) and every
form calls one service; a service's ``ValidationError`` is shown beside the field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from offenders.eligibility import RULE_LABELS, assess
from offenders.models import Eligibility, EligibilityAssessment, KeyDate
from offenders.services import (
    key_date_record,
    security_category_record,
    sentence_amend_on_appeal,
    sentence_event_record,
)
from vcs_portal.core.audit import audit_list_view, audit_record
from vcs_portal.core.models import AuditAction, Role
from vcs_portal.core.pages import form_saved, post_data

from . import deadlines, selectors, services
from .forms import (
    AppealForm,
    CaseloadFilterForm,
    CaseStatusForm,
    KeyDateForm,
    ReviewForm,
    SentenceEventForm,
    ServiceForm,
)
from .models import TRANSITIONS, Case, CaseStatus

PAGE_SIZE = 25
# The case page shows the newest timeline entries; the rest are on the case history page, so the
# page stays quick to render and to read however long the case has run.
TIMELINE_ON_CASE_PAGE = 20
HISTORY_PAGE_SIZE = 50

# Sort keys the caseload accepts (anything else falls back to the default), with their columns.
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "reference": ("Reference", ("reference",)),
    "victim": ("Victim", ("victim__last_name", "victim__first_name")),
    "offender": ("Offender", ("offender__last_name", "offender__first_name")),
    "status": ("Status", ("status",)),
    "due": ("First contact due", ("first_contact_due",)),
}
DEFAULT_SORT = "due"


def first_contact_state(case: Case, today: date) -> str:
    """The first-contact deadline's state; a case closed without contact has none to show."""
    if not case.is_open and case.first_contact_on is None:
        return deadlines.STATE_NONE
    return deadlines.deadline_state(
        case.first_contact_due, case.first_contact_on, today, statutory=case.statutory
    )


def _ordering(sort: str) -> list[Any]:
    descending = sort.startswith("-")
    ordering = []
    for name in SORTS[sort.lstrip("-")][1]:
        column = F(name)
        ordering.append(column.desc(nulls_last=True) if descending else column.asc(nulls_last=True))
    return [*ordering, "pk"]


def _sort_headers(sort: str) -> list[dict[str, str]]:
    """Column headers as links: a click on the sorted column reverses it."""
    headers = []
    for key, (label, _) in SORTS.items():
        if sort.lstrip("-") == key:
            aria_sort = "descending" if sort.startswith("-") else "ascending"
            next_sort = key if sort.startswith("-") else f"-{key}"
        else:
            aria_sort, next_sort = "none", key
        headers.append({"key": key, "label": label, "aria_sort": aria_sort, "next": next_sort})
    return headers


@login_required
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filter_form = CaseloadFilterForm(request.GET)
    filters = filter_form.filters()
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort.lstrip("-") not in SORTS:
        sort = DEFAULT_SORT
    cases = selectors.caseload(user=request.user, today=today, **filters).order_by(*_ordering(sort))
    if filters["search"]:
        # Never the term itself: it may be a victim's name.
        audit_record(
            actor=request.user,
            action=AuditAction.SEARCH,
            object_type="victims.Case",
            summary="caseload search",
        )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"case": case, "state": first_contact_state(case, today)} for case in page]
    context = {
        "filter_form": filter_form,
        "page": page,
        "rows": rows,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "headers": _sort_headers(sort),
        "sort": sort,
        "filtered": filter_form.is_filtered(),
        "caption": filter_form.caption(),
    }
    audit_list_view(
        actor=request.user, what="caseload", object_type="victims.Case", ids=[r["case"].pk for r in rows]
    )
    return render(request, "victims/caseload.html", context)


@dataclass(frozen=True)
class NextAction:
    text: str
    url: str = ""
    urgent: bool = False


def next_actions(case: Case, today: date) -> list[NextAction]:
    """What the VLO should do next on this case, most pressing first."""
    if not case.is_open:
        return []
    actions = []
    if case.needs_review:
        actions.append(
            NextAction("Review eligibility", reverse("victims:case_review", args=[case.pk]), urgent=True)
        )
    if case.first_contact_on is None and case.first_contact_due:
        state = first_contact_state(case, today)
        actions.append(
            NextAction(
                f"Make first contact by {case.first_contact_due:%-d %B %Y}",
                urgent=state in {deadlines.STATE_OVERDUE, deadlines.STATE_DUE_SOON},
            )
        )
    if case.status == CaseStatus.REFERRED:
        actions.append(NextAction("Send the offer letter"))
    if case.status == CaseStatus.NO_RESPONSE:
        actions.append(NextAction("Try another way to reach the victim"))
    return actions


@dataclass(frozen=True)
class EligibilityView:
    outcome: str
    rule: str
    reasons: list[str]
    assessed_on: date | None


def eligibility_for(case: Case) -> EligibilityView:
    """The newest stored assessment of the case's sentence, or one made now if none is stored."""
    stored = (
        EligibilityAssessment.objects.filter(sentence_id=case.sentence_id)
        .order_by("-assessed_at", "-pk")
        .first()
    )
    if stored is not None:
        return EligibilityView(
            stored.outcome,
            RULE_LABELS.get(stored.rule, stored.rule),
            list(stored.reasons),
            stored.assessed_on,
        )
    fresh = assess(case.sentence)
    return EligibilityView(fresh.outcome, RULE_LABELS.get(fresh.rule, fresh.rule), list(fresh.reasons), None)


def key_date_rows(case: Case) -> list[dict[str, Any]]:
    """The current date of each kind, with the values it replaced, newest first."""
    every = selectors.case_key_dates(case=case)
    current = selectors.latest_key_dates(every)
    shown = {k.pk for k in current}
    older: dict[str, list[KeyDate]] = {}
    for key_date in every:
        if key_date.pk not in shown:
            older.setdefault(key_date.kind, []).append(key_date)
    return [{"current": k, "history": older.get(k.kind, [])} for k in current]


def deadline_rows(case: Case, today: date) -> list[dict[str, Any]]:
    rows = [
        ("Referral due", case.referral_due, case.referral_rule, case.referral_received_on),
        ("First contact due", case.first_contact_due, case.first_contact_rule, case.first_contact_on),
        ("Escalation due", case.escalation_due, case.escalation_rule, case.first_contact_on),
    ]
    result = []
    for label, due, rule, met_on in rows:
        if not case.is_open and met_on is None:
            state = deadlines.STATE_NONE
        else:
            state = deadlines.deadline_state(due, met_on, today, statutory=case.statutory)
        result.append({"label": label, "due": due, "rule": rule, "state": state})
    return result


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case.victim)
    today = timezone.localdate()
    addresses = list(case.victim.addresses.all())
    eligibility = eligibility_for(case)
    # One more than shown, so the page knows whether there is more history to link to.
    timeline = selectors.case_timeline(case=case, newest=TIMELINE_ON_CASE_PAGE + 1)
    context = {
        "case": case,
        "victim": case.victim,
        "offender": case.offender,
        "sentence": case.sentence,
        "addressee": case.victim.addressee_name(today),
        "addressee_is_guardian": case.victim.is_child(today) and bool(case.victim.guardian_last_name),
        "current_address": next((a for a in addresses if a.is_current), None),
        "former_addresses": [a for a in addresses if not a.is_current],
        "security_category": case.offender.security_category,
        "deadlines": deadline_rows(case, today),
        "key_dates": key_date_rows(case),
        "eligibility": eligibility,
        "next_actions": next_actions(case, today),
        "timeline": timeline[:TIMELINE_ON_CASE_PAGE],
        "timeline_more": len(timeline) > TIMELINE_ON_CASE_PAGE,
        "can_change_status": bool(TRANSITIONS.get(case.status)),
        # A manager may approve an offer the statutory rules do not require (DOMAIN.md section 2).
        "can_approve": request.user.role == Role.MANAGER
        and case.needs_review
        and (not case.statutory or eligibility.outcome != Eligibility.STATUTORY),
    }
    return render(request, "victims/case_detail.html", context)


@login_required
@require_GET
def case_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's whole timeline, newest first, a page at a time."""
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case, summary="case history")
    page = Paginator(selectors.case_timeline(case=case), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "case": case,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
    }
    return render(request, "victims/case_history.html", context)


def _form_page(
    request: HttpRequest,
    case: Case,
    form: ServiceForm,
    *,
    title: str,
    save: Callable[[dict[str, Any]], object],
    success: str,
    intro: str = "",
) -> HttpResponse:
    """Show a one-form page; on a valid POST call the service and go back to the case."""
    if form_saved(request, form, save, success):
        return redirect("victims:case_detail", pk=case.pk)
    return render(
        request, "victims/case_form.html", {"case": case, "form": form, "title": title, "intro": intro}
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    if not TRANSITIONS.get(case.status):
        return render(
            request,
            "victims/case_form.html",
            {
                "case": case,
                "form": None,
                "title": "Change the status",
                "intro": "This case is closed. A closed case cannot change status.",
            },
        )
    return _form_page(
        request,
        case,
        CaseStatusForm(post_data(request), case=case),
        title="Change the status",
        intro=f"The case is {CaseStatus(case.status).label.lower()}.",
        save=lambda d: services.case_status_change(
            actor=request.user,
            case=case,
            to_status=d["to_status"],
            changed_on=d["changed_on"],
            reason=d["reason"],
            how_received=d["how_received"],
            closure_reason=d.get("closure_reason", ""),
            contact_level=d.get("contact_level", ""),
        ),
        success="Status changed",
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)

    def save(d: dict[str, Any]) -> None:
        # One transaction: a category that cannot be saved takes the event back out with it.
        with transaction.atomic():
            sentence_event_record(
                actor=request.user,
                sentence=case.sentence,
                kind=d["kind"],
                occurred_on=d["occurred_on"],
                detail=d["detail"],
                location=d["location"],
            )
            if d["security_category"]:
                security_category_record(
                    actor=request.user,
                    offender=case.offender,
                    category=d["security_category"],
                    effective_on=d["occurred_on"],
                )

    return _form_page(
        request,
        case,
        SentenceEventForm(post_data(request)),
        title="Record a sentence event",
        save=save,
        success="Event recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def key_date_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    return _form_page(
        request,
        case,
        KeyDateForm(post_data(request)),
        title="Record a key date",
        intro="The date you record becomes the current one. Earlier values stay in the history.",
        save=lambda d: key_date_record(
            actor=request.user, sentence=case.sentence, kind=d["kind"], on=d["on"], source=d["source"]
        ),
        success="Key date recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    sentence = case.sentence
    if sentence.is_indeterminate or sentence.is_hospital:
        length = "indeterminate: leave the length blank unless the court gave one"
    else:
        length = sentence.term_display or "not recorded"
    return _form_page(
        request,
        case,
        AppealForm(post_data(request)),
        title="Record an appeal",
        intro=f"The length of the sentence is {length}. The old length is kept in the timeline.",
        save=lambda d: sentence_amend_on_appeal(
            actor=request.user,
            sentence=case.sentence,
            decided_on=d["decided_on"],
            years=d["years"],
            months=d["months"],
            days=d["days"],
            detail=d["detail"],
        ),
        success="Appeal recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_review(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    return _form_page(
        request,
        case,
        ReviewForm(post_data(request)),
        title="Resolve the review",
        intro=case.review_reason or "This case is not flagged for review.",
        save=lambda d: services.case_review_resolve(actor=request.user, case=case, note=d["note"]),
        success="Review resolved",
    )


@login_required
@require_POST
def case_approve(request: HttpRequest, pk: int) -> HttpResponse:
    # Look the case up first, so an attempt on another region's case is audited as refused.
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    if request.user.role != Role.MANAGER:
        raise Http404
    try:
        services.case_approve_discretionary(actor=request.user, case=case)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Discretionary offer approved")
    return redirect("victims:case_detail", pk=case.pk)
