"""The case search behind the header's search box: one results page, reachable from every page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vcs_portal.core.audit import audit_list_view, audit_record
from vcs_portal.core.models import AuditAction
from victims.selectors import case_search

PAGE_SIZE = 25
MAX_TERM = 100


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    term = " ".join(request.GET.get("q", "").split())[:MAX_TERM]
    context: dict = {"search_term": term, "term": term}
    if term:
        found = case_search(user=request.user, term=term)
        page = found.page(request.GET.get("page"), PAGE_SIZE)
        context.update(
            page=page,
            rows=[{"case": case, "reasons": found.reasons(case)} for case in page],
            page_range=page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        )
        # Audited like the caseload: that a search ran (never the term: it may be a victim's name),
        # then the rows the page listed.
        audit_record(
            actor=request.user, action=AuditAction.SEARCH, object_type="victims.Case", summary="case search"
        )
        audit_list_view(
            actor=request.user, what="case search", object_type="victims.Case", ids=[c.pk for c in page]
        )
    return render(request, "cases/search.html", context)
