"""VLO pages for victims and cases: the caseload, the case page and the forms that change a case.

Every page fetches through ``selectors`` (scoped to the user: anything else is a 404) and every
form calls one service; a service's ``ValidationError`` is shown beside the field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vcs_portal.core.audit import audit_list_view, audit_record
from vcs_portal.core.models import AuditAction, Role
from vcs_portal.core.pages import form_saved, post_data

from . import selectors, services
from .forms import (
    CaseloadFilterForm,
    CaseStatusForm,
    ReviewForm,
    ServiceForm,
)
from .models import TRANSITIONS, Case, CaseStatus

PAGE_SIZE = 25

# Sort keys the caseload accepts (anything else falls back to the default), with their columns.
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "reference": ("Reference", ("reference",)),
    "victim": ("Victim", ("victim__last_name", "victim__first_name")),
    "offender": ("Offender", ("offender__last_name", "offender__first_name")),
    "status": ("Status", ("status",)),
    "due": ("First contact due", ("first_contact_due",)),
}
DEFAULT_SORT = "due"


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
    filter_form = CaseloadFilterForm(request.GET, own_by_default=request.user.role == Role.VLO)
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
    rows = [{"case": case, "state": case.first_contact_state(today)} for case in page]
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
        return redirect("cases:detail", pk=case.pk)
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
    return redirect("cases:detail", pk=case.pk)
