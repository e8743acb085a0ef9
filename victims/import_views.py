"""Upload a CSV file of referrals (managers only) and watch its import; see docs/referral-import.md.

The import itself runs in a worker (victims/import_jobs.py): the upload returns at once with a
page that refreshes itself (a meta refresh: no script, under the strict CSP) until the result.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from vcs_portal.core.models import Role

from .import_jobs import import_job_create, import_job_get_for_user
from .importer import REQUIRED_COLUMNS, ImportFileError, max_bytes
from .referral_forms.upload import ImportForm

REFRESH_SECONDS = 2


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Bulk import is a manager's job: it creates cases for the VLOs of their teams."""
    if request.user.role != Role.MANAGER:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, max_bytes=max_bytes())
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                actor=request.user, upload=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("victims:referral_import_job", pk=job.pk)
    context = {"form": form, "required_columns": REQUIRED_COLUMNS}
    return render(request, "victims/import/upload.html", context)


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's progress while it runs, then its result: every error by row and column.

    Only its uploader (a manager) sees a job; anyone else gets a 404, audited as refused.
    """
    job = import_job_get_for_user(user=request.user, pk=pk)
    context = {"job": job, "refresh_seconds": REFRESH_SECONDS if job.running else None}
    return render(request, "victims/import/job.html", context)
