"""VLO pages for victims and cases: the caseload, the case page and the forms that change a case.

Every page fetches through ``selectors`` (scoped to the user: anything else is a 404) and every
form calls one service; a service's ``ValidationError`` is shown beside the field it names.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from vcs_portal.core.audit import audit_list_view, audit_record
from vcs_portal.core.csv import csv_response
from vcs_portal.core.models import AuditAction, Role
from vcs_portal.core.pages import post_data

from . import selectors, services
from .forms import (
    CaseloadFilterForm,
    CaseStatusForm,
    ContextForm,
    DiscretionDecisionForm,
    ReviewForm,
)
from .models import TRANSITIONS, Case, CaseStatus, Standing
from .pages import case_form_page

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


def _with_format_csv(request: HttpRequest) -> str:
    """The list's own query (filters and sort, not the page) with ``format=csv``: its download link."""
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return query.urlencode()


def _sort(sort: str) -> tuple[tuple[str, ...], bool]:
    """A sort's columns, and whether descending."""
    return SORTS[sort.lstrip("-")][1], sort.startswith("-")


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

    def cases() -> QuerySet[Case]:
        found = selectors.caseload(user=request.user, today=today, **filters)
        return found.order_by(*selectors.caseload_ordering(*_sort(sort)))

    if filters["search"]:
        # Never the term itself: it may be a victim's name.
        audit_record(
            actor=request.user,
            action=AuditAction.SEARCH,
            object_type="victims.Case",
            summary="caseload search",
        )
    if request.GET.get("format") == "csv":
        # Every case the filters find, not only this page; the export is audited.
        text = services.caseload_export(actor=request.user, cases=cases().iterator(chunk_size=2000))
        return csv_response(text, filename=f"caseload-{today.isoformat()}.csv")
    if filters["search"]:
        page = selectors.page_of_cases(cases(), number=request.GET.get("page"), per_page=PAGE_SIZE)
    else:
        page = selectors.page_of_caseload(
            user=request.user,
            today=today,
            status=filters["status"],
            deadline=filters["deadline"],
            mine_only=filters["mine_only"],
            sort=_sort(sort),
            number=request.GET.get("page"),
            per_page=PAGE_SIZE,
        )
    rows = [{"case": case, "state": case.first_contact_state(today)} for case in page]
    officers = (
        list(selectors.eligible_case_officers(manager=request.user))
        if request.user.role == Role.MANAGER
        else []
    )
    context = {
        "filter_form": filter_form,
        "page": page,
        "rows": rows,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "headers": _sort_headers(sort),
        "sort": sort,
        "filtered": filter_form.is_filtered(),
        "caption": filter_form.caption(),
        "officers": officers,
        # A manager with officers to hand cases to ticks rows and reassigns them.
        "selectable": bool(officers),
        "csv_query": _with_format_csv(request),
    }
    audit_list_view(
        actor=request.user, what="caseload", object_type="victims.Case", ids=[r["case"].pk for r in rows]
    )
    return render(request, "victims/caseload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    if not TRANSITIONS.get(case.status):
        return case_form_page(
            request,
            case=case,
            form=None,
            title="Change the status",
            intro="This case is closed. A closed case cannot change status.",
        )
    return case_form_page(
        request,
        case=case,
        form=CaseStatusForm(post_data(request), case=case),
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
    return case_form_page(
        request,
        case=case,
        form=ReviewForm(post_data(request)),
        title="Resolve the review",
        intro=case.review_reason or "This case is not flagged for review.",
        save=lambda d: services.case_review_resolve(actor=request.user, case=case, note=d["note"]),
        success="Review resolved",
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_context(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the discretionary context of a case the statutory rules do not cover."""
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    return case_form_page(
        request,
        case=case,
        form=ContextForm(post_data(request), initial={"context": case.discretionary_context or None}),
        title="Record the context of the offence",
        intro="The statutory rules do not cover this case. A victim of domestic abuse, stalking, "
        "harassment or hate crime may be offered the scheme if a manager approves.",
        save=lambda d: services.case_context_record(
            actor=request.user, case=case, context=d["context"], detail=d["detail"]
        ),
        success="Context recorded: the case is waiting for a manager's decision",
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_discretion(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager approves or declines a discretionary offer."""
    # Look the case up first, so an attempt on another region's case is audited as refused.
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    if request.user.role != Role.MANAGER or case.standing != Standing.AWAITING_DECISION:
        raise Http404
    return case_form_page(
        request,
        case=case,
        form=DiscretionDecisionForm(post_data(request)),
        title="Decide on the discretionary offer",
        intro=f"The offence happened in a context of {case.context_text}. Approved, the case is "
        "worked like any other, with no statutory deadline; declined, it is closed and no letter is sent.",
        save=lambda d: services.case_discretion_decide(
            actor=request.user, case=case, approve=d["decision"] == "approve", reason=d["reason"]
        ),
        success="Decision saved",
    )
