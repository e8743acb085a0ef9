"""Question pages for the victim's choices: each binds a form, calls one service in
``victims.choices`` and goes back to the case page.

The case comes through ``selectors.case_get_for_user`` (a 404 outside the user's scope) and a
service's ``ValidationError`` is shown beside the field it names.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction
from vcs_portal.core.pages import post_data

from . import choices, selectors
from .choice_forms import (
    AddressChangeForm,
    ContactLevelForm,
    OptInForm,
    OptOutForm,
    PreferencesForm,
    RestrictionAddForm,
    RestrictionLiftForm,
    SafetyConcernForm,
)
from .models import TRANSITIONS, Case, CaseStatus, VictimRestriction
from .pages import case_form_page

CLOSED = "This case is closed. Record the victim's choices on an open case."


def _choice_page(request: HttpRequest, *, case: Case, title: str, **page: Any) -> HttpResponse:
    """The case form page, refused on a closed case: choices are recorded on open cases only."""
    if not case.is_open:
        return case_form_page(request, case_tab="contacts", case=case, form=None, title=title, intro=CLOSED)
    return case_form_page(request, case_tab="contacts", case=case, title=title, **page)


@login_required
@require_http_methods(["GET", "POST"])
def address_change(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    # The page shows the current safe address: that is an access to the victim's record.
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case.victim, summary="safe address page")
    form = AddressChangeForm(post_data(request))
    return _choice_page(
        request,
        case=case,
        form=form,
        title="Change the safe address",
        template="victims/choices/address.html",
        current_address=case.victim.current_address,
        save=lambda d: choices.choice_address_change(
            actor=request.user,
            case=case,
            address=form.address(),
            valid_from=d["valid_from"],
            how_received=d["how_received"],
        ),
        success="Safe address changed. The old address is kept and marked “Do not use”",
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case.victim, summary="preferences page")
    return _choice_page(
        request,
        case=case,
        form=PreferencesForm(post_data(request), victim=case.victim),
        title="Change contact preferences",
        save=lambda d: choices.choice_preferences(actor=request.user, case=case, **d),
        success="Contact preferences saved",
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_level(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    return _choice_page(
        request,
        case=case,
        form=ContactLevelForm(post_data(request), case=case),
        title="Change the level of contact",
        save=lambda d: choices.choice_contact_level(actor=request.user, case=case, **d),
        success="Level of contact changed",
    )


@login_required
@require_http_methods(["GET", "POST"])
def opt_in(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    title = "Record an opt in"
    if case.is_open and CaseStatus.OPTED_IN not in TRANSITIONS.get(case.status, set()):
        return case_form_page(
            request,
            case_tab="contacts",
            case=case,
            form=None,
            title=title,
            intro="The victim has already opted in.",
        )
    back_in = case.status == CaseStatus.OPTED_OUT
    return _choice_page(
        request,
        case=case,
        form=OptInForm(post_data(request), case=case),
        title="Record that the victim opted back in" if back_in else title,
        intro=f"The case is {CaseStatus(case.status).label.lower()}.",
        save=lambda d: choices.choice_opt_in(actor=request.user, case=case, **d),
        success="Opt in recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    title = "Record an opt out"
    if case.is_open and CaseStatus.OPTED_OUT not in TRANSITIONS.get(case.status, set()):
        return case_form_page(
            request,
            case_tab="contacts",
            case=case,
            form=None,
            title=title,
            intro=f"Only a victim who has opted in can opt out. The case is "
            f"{CaseStatus(case.status).label.lower()}.",
        )
    return _choice_page(
        request,
        case=case,
        form=OptOutForm(post_data(request)),
        title=title,
        intro="The victim gets no more contact, but the record stays and they can opt back in at any time.",
        save=lambda d: choices.choice_opt_out(actor=request.user, case=case, **d),
        success="Opt out recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def restriction_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    active = list(case.victim.restrictions.filter(lifted_at__isnull=True))
    return _choice_page(
        request,
        case=case,
        form=RestrictionAddForm(post_data(request), active=active),
        title="Add a restriction",
        intro="A restriction stays in place until someone lifts it, saying why. A note never changes it.",
        save=lambda d: choices.restriction_add(actor=request.user, case=case, **d),
        success="Restriction added",
    )


@login_required
@require_http_methods(["GET", "POST"])
def restriction_lift(request: HttpRequest, pk: int, restriction_pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    restriction = get_object_or_404(
        VictimRestriction.objects.select_related("added_by", "lifted_by"),
        pk=restriction_pk,
        victim_id=case.victim_id,
    )
    title = f"Lift the restriction: {restriction.get_kind_display()}"
    if case.is_open and not restriction.is_active:
        return case_form_page(
            request,
            case_tab="contacts",
            case=case,
            form=None,
            title=title,
            intro=f"This restriction was lifted on {timezone.localtime(restriction.lifted_at):%-d %B %Y}.",
        )
    return _choice_page(
        request,
        case=case,
        form=RestrictionLiftForm(post_data(request)),
        title=title,
        template="victims/choices/restriction_lift.html",
        restriction=restriction,
        save=lambda d: choices.restriction_lift(
            actor=request.user, case=case, restriction=restriction, reason=d["reason"]
        ),
        success="Restriction lifted",
    )


@login_required
@require_http_methods(["GET", "POST"])
def safety_concern_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    return _choice_page(
        request,
        case=case,
        form=SafetyConcernForm(post_data(request)),
        title="Record a safety concern",
        intro="A concern the victim raised about the offender or their own safety.",
        save=lambda d: choices.safety_concern_record(actor=request.user, case=case, **d),
        success="Safety concern recorded",
    )
