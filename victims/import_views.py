"""Upload a CSV file of referrals (managers only); see docs/referral-import.md."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from vcs_portal.core.models import Role

from .importer import REQUIRED_COLUMNS, ImportFileError, import_referrals, max_bytes
from .referral_forms.upload import ImportForm


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Bulk import is a manager's job: it creates cases for the VLOs of their teams."""
    if request.user.role != Role.MANAGER:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, max_bytes=max_bytes())
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = import_referrals(
                file=form.cleaned_data["file"], actor=request.user, dry_run=form.cleaned_data["dry_run"]
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
    context = {"form": form, "result": result, "required_columns": REQUIRED_COLUMNS}
    return render(request, "victims/import/upload.html", context)
