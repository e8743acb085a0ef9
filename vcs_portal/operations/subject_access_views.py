"""The subject access page: an admin finds a victim by case reference and downloads their data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, Role, User
from victims.selectors import case_find_by_reference

from .subject_access import subject_access_export, subject_access_summary


@login_required
@require_GET
def subject_access(request: HttpRequest) -> HttpResponse:
    """Admins only (anyone else gets 404); the case must be in the admin's region."""

    viewer: User = request.user  # type: ignore[assignment]
    if viewer.role != Role.ADMIN:
        raise Http404
    reference = request.GET.get("reference", "").strip()
    summary, error = None, ""
    if "reference" in request.GET and not reference:
        error = "Enter a case reference"
    elif reference:
        case = case_find_by_reference(user=viewer, reference=reference)
        if case is None:
            error = "There is no case with that reference that you can see"
            # A lookup that finds nothing is audited too: fishing for references leaves a trail.
            audit_record(
                actor=viewer,
                action=AuditAction.SEARCH,
                object_type="victims.Case",
                summary=f"subject access: nothing found for {reference[:40]}",
            )
        elif request.GET.get("format") == "json":
            data = subject_access_export(actor=viewer, victim=case.victim)
            response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
            response["Content-Disposition"] = f'attachment; filename="subject-access-{case.reference}.json"'
            return response
        else:
            summary = subject_access_summary(actor=viewer, victim=case.victim)
            reference = case.reference
    context = {"reference": reference, "error": error, "summary": summary}
    return render(request, "operations/subject_access.html", context)
