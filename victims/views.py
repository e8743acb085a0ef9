"""VLO pages for victims and cases."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Case


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    cases = Case.objects.visible_to(request.user).open().select_related("victim", "offender")
    return render(request, "victims/caseload.html", {"cases": cases[:50]})
