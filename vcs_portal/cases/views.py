"""The case page and the case's whole history: what a VLO reads about one case.

The case belongs to the victims app, but its page gathers what every app records about it
(contacts, tasks, parole, letters), so it lives above them all. Each page fetches the case
through ``case_get_for_user`` (anything out of scope is a 404) and is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from offenders.eligibility import RULE_LABELS, assess, latest_assessment
from offenders.models import Eligibility, KeyDate
from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, Role
from vcs_portal.letters.selectors import case_letters
from victims import deadlines
from victims.models import TRANSITIONS, Case, CaseStatus, Standing
from victims.selectors import case_get_for_user, case_key_dates, latest_key_dates

from .selectors import case_timeline

# The case page shows the newest timeline entries; the rest are on the case history page, so the
# page stays quick to render and to read however long the case has run.
TIMELINE_ON_CASE_PAGE = 20
HISTORY_PAGE_SIZE = 50
# The newest letters the overview lists; the Letters tab lists them all.
LETTERS_ON_OVERVIEW = 3
# The newest contacts the Contacts tab lists; the rest are on the contacts page.
CONTACTS_ON_TAB = 25

# The case page's tabs (MoJ sub navigation), each its own URL: (key, label, URL name).
TABS = (
    ("overview", "Overview", "cases:detail"),
    ("contacts", "Contacts", "cases:contacts"),
    ("letters", "Letters", "cases:letters"),
    ("parole", "Parole and tribunals", "cases:parole"),
    ("tasks", "Tasks", "cases:tasks"),
    ("history", "History", "cases:history"),
)


@dataclass(frozen=True)
class NextAction:
    text: str
    url: str = ""
    urgent: bool = False


def next_actions(case: Case, today: date, *, manager: bool = False) -> list[NextAction]:
    """What the VLO should do next on this case, most pressing first.

    A case outside the statutory scheme is not offered until a manager approves: a not-eligible
    case asks to be closed or given a context, a case with a context waits for the decision.
    """
    if not case.is_open:
        return []
    actions = []
    if case.needs_review:
        actions.append(
            NextAction("Review eligibility", reverse("victims:case_review", args=[case.pk]), urgent=True)
        )
    standing = case.standing
    if standing == Standing.NOT_ELIGIBLE:
        return [
            NextAction("Close the case: it is not eligible", reverse("victims:case_status", args=[case.pk])),
            NextAction(
                "Or record the context, if the offence happened in a context of domestic abuse, stalking, "
                "harassment or hate crime",
                reverse("victims:case_context", args=[case.pk]),
            ),
        ]
    if standing == Standing.AWAITING_DECISION:
        if manager:
            return [
                NextAction(
                    "Decide on the discretionary offer",
                    reverse("victims:case_discretion", args=[case.pk]),
                    urgent=True,
                )
            ]
        return [NextAction("Wait for a manager's decision on the discretionary offer")]
    if standing == Standing.NEEDS_REVIEW:
        return actions  # not yet known to be eligible: nothing is offered until the review
    if case.first_contact_on is None and case.first_contact_due:
        state = case.first_contact_state(today)
        actions.append(
            NextAction(
                f"Make first contact by {case.first_contact_due:%-d %B %Y}",
                reverse("contacts:contact_new", args=[case.pk]),
                urgent=state in {deadlines.STATE_OVERDUE, deadlines.STATE_DUE_SOON},
            )
        )
    if case.status == CaseStatus.REFERRED:
        actions.append(NextAction("Send the offer letter", reverse("letters:case_new", args=[case.pk])))
    if case.status == CaseStatus.NO_RESPONSE:
        actions.append(
            NextAction("Try another way to reach the victim", reverse("contacts:contact_new", args=[case.pk]))
        )
    return actions


@dataclass(frozen=True)
class EligibilityView:
    outcome: str
    rule: str
    reasons: list[str]
    assessed_on: date | None


def eligibility_for(case: Case) -> EligibilityView:
    """The case's own eligibility: its sentence's, weighed with its victim and recorded context.

    The stored assessment of the sentence stands for a statutory outcome (a context changes
    nothing there), and its date is shown while the case's own outcome agrees with it. Otherwise
    the rules run again with this case's victim's date of birth and discretionary context, so the
    section says what the case's header says (``Case.standing``).
    """
    stored = latest_assessment(sentence_id=case.sentence_id)
    if stored is not None and stored.outcome == Eligibility.STATUTORY:
        rule = RULE_LABELS.get(stored.rule, stored.rule)
        return EligibilityView(stored.outcome, rule, list(stored.reasons), stored.assessed_on)
    # An approval made before contexts were recorded stands on the offence flags, as it did then.
    context = None if case.standing == Standing.APPROVED and not case.context_text else case.context_text
    fresh = assess(case.sentence, victim_born_on=case.victim.date_of_birth, context=context)
    same = stored is not None and (stored.outcome, stored.rule) == (fresh.outcome, fresh.rule)
    return EligibilityView(
        fresh.outcome,
        RULE_LABELS.get(fresh.rule, fresh.rule),
        list(fresh.reasons),
        stored.assessed_on if same and stored else None,
    )


def key_date_rows(case: Case) -> list[dict[str, Any]]:
    """The current date of each kind, with the values it replaced, newest first."""
    every = case_key_dates(case=case)
    current = latest_key_dates(every)
    shown = {k.pk for k in current}
    older: dict[str, list[KeyDate]] = {}
    for key_date in every:
        if key_date.pk not in shown:
            older.setdefault(key_date.kind, []).append(key_date)
    return [{"current": k, "history": older.get(k.kind, [])} for k in current]


def deadline_rows(case: Case, today: date) -> list[dict[str, Any]]:
    rows = [
        ("Referral due", case.referral_due, case.referral_rule, case.referral_received_on),
        ("First contact due", case.first_contact_due, case.first_contact_rule, case.first_contact_on),
        ("Escalation due", case.escalation_due, case.escalation_rule, case.first_contact_on),
    ]
    result = []
    for label, due, rule, met_on in rows:
        if not case.is_open and met_on is None:
            state = deadlines.STATE_NONE
        else:
            state = deadlines.deadline_state(due, met_on, today, statutory=case.statutory)
        result.append({"label": label, "due": due, "rule": rule, "state": state})
    return result


def next_deadline(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The soonest deadline still to meet (overdue ones first), for the identity bar."""
    pending = [
        r
        for r in rows
        if r["due"]
        and r["state"] in {deadlines.STATE_OVERDUE, deadlines.STATE_DUE_SOON, deadlines.STATE_ON_TRACK}
    ]
    return min(pending, key=lambda r: r["due"]) if pending else None


def case_header(request: HttpRequest, case: Case, tab: str, today: date) -> dict[str, Any]:
    """What every tab shows above its content: the identity bar, the primary actions, the tabs."""
    rows = deadline_rows(case, today)
    return {
        "case": case,
        "victim": case.victim,
        "offender": case.offender,
        "standing": case.standing,
        "deadlines": rows,
        "next_deadline": next_deadline(rows),
        "tab": tab,
        "tab_label": next(label for key, label, _ in TABS if key == tab),
        "tabs": [
            {"key": key, "label": label, "url": reverse(name, args=[case.pk]), "current": key == tab}
            for key, label, name in TABS
        ],
        "is_manager": request.user.role == Role.MANAGER,
    }


def _tab(request: HttpRequest, pk: int, tab: str) -> tuple[Case, dict[str, Any]]:
    """A tab's case (a 404 outside the user's scope), its view audited, and the header's context."""
    case = case_get_for_user(user=request.user, pk=pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case, summary=f"case {tab}")
    return case, case_header(request, case, tab, timezone.localdate())


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case.victim)
    today = timezone.localdate()
    addresses = list(case.victim.addresses.all())
    eligibility = eligibility_for(case)
    # One more than shown, so the page knows whether there is more history to link to.
    timeline = case_timeline(case=case, newest=TIMELINE_ON_CASE_PAGE + 1)
    context = {
        **case_header(request, case, "overview", today),
        "sentence": case.sentence,
        "addressee": case.victim.addressee_name(today),
        "addressee_is_guardian": case.victim.is_child(today) and bool(case.victim.guardian_last_name),
        "current_address": next((a for a in addresses if a.is_current), None),
        "former_addresses": [a for a in addresses if not a.is_current],
        "security_category": case.offender.security_category,
        "key_dates": key_date_rows(case),
        "eligibility": eligibility,
        "next_actions": next_actions(case, today, manager=request.user.role == Role.MANAGER),
        "timeline": timeline[:TIMELINE_ON_CASE_PAGE],
        "timeline_more": len(timeline) > TIMELINE_ON_CASE_PAGE,
        "can_change_status": bool(TRANSITIONS.get(case.status)),
        "letters": case_letters(case=case, limit=LETTERS_ON_OVERVIEW + 1),
        # A manager decides on an offer the statutory rules do not require (DOMAIN.md section 2).
        "can_decide": request.user.role == Role.MANAGER and case.awaiting_decision,
        # Also a statutory case flagged because the rules no longer cover it (the eligibility sweep).
        "can_record_context": case.is_open
        and not case.discretionary_decision
        and (
            case.standing in {Standing.NOT_ELIGIBLE, Standing.NEEDS_REVIEW, Standing.AWAITING_DECISION}
            or (case.needs_review and eligibility.outcome != Eligibility.STATUTORY)
        ),
    }
    context["letters_more"] = len(context["letters"]) > LETTERS_ON_OVERVIEW
    context["letters"] = context["letters"][:LETTERS_ON_OVERVIEW]
    return render(request, "cases/case_detail.html", context)


@login_required
@require_GET
def case_contacts_tab(request: HttpRequest, pk: int) -> HttpResponse:
    """The contact log's newest entries, referrals out, the victim's choices and how to reach them."""
    case, context = _tab(request, pk, "contacts")
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case.victim, summary="case contacts")
    context["contacts_limit"] = CONTACTS_ON_TAB
    return render(request, "cases/case_contacts.html", context)


@login_required
@require_GET
def case_letters_tab(request: HttpRequest, pk: int) -> HttpResponse:
    case, context = _tab(request, pk, "letters")
    context["letters"] = case_letters(case=case)
    return render(request, "cases/case_letters.html", context)


@login_required
@require_GET
def case_parole_tab(request: HttpRequest, pk: int) -> HttpResponse:
    _, context = _tab(request, pk, "parole")
    return render(request, "cases/case_parole.html", context)


@login_required
@require_GET
def case_tasks_tab(request: HttpRequest, pk: int) -> HttpResponse:
    _, context = _tab(request, pk, "tasks")
    return render(request, "cases/case_tasks.html", context)


@login_required
@require_GET
def case_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's whole timeline, newest first, a page at a time."""
    case = case_get_for_user(user=request.user, pk=pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case, summary="case history")
    page = Paginator(case_timeline(case=case), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **case_header(request, case, "history", timezone.localdate()),
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
    }
    return render(request, "cases/case_history.html", context)
