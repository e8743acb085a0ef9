"""Record a referral: GOV.UK question pages, then "Check your answers", then one write.

The answers live in the session (``victims.referrals.ReferralState``); nothing is saved until
"Create case". Steps are shown in ``STEP_ORDER``; a step that does not apply (the officer
question for a VLO, a duplicate page with no match) is skipped, and asking for a step before
the earlier ones are answered redirects to the first unanswered one.

Who may record: VLOs (the case is theirs) and managers, who choose a VLO from the teams they
manage on an extra first page. Admins, who hold no cases, get a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from offenders.models import Offender, Sentence
from vcs_portal.core.models import Role
from vcs_portal.core.pages import govuk_date

from .deadlines import first_contact_due
from .models import Victim
from .referral_forms.offender import (
    ExistingSentenceForm,
    OffenderForm,
    OffenderMatchForm,
    SentenceForm,
    offender_hint,
)
from .referral_forms.steps import NEW, OfficerForm, StepForm
from .referral_forms.victim import VictimForm, VictimMatchForm, victim_hint
from .referrals import (
    PNC_ELSEWHERE_MESSAGE,
    ReferralAnswers,
    ReferralError,
    ReferralState,
    audit_duplicate_check,
    may_record_referrals,
    offender_duplicates,
    referral_create,
    sentences_of,
    victim_duplicates,
)

STEP_ORDER = [
    "officer",
    "offender",
    "offender-duplicate",
    "existing-sentence",
    "sentence",
    "victim",
    "victim-duplicate",
    "check",
]


@dataclass(frozen=True)
class StepPage:
    title: str
    answer_key: str  # where the step's answers are kept in the state
    template: str = "victims/referral/question.html"
    heading_in_form: bool = False  # the question's label or legend is the page's h1


PAGES = {
    "officer": StepPage("Which VLO will hold the case?", "officer", heading_in_form=True),
    "offender": StepPage("Offender details", "offender"),
    "offender-duplicate": StepPage(
        "This offender may already be recorded", "offender_choice", "victims/referral/offender_duplicate.html"
    ),
    "existing-sentence": StepPage(
        "Which sentence is this referral about?", "sentence_choice", heading_in_form=True
    ),
    "sentence": StepPage("Sentence details", "sentence"),
    "victim": StepPage("Victim details", "victim"),
    "victim-duplicate": StepPage(
        "This victim may already be recorded", "victim_choice", "victims/referral/victim_duplicate.html"
    ),
    "check": StepPage("Check your answers before creating the case", "", "victims/referral/check.html"),
}


def recorder_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in as a VLO or a manager; anyone else is told the page does not exist."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_record_referrals(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


# --- which steps apply, and which is next ---------------------------------------------


def _chosen(state: ReferralState, key: str) -> int | None:
    value = (state.get(key) or {}).get(key.removesuffix("_choice"), NEW)
    return int(value) if value != NEW else None


def _applies(slug: str, request: HttpRequest, state: ReferralState) -> bool:
    return {
        "officer": request.user.role == Role.MANAGER,
        "offender-duplicate": bool(state.get("offender_matches")),
        "existing-sentence": bool(state.get("sentence_options")),
        "sentence": _chosen(state, "sentence_choice") is None,
        "victim-duplicate": bool(state.get("victim_matches")),
    }.get(slug, True)


def _flow(request: HttpRequest, state: ReferralState) -> list[str]:
    return [slug for slug in STEP_ORDER if _applies(slug, request, state)]


def _first_unanswered(flow: list[str], state: ReferralState) -> str:
    return next(slug for slug in flow if slug == "check" or PAGES[slug].answer_key not in state)


def _step_url(slug: str) -> str:
    return reverse("victims:referral_step", args=[slug])


# --- each step's form, and what happens after it is answered ------------------------------


def _form(slug: str, request: HttpRequest, state: ReferralState, data: Any = None) -> StepForm:
    user = request.user
    if slug == "officer":
        return OfficerForm(data, user=user)
    if slug == "offender":
        return OffenderForm(data)
    if slug == "offender-duplicate":
        pks = state.get("offender_matches") or []
        found = {o.pk: o for o in Offender.objects.visible_to(user).filter(pk__in=pks).select_related("team")}
        pnc_match = found.get(state.get("offender_pnc_match"))
        return OffenderMatchForm(data, matches=[found[pk] for pk in pks if pk in found], pnc_match=pnc_match)
    if slug == "existing-sentence":
        offender = _reused_offender(request, state)
        sentences = (
            [s for s in sentences_of(offender) if s.pk in state.get("sentence_options")] if offender else []
        )
        return ExistingSentenceForm(data, sentences=sentences)
    if slug == "sentence":
        return SentenceForm(data)
    if slug == "victim":
        return VictimForm(data)
    if slug == "victim-duplicate":
        pks = state.get("victim_matches") or []
        found = {
            v.pk: v for v in Victim.objects.visible_to(user).filter(pk__in=pks).prefetch_related("addresses")
        }
        return VictimMatchForm(
            data, matches=[found[pk] for pk in pks if pk in found], sentence=_reused_sentence(state)
        )
    raise Http404


def _reused_offender(request: HttpRequest, state: ReferralState) -> Offender | None:
    pk = _chosen(state, "offender_choice")
    return (
        Offender.objects.visible_to(request.user).select_related("team").filter(pk=pk).first() if pk else None
    )


def _reused_sentence(state: ReferralState) -> Sentence | None:
    pk = _chosen(state, "sentence_choice")
    return Sentence.objects.filter(pk=pk).first() if pk else None


def _answered(slug: str, request: HttpRequest, state: ReferralState, form: StepForm) -> bool:
    """Run what follows an answer (duplicate checks); False if the form now has an error to show."""
    user = request.user
    if slug == "offender":
        data = form.cleaned_data
        found = offender_duplicates(
            user=user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            pnc_number=data["pnc_number"],
        )
        audit_duplicate_check(user=user, object_type="offenders.Offender")
        if found.pnc_elsewhere:
            form.add_error("pnc_number", PNC_ELSEWHERE_MESSAGE)
            return False
        # New answers: the earlier match, and any sentence chosen from it, no longer hold.
        state.discard(
            "offender_matches", "offender_pnc_match", "offender_choice", "sentence_options", "sentence_choice"
        )
        if found.visible:
            state.set("offender_matches", [o.pk for o in found.visible])
            state.set("offender_pnc_match", found.pnc_match.pk if found.pnc_match else None)
    elif slug == "offender-duplicate":
        state.discard("sentence_options", "sentence_choice")
        offender = (
            Offender.objects.get(pk=form.cleaned_data["offender"])
            if form.cleaned_data["offender"] != NEW
            else None
        )
        options = [s.pk for s in sentences_of(offender)] if offender else []
        if options:
            state.set("sentence_options", options)
    elif slug == "victim":
        state.discard("victim_matches", "victim_choice")
        data = form.cleaned_data
        matches = victim_duplicates(
            user=user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
        )
        audit_duplicate_check(user=user, object_type="victims.Victim")
        if matches:
            state.set("victim_matches", [v.pk for v in matches])
    return True


# --- views ---------------------------------------------------------------------------


@recorder_required
def start(request: HttpRequest) -> HttpResponse:
    """Begin a new referral, forgetting any answers left from an earlier one."""
    state = ReferralState(request.session)
    state.reset()
    return redirect(_step_url(_first_unanswered(_flow(request, state), state)))


@recorder_required
def step(request: HttpRequest, step: str) -> HttpResponse:
    """One question page (or "Check your answers"), by slug; unanswered earlier steps come first."""
    if step not in PAGES:
        raise Http404
    state = ReferralState(request.session)
    flow = _flow(request, state)
    first = _first_unanswered(flow, state)
    if step not in flow or flow.index(step) > flow.index(first):
        return redirect(_step_url(first))
    if step == "check":
        return _check_answers(request, state, flow)
    page = PAGES[step]
    if request.method == "POST":
        form = _form(step, request, state, request.POST)
        if form.is_valid() and _answered(step, request, state, form):
            state.set(page.answer_key, _raw(request.POST))
            return redirect(_step_url(_first_unanswered(_flow(request, state), state)))
    else:
        stored = state.get(page.answer_key)
        form = _form(step, request, state, stored)
        if stored is not None:
            _show_errors(form, state.pop_errors(step))
    return _render(request, step, form, flow)


def _check_answers(request: HttpRequest, state: ReferralState, flow: list[str]) -> HttpResponse:
    """Show every answer with a Change link; on POST create the case in one transaction."""
    answers, sections, broken = _collect(request, state, flow)
    if broken:
        return redirect(_step_url(broken))
    errors: list[str] = []
    if request.method == "POST":
        try:
            case = referral_create(actor=request.user, answers=answers)
        except ReferralError as error:
            if error.step and error.step in flow:
                state.set_errors(error.step, error.errors)
                return redirect(_step_url(error.step))
            errors = [message for messages_ in error.errors.values() for message in messages_]
        else:
            state.reset()
            due = govuk_date(case.first_contact_due)
            messages.success(request, f"Case {case.reference} created. First contact is due by {due}.")
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        PAGES["check"].template,
        {
            "title": PAGES["check"].title,
            "sections": sections,
            "errors": errors,
            "back_url": _back_url("check", flow),
        },
    )


# --- helpers ---------------------------------------------------------------------------


def _raw(post: Any) -> dict[str, str]:
    return {key: value for key, value in post.items() if key not in {"csrfmiddlewaretoken", "submit"}}


def _show_errors(form: StepForm, errors: dict[str, list[str]]) -> None:
    """Put a service's messages (kept in the state by the check page) beside their fields."""
    for name, field_messages in errors.items():
        for message in field_messages:
            form.add_error(name if name in form.fields else None, message)


def _back_url(slug: str, flow: list[str]) -> str:
    index = flow.index(slug)
    return _step_url(flow[index - 1]) if index else reverse("victims:caseload")


def _render(request: HttpRequest, slug: str, form: StepForm, flow: list[str]) -> HttpResponse:
    page = PAGES[slug]
    context = {
        "title": page.title,
        "form": form,
        "heading_in_form": page.heading_in_form,
        "back_url": _back_url(slug, flow),
        "offender_url": _step_url("offender"),
    }
    if slug == "offender-duplicate":
        context["pnc_match"] = getattr(form, "pnc_match", None)
    return render(request, page.template, context)


def _row(key: str, lines: list[str], slug: str, field: str = "") -> dict[str, Any]:
    return {"key": key, "lines": [line for line in lines if line], "url": _step_url(slug), "field": field}


def _collect(
    request: HttpRequest, state: ReferralState, flow: list[str]
) -> tuple[ReferralAnswers | None, list[dict[str, Any]], str]:
    """Rebuild every answered form; return the answers, the summary sections, or the step to fix."""
    forms: dict[str, StepForm] = {}
    for slug in flow:
        if slug == "check":
            continue
        form = _form(slug, request, state, state.get(PAGES[slug].answer_key))
        if not form.is_valid():
            return None, [], slug
        forms[slug] = form
    sections: list[dict[str, Any]] = []

    def from_form(slug: str) -> list[dict[str, Any]]:
        return [_row(r["key"], r["lines"], slug, r["field"]) for r in forms[slug].summary()]

    officer = request.user
    if "officer" in forms:
        officer = forms["officer"].cleaned_data["officer"]
        sections.append({"title": "Victim liaison officer", "rows": from_form("officer")})

    offender = _reused_offender(request, state)
    if _chosen(state, "offender_choice") and offender is None:
        return None, [], "offender-duplicate"
    if offender:
        change = "offender" if state.get("offender_pnc_match") else "offender-duplicate"
        rows = [
            _row(
                "Offender record", [f"Existing record: {offender.full_name}", offender_hint(offender)], change
            )
        ]
    else:
        rows = from_form("offender")
    sections.append({"title": "Offender", "rows": rows})

    sentence = _reused_sentence(state)
    if sentence is not None and (offender is None or sentence.offender_id != offender.pk):
        return None, [], "existing-sentence"
    if sentence:
        offences = [str(c.offence) for c in sentence.counts.select_related("offence")]
        rows = [
            _row(
                "Sentence", [f"Existing sentence: {sentence}", *offences, sentence.court], "existing-sentence"
            )
        ]
    else:
        rows = from_form("sentence")
    sections.append({"title": "Sentence", "rows": rows})

    victim_form: VictimForm = forms["victim"]  # type: ignore[assignment]
    victim_pk = _chosen(state, "victim_choice")
    victim = Victim.objects.visible_to(request.user).filter(pk=victim_pk).first() if victim_pk else None
    if victim_pk and victim is None:
        return None, [], "victim-duplicate"
    if victim:
        rows = [
            _row(
                "Victim record",
                [f"Existing record: {victim.full_name}", victim_hint(victim)],
                "victim-duplicate",
            )
        ]
    else:
        rows = from_form("victim")
    sections.append({"title": "Victim", "rows": rows})
    referral_rows = [_row(r["key"], r["lines"], "victim", r["field"]) for r in victim_form.case_summary()]
    due = first_contact_due(victim_form.cleaned_data["referral_received_on"])
    referral_rows.append({"key": "First contact due", "lines": [govuk_date(due.due), due.rule], "url": ""})
    sections.append({"title": "Referral", "rows": referral_rows})

    answers = ReferralAnswers(
        officer=officer,
        relationship=victim_form.cleaned_data["relationship"],
        referral_received_on=victim_form.cleaned_data["referral_received_on"],
        offender=offender,
        offender_fields={} if offender else forms["offender"].service_fields(),  # type: ignore[attr-defined]
        sentence=sentence,
        sentence_fields={} if sentence else forms["sentence"].service_fields(),  # type: ignore[attr-defined]
        counts=[] if sentence else forms["sentence"].counts(),  # type: ignore[attr-defined]
        victim=victim,
        victim_fields={} if victim else victim_form.service_fields(),
        address=None if victim else victim_form.address(),
        **victim_form.case_fields(),
    )
    return answers, sections, ""
