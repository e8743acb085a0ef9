"""The audit page: who looked at this victim, and what did this user look at."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vcs_portal.core.audit import VICTIM_LABEL, audit_record
from vcs_portal.core.models import AccessAlert, AuditAction, AuditEvent, Role, User
from vcs_portal.core.scope import teams_visible_to
from victims.models import Case
from victims.selectors import case_find_by_reference

PAGE_SIZE = 50


def _may_audit(user: User) -> bool:
    return user.role in {Role.MANAGER, Role.ADMIN} or user.has_perm("core.view_auditevent")


def _users_in_scope(viewer: User):
    teams = teams_visible_to(viewer)
    return User.objects.filter(Q(team__in=teams) | Q(managed_teams__in=teams)).distinct()


@login_required
@require_GET
def audit_search(request: HttpRequest) -> HttpResponse:
    """Managers and admins answer both questions for the people and victims in their scope."""

    viewer: User = request.user  # type: ignore[assignment]
    if not _may_audit(viewer):
        raise Http404
    reference = request.GET.get("case", "").strip()
    email = request.GET.get("user", "").strip().lower()
    action = request.GET.get("action", "")
    action = action if action in AuditAction.values else ""
    events = AuditEvent.objects.none()
    subject, error = "", ""
    if reference:
        case = case_find_by_reference(user=viewer, reference=reference)
        if case is None:
            error = "There is no case with that reference that you can see"
        else:
            case_ids = [
                str(pk) for pk in Case.objects.filter(victim_id=case.victim_id).values_list("pk", flat=True)
            ]
            events = AuditEvent.objects.filter(
                Q(object_type=VICTIM_LABEL, object_id=str(case.victim_id))
                | Q(object_type="victims.Case", object_id__in=case_ids)
            )
            subject = f"Who looked at the victim in case {case.reference}"
            audit_record(
                actor=viewer, action=AuditAction.SEARCH, obj=case.victim, summary="audit: who looked"
            )
    elif email:
        person = _users_in_scope(viewer).filter(email__iexact=email).first()
        if person is None:
            error = "There is no user with that email address in your teams"
        else:
            # What they did, and sign-ins to their account refused before anyone was signed in.
            events = AuditEvent.objects.filter(
                Q(actor=person) | Q(actor=None, object_type=User._meta.label, object_id=str(person.pk))
            )
            subject = f"What {person.get_full_name()} looked at and did"
            audit_record(actor=viewer, action=AuditAction.SEARCH, obj=person, summary="audit: what they did")
    elif action:
        # One kind of decision across the people in scope; admins also see sign-ins to no account.
        scope_ids = list(_users_in_scope(viewer).values_list("pk", flat=True))
        if viewer.role == Role.ADMIN:  # and what the admins of the region did in the admin
            scope_ids += User.objects.filter(role=Role.ADMIN, region_id=viewer.region_id).values_list(
                "pk", flat=True
            )
        own = Q(actor_id__in=scope_ids) | Q(
            actor=None, object_type=User._meta.label, object_id__in=[str(pk) for pk in scope_ids]
        )
        if viewer.role == Role.ADMIN:
            own |= Q(actor=None, object_type=User._meta.label, object_id="")
        events = AuditEvent.objects.filter(own)
        subject = f"{AuditAction(action).label}: everyone in your teams"
        audit_record(
            actor=viewer, action=AuditAction.SEARCH, object_type="core.AuditEvent", summary=f"audit: {action}"
        )
    if action:
        events = events.filter(action=action)
    page = Paginator(events.select_related("actor").order_by("-at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    alerts = AccessAlert.objects.filter(user__in=_users_in_scope(viewer)).select_related("user")[:20]
    context = {"page": page, "subject": subject, "error": error, "case": reference, "user_email": email}
    context |= {"action": action, "actions": AuditAction.choices}
    return render(request, "operations/audit.html", {**context, "alerts": alerts})
