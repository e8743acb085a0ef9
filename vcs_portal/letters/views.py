"""Letter pages: the list of letters to deal with, drafting on a case, the letter itself, its PDF,
and the manager's bulk print. Every page starts from a scoped selector: outside scope is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vcs_portal.core.audit import audit_list_view, audit_record
from vcs_portal.core.models import AuditAction, Role
from vcs_portal.core.pages import form_saved, post_data
from victims.selectors import case_get_for_user

from . import rendering, selectors, services
from .forms import FreeTextForm, LetterKindForm, MarkSentForm, StatusFilterForm
from .models import Letter, LetterStatus

PAGE_SIZE = 25


def _url(name: str, letter: Letter) -> str:
    return reverse(name, args=[letter.pk])


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def letter_list(request: HttpRequest) -> HttpResponse:
    filter_form = StatusFilterForm(request.GET)
    status = filter_form.status_value()
    letters = selectors.letters_for_user(user=request.user, status=status)
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filter_form": filter_form,
        "status": status,
        "is_manager": request.user.role == Role.MANAGER,
        "to_print": selectors.letters_for_bulk_print(user=request.user).count()
        if request.user.role == Role.MANAGER
        else 0,
    }
    audit_list_view(
        actor=request.user,
        what="letters",
        object_type="victims.Case",
        ids=[letter.case_id for letter in page],
    )
    return render(request, "letters/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=case_pk)
    form = LetterKindForm(post_data(request), case=case)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        period_key = services.period_key_for(case=case, kind=kind, on=timezone.localdate())
        try:
            letter, created = services.letter_draft(
                case=case, kind=kind, period_key=period_key, actor=request.user
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Letter drafted" if created else "This letter was already drafted")
            return redirect("letters:detail", pk=letter.pk)
    context = {
        "case": case,
        "form": form,
        "title": "Draft a letter",
        "intro": f"The letter will be in {case.victim.get_language_display()}, the victim's language.",
    }
    return render(request, "victims/case_form.html", context)


def _detail_page(
    request: HttpRequest,
    letter: Letter,
    *,
    free_text_form: FreeTextForm | None = None,
    sent_form: MarkSentForm | None = None,
) -> HttpResponse:
    view, problems = services.letter_preview(letter)
    today = timezone.localdate()
    victim = letter.case.victim
    context = {
        "letter": letter,
        "case": letter.case,
        "view": view,
        "preview": rendering.letter_fragment_html(view),
        "problems": problems,
        "approver_problem": services.approver_problem(actor=request.user, letter=letter)
        if letter.status == LetterStatus.DRAFT
        else "",
        "to_guardian": letter.is_editable and victim.is_child(today) and bool(victim.guardian_last_name),
        "free_text_form": free_text_form
        or (
            FreeTextForm(initial={"free_text": letter.free_text}, action=_url("letters:detail", letter))
            if letter.is_editable
            else None
        ),
        "sent_form": sent_form
        or (
            MarkSentForm(action=_url("letters:mark_sent", letter))
            if letter.status == LetterStatus.APPROVED
            else None
        ),
    }
    return render(request, "letters/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_get_for_user(user=request.user, pk=pk)
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=letter)
        return _detail_page(request, letter)
    form = FreeTextForm(request.POST, action=_url("letters:detail", letter))

    def save(data: dict[str, Any]) -> object:
        return services.letter_update_free_text(
            actor=request.user, letter=letter, free_text=data["free_text"]
        )

    if form_saved(request, form, save, "Your paragraph is saved"):
        return redirect("letters:detail", pk=letter.pk)
    return _detail_page(request, letter, free_text_form=form)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_get_for_user(user=request.user, pk=pk)
    try:
        services.letter_approve(actor=request.user, letter=letter)
    except ValidationError as exc:
        messages.error(request, "The letter cannot be approved yet: " + "; ".join(exc.messages))
    else:
        messages.success(request, "Letter approved")
    return redirect("letters:detail", pk=letter.pk)


@login_required
@require_POST
def mark_sent(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_get_for_user(user=request.user, pk=pk)
    form = MarkSentForm(request.POST, action=_url("letters:mark_sent", letter))

    def save(data: dict[str, Any]) -> object:
        return services.letter_mark_sent(
            actor=request.user, letter=letter, sent_via=data["sent_via"], sent_on=data.get("sent_on")
        )

    if form_saved(request, form, save, "Letter marked as sent and logged as a contact"):
        return redirect("letters:detail", pk=letter.pk)
    return _detail_page(request, letter, sent_form=form)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_get_for_user(user=request.user, pk=pk)
    try:
        services.letter_cancel(actor=request.user, letter=letter)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Letter cancelled")
    return redirect("letters:detail", pk=letter.pk)


@login_required
@require_GET
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_get_for_user(user=request.user, pk=pk)
    try:
        content = services.letter_pdf_for_download(actor=request.user, letter=letter)
    except ValidationError as exc:
        raise Http404 from exc
    return _pdf_response(content, f"{letter.case.reference}-{letter.kind}.pdf")


@login_required
@require_GET
def bulk_print(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.MANAGER:
        raise Http404
    letters = list(selectors.letters_for_bulk_print(user=request.user))
    if not letters:
        messages.info(request, "There are no letters approved today to print")
        return redirect("letters:list")
    content, _ = services.letters_bulk_print(actor=request.user, letters=letters)
    return _pdf_response(content, f"letters-{timezone.localdate():%Y-%m-%d}.pdf")
