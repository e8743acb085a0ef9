"""The one page for one form about one case, shared by every app's case pages.

Here because victims is the lowest app that knows a case; contacts, parole and letters build on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from vcs_portal.core.forms import ServiceForm
from vcs_portal.core.pages import form_saved

from .models import Case

CASE_FORM_TEMPLATE = "victims/case_form.html"


def case_form_page(
    request: HttpRequest,
    *,
    case: Case,
    form: ServiceForm | None,
    title: str,
    save: Callable[[dict[str, Any]], object] | None = None,
    success: str | Callable[[], str] = "",
    intro: str = "",
    done_url: str = "",
    back_url: str = "",
    back_text: str = "",
    template: str = CASE_FORM_TEMPLATE,
    case_tab: str = "",
    **extra: Any,
) -> HttpResponse:
    """Show a one-form page about ``case``; on a valid POST call ``save`` with the cleaned data,
    flash ``success`` and go to ``done_url`` (the case page unless given).

    ``form=None`` shows the page without a form, saying why in ``intro`` or ``warning``. The back
    links go to ``back_url`` (the case page unless given). ``extra`` reaches the template:
    ``rows`` (a summary list of (label, value)), ``inset``, ``warning``, and whatever a template
    extending ``victims/case_form.html`` shows in its ``before_form`` block. ``case_tab`` names
    the case page's tab the work belongs to (``cases:<tab>``): saving and the back links go there.
    """
    if case_tab:
        tab_url = reverse(f"cases:{case_tab}", args=[case.pk])
        done_url, back_url = done_url or tab_url, back_url or tab_url
    if form_saved(request, form, save, success):
        return redirect(done_url) if done_url else redirect("cases:detail", pk=case.pk)
    context = {
        "case": case,
        "form": form,
        "title": title,
        "intro": intro,
        "back_url": back_url,
        "back_text": back_text,
        **extra,
    }
    return render(request, template, context)
