"""Pages for contact work: the contact log, My tasks, tasks on a case and referrals out.

Every page fetches through a scoped selector (anything out of scope is a 404) and every form
calls one service; a service's ``ValidationError`` is shown beside the field it names.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from offenders.services import security_category_record
from vcs_portal.core.audit import audit_list_view, audit_record
from vcs_portal.core.csv import csv_response
from vcs_portal.core.models import AuditAction, Role
from vcs_portal.core.pages import post_data
from victims.forms import AppealForm, KeyDateForm, SentenceEventForm
from victims.pages import case_form_page
from victims.selectors import case_get_for_user

from . import selectors, services
from .forms import (
    CaseReassignForm,
    ContactForm,
    ReferralOutcomeForm,
    ReferralOutForm,
    TaskCompleteForm,
    TaskFilterForm,
    TaskForm,
    TaskReassignForm,
)
from .models import TaskStatus

TASKS_PAGE_SIZE = 50


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go back to: a ``next`` path on this site, else ``default``."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- the contact log --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    form = ContactForm(post_data(request))
    return case_form_page(
        request,
        case=case,
        form=form,
        title="Log a contact",
        save=lambda _: services.contact_record(actor=request.user, case=case, **form.service_kwargs()),
        success="Contact logged",
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_correct(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(user=request.user, pk=pk)
    in_place = services.contact_edits_in_place(contact=contact, user=request.user)
    form = ContactForm(post_data(request), initial=ContactForm.initial_for(contact), button="Save correction")
    on = timezone.localtime(contact.occurred_at)
    if in_place:
        hint = "You logged this contact today, so your changes will replace it."
    else:
        hint = (
            f"Your correction will be added to the timeline as a new entry. The entry of "
            f"{on:%-d %B %Y} stays as it was."
        )
    return case_form_page(
        request,
        case=contact.case,
        form=form,
        title="Correct a contact",
        save=lambda _: services.contact_correct(actor=request.user, contact=contact, **form.service_kwargs()),
        success="Contact corrected" if in_place else "Correction added",
        inset=hint,
        rows=[
            ("Contact", selectors.contact_title(contact)),
            ("When", f"{on:%-d %B %Y}" + (f" at {on:%H:%M}" if selectors.contact_time(contact) else "")),
            ("Logged by", str(contact.author)),
        ],
    )


@login_required
@require_GET
def case_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    contacts = [
        {"contact": c, "title": selectors.contact_title(c), "time": selectors.contact_time(c)}
        for c in selectors.case_contacts(case=case)
    ]
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case, summary="all contacts")
    return render(request, "contacts/case_contacts.html", {"case": case, "contacts": contacts})


# --- tasks --------------------------------------------------------------------------


@login_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    team_view = request.GET.get("view") == "team" and request.user.role == Role.MANAGER
    filter_form = TaskFilterForm(request.GET)
    filters = filter_form.filters()
    tasks = selectors.my_tasks(user=request.user, today=today, team=team_view, **filters)
    title = "Team tasks" if team_view else "My tasks"
    if request.GET.get("format") == "csv":
        # Every task the filters find, not only this page; the export is audited.
        rows = tasks.iterator(chunk_size=2000)
        text = services.tasks_export(actor=request.user, tasks=rows, what=title, today=today)
        name = "team-tasks" if team_view else "my-tasks"
        return csv_response(text, filename=f"{name}-{today.isoformat()}.csv")
    is_manager = request.user.role == Role.MANAGER
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    page = Paginator(tasks, TASKS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [{"task": t, "overdue": t.due_on < today} for t in page],
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "filter_form": filter_form,
        "filtered": filters["overdue_only"] or bool(filters["kind"]),
        "team_view": team_view,
        "is_manager": is_manager,
        "title": title,
        "csv_query": query.urlencode(),
        # Whom a manager may give the ticked tasks to (tasks_reassign_bulk does it).
        "officers": list(selectors.eligible_case_officers(manager=request.user)) if is_manager else [],
    }
    audit_list_view(
        actor=request.user, what=context["title"], object_type="victims.Case", ids=[t.case_id for t in page]
    )
    return render(request, "contacts/my_tasks.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    people = list(selectors.eligible_task_owners(case=case))
    form = TaskForm(
        post_data(request),
        people=people,
        hints={case.officer_id: "Officer for this case"},
        initial={"owner": str(case.officer_id)},
    )

    def save(d: dict[str, Any]) -> object:
        return services.task_create_manual(
            actor=request.user,
            case=case,
            title=d["title"],
            due_on=d["due_on"],
            priority=d["priority"],
            owner=d["owner"],
            detail=d["detail"],
        )

    return case_form_page(request, case=case, form=form, title="Add a task", save=save, success="Task added")


def _task_rows(task: Any) -> list[tuple[str, str]]:
    rows = [
        ("Task", task.title),
        ("Due", f"{task.due_on:%-d %B %Y}"),
        ("Assigned to", str(task.owner)),
    ]
    if task.detail:
        rows.append(("Details", task.detail))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get_for_user(user=request.user, pk=pk)
    back = _next_url(request, reverse("contacts:my_tasks"))
    is_open = task.status == TaskStatus.OPEN
    form = TaskCompleteForm(post_data(request)) if is_open else None
    return case_form_page(
        request,
        case=task.case,
        form=form,
        title="Complete a task",
        save=lambda d: services.task_complete(actor=request.user, task=task, outcome=d["outcome"]),
        success="Task done",
        done_url=back,
        back_url=back,
        back_text="Back",
        rows=_task_rows(task),
        intro="" if is_open else f"This task is already {task.get_status_display().lower()}.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get_for_user(user=request.user, pk=pk)
    back = _next_url(request, reverse("contacts:my_tasks"))
    people = [p for p in selectors.eligible_task_owners(case=task.case) if p.pk != task.owner_id]
    is_open = task.status == TaskStatus.OPEN
    form = TaskReassignForm(
        post_data(request), people=people, hints={task.case.officer_id: "Officer for this case"}
    )
    return case_form_page(
        request,
        case=task.case,
        form=form if is_open and people else None,
        title="Reassign a task",
        save=lambda d: services.task_reassign(actor=request.user, task=task, owner=d["owner"]),
        success=lambda: f"Task reassigned to {form.cleaned_data['owner']}",
        done_url=back,
        back_url=back,
        back_text="Back",
        rows=_task_rows(task),
        intro=(
            ""
            if is_open and people
            else "Nobody else in the case's team can take this task."
            if is_open
            else f"This task is already {task.get_status_display().lower()}."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    # Look the case up first, so an attempt on another region's case is audited as refused.
    case = case_get_for_user(user=request.user, pk=pk)
    if request.user.role != Role.MANAGER:
        raise Http404
    people = [p for p in selectors.eligible_case_officers(manager=request.user) if p.pk != case.officer_id]
    form = CaseReassignForm(post_data(request), people=people, hints={p.pk: p.team.name for p in people})
    intro = (
        f"The case is held by {case.officer} ({case.team.name}). Its open tasks move with it, "
        "and it joins the new officer's team."
    )
    if not people:
        intro += " There is no other VLO in the teams you manage."
    return case_form_page(
        request,
        case=case,
        form=form if people else None,
        title="Reassign the case",
        save=lambda d: services.case_reassign(actor=request.user, case=case, officer=d["officer"]),
        success=lambda: f"Case reassigned to {form.cleaned_data['officer']}",
        intro=intro,
    )


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def _bulk_reassign(request: HttpRequest, *, what: str, field: str, default: str, do: Any) -> HttpResponse:
    """The one step of a bulk reassignment: the ticked rows and the chosen VLO, all or nothing."""
    if request.user.role != Role.MANAGER:
        raise Http404
    back = _next_url(request, default)
    ids = _ids(request.POST.getlist(what))
    chosen = _ids([request.POST.get(field, "")])
    officers = selectors.eligible_case_officers(manager=request.user)
    person = officers.filter(pk=chosen[0]).first() if chosen else None
    if not ids:
        messages.error(request, f"Select at least one {what} to reassign")
    elif person is None:
        messages.error(request, "Choose a VLO in a team you manage")
    else:
        try:
            moved = do(ids, person)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done = f"{moved} {what}{pluralize(moved)} reassigned to {person.get_full_name()}"
            messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def cases_reassign_bulk(request: HttpRequest) -> HttpResponse:
    """The caseload's form: several cases to one VLO of the manager's teams (services.cases_reassign)."""
    return _bulk_reassign(
        request,
        what="case",
        field="officer",
        default=reverse("victims:caseload"),
        do=lambda ids, person: services.cases_reassign(actor=request.user, case_ids=ids, officer=person),
    )


@login_required
@require_POST
def tasks_reassign_bulk(request: HttpRequest) -> HttpResponse:
    """My tasks' form: several tasks to one VLO of the manager's teams (services.tasks_reassign)."""
    return _bulk_reassign(
        request,
        what="task",
        field="owner",
        default=reverse("contacts:my_tasks"),
        do=lambda ids, person: services.tasks_reassign(actor=request.user, task_ids=ids, owner=person),
    )


# --- referrals out ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def referral_out_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    form = ReferralOutForm(post_data(request))
    return case_form_page(
        request,
        case=case,
        form=form,
        title="Refer to another service",
        save=lambda d: services.referral_out_record(actor=request.user, case=case, **d),
        success="Referral recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_out_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_out_get_for_user(user=request.user, pk=pk)
    form = ReferralOutcomeForm(
        post_data(request), initial={"outcome": referral.outcome, "outcome_on": referral.outcome_on}
    )
    return case_form_page(
        request,
        case=referral.case,
        form=form,
        title="Record the outcome of a referral",
        save=lambda d: services.referral_out_outcome(actor=request.user, referral=referral, **d),
        success="Referral outcome recorded",
        rows=[
            (
                "Service",
                referral.get_service_display()
                + (f" ({referral.service_name})" if referral.service_name else ""),
            ),
            ("Referred", f"{referral.referred_on:%-d %B %Y}"),
        ],
    )


# --- facts about the sentence, with the alerts and reviews that follow ------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)

    def save(d: dict[str, Any]) -> None:
        # One transaction: a category that cannot be saved takes the event back out with it.
        with transaction.atomic():
            services.sentence_event_add(
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

    form = SentenceEventForm(post_data(request))
    return case_form_page(
        request,
        case=case,
        form=form,
        title="Record a sentence event",
        save=save,
        success="Event recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def key_date_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    form = KeyDateForm(post_data(request))

    def save(d: dict[str, Any]) -> object:
        return services.key_date_add(
            actor=request.user, sentence=case.sentence, kind=d["kind"], on=d["on"], source=d["source"]
        )

    return case_form_page(
        request,
        case=case,
        form=form,
        title="Record a key date",
        intro="The date you record becomes the current one. Earlier values stay in the history.",
        save=save,
        success="Key date recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    sentence = case.sentence
    if sentence.is_indeterminate or sentence.is_hospital:
        length = "indeterminate: leave the length blank unless the court gave one"
    else:
        length = sentence.term_display or "not recorded"
    form = AppealForm(post_data(request))

    def save(d: dict[str, Any]) -> object:
        return services.appeal_record(
            actor=request.user,
            sentence=case.sentence,
            decided_on=d["decided_on"],
            years=d["years"],
            months=d["months"],
            days=d["days"],
            detail=d["detail"],
        )

    return case_form_page(
        request,
        case=case,
        form=form,
        title="Record an appeal",
        intro=f"The length of the sentence is {length}. The old length is kept in the timeline.",
        save=save,
        success="Appeal recorded",
    )
