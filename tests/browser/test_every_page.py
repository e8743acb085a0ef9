"""Every page type at 1280 px and at 320 px (400% zoom of 1280): no sideways scroll, no axe violation.

WCAG 2.2 AA reflow (1.4.10) asks that content fits 320 CSS pixels without scrolling in two
directions; tables may scroll inside their own box. The session is made with Django's test
client (the sign-in journey has its own tests) and handed to the browser as a cookie.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from contacts.models import TaskKind
from offenders.models import SentenceType
from tests.browser.conftest import axe_violations, share_session
from tests.conftest import sign_in
from tests.contacts.factories import ContactFactory, ReferralOutFactory, TaskFactory
from tests.exchange.factories import api_client_make, domain_event
from tests.factories import TOTPDeviceFactory
from tests.offenders.factories import SentenceOffenceFactory
from tests.parole.factories import (
    ConditionFactory,
    ParoleReviewFactory,
    StatementFactory,
    TribunalHearingFactory,
)
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.exchange.services import consultation_open, inbound_event_receive
from vcs_portal.letters import services as letters
from vcs_portal.letters.default_templates import templates_load
from vcs_portal.letters.models import LetterKind, LetterTemplate
from victims.models import (
    Case,
    CaseStatus,
    DiscretionaryContext,
    ImportJob,
    ImportStatus,
    RestrictionKind,
    VictimRestriction,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 320)


@dataclass(frozen=True)
class PageType:
    name: str
    user: str  # fixture name of the signed-in user, or "" for nobody
    url: Callable[[Any], str]  # from the case
    status: int = 200
    # False: signed in with the password only, the second factor still to come (its own pages).
    second_factor: bool = True
    # Answers given first in the same session (the referral's later questions need the earlier ones).
    answers: Callable[[Client], None] | None = None


def case_url(name: str) -> Callable[[Any], str]:
    return lambda case: reverse(name, args=[case.pk])


def other_case_url(name: str, reference: str) -> Callable[[Any], str]:
    """A page of another case of Alice's (one of a kind the main case is not)."""
    return lambda case: reverse(name, args=[Case.objects.get(reference=reference).pk])


def review_url(name: str, *, with_statement: bool = True) -> Callable[[Any], str]:
    """A page of the review the victim was invited to make a statement for, or of the other one."""

    def url(case: Any) -> str:
        review = case.sentence.parole_reviews.filter(statements__isnull=not with_statement).get()
        return reverse(name, args=[case.pk, review.pk])

    return url


def condition_url(name: str) -> Callable[[Any], str]:
    return lambda case: reverse(name, args=[case.pk, case.licence_conditions.get().pk])


def step_url(step: str) -> str:
    return reverse("victims:referral_step", args=[step])


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def answer_offender(client: Client) -> None:
    client.get(reverse("victims:referral_start"))
    answers = {
        "first_name": "Darren",
        "last_name": "Hale",
        **date_fields("date_of_birth", dt.date(1985, 6, 1)),
    }
    assert client.post(step_url("offender"), answers).status_code == 302


def answer_offender_known(client: Client) -> None:
    """The offender of the main case again, by name and date of birth: "may already be recorded"."""
    client.get(reverse("victims:referral_start"))
    answers = {
        "first_name": "Dean",
        "last_name": "Mason-Fotheringham-Wolstenholme",
        **date_fields("date_of_birth", dt.date(1985, 6, 1)),
    }
    assert client.post(step_url("offender"), answers).url == step_url("offender-duplicate")


def answer_sentence(client: Client) -> None:
    answer_offender(client)
    today = timezone.localdate()
    answers = {
        "offence": "OAPA_S18",
        "sentence_type": SentenceType.DETERMINATE,
        **date_fields("sentence_date", today - dt.timedelta(days=30)),
        "court": "Manchester Crown Court",
        "years": "6",
    }
    assert client.post(step_url("sentence"), answers).url == step_url("victim")


def victim_answers(first_name: str, last_name: str) -> dict[str, str]:
    return {
        "first_name": first_name,
        "last_name": last_name,
        **date_fields("date_of_birth", dt.date(1990, 2, 14)),
        "relationship": "direct",
        "line_1": "12 Acacia Avenue",
        "town": "Salford",
        "postcode": "M5 4WT",
        "preferred_channel": "letter",
        "language": "en",
        **date_fields("referral_received_on", timezone.localdate() - dt.timedelta(days=20)),
    }


def answer_victim(client: Client) -> None:
    answer_sentence(client)
    answers = victim_answers("Jane", "Doe-Wolstenholme-Fotheringay")
    assert client.post(step_url("victim"), answers).url == step_url("check")


def answer_victim_known(client: Client) -> None:
    """The victim of the main case again (Sam Reed, born 14 February 1990): "may already be recorded"."""
    answer_sentence(client)
    answers = victim_answers("Sam", "Reed")
    assert client.post(step_url("victim"), answers).url == step_url("victim-duplicate")


# Alice's other cases, each of a kind the main case is not.
DISCRETIONARY = "VCS-2026-000043"  # not statutory; its context waits for a manager's decision
RESTRICTED = "VCS-2026-000044"  # a restricted hospital order: the Mental Health Tribunal
HOSPITAL = "VCS-2026-000045"  # a hospital order without restrictions: the hospital managers

PAGES = [
    # Anyone, and the sign-in pages.
    PageType("sign in", "", lambda case: reverse("core:login")),
    PageType("security code", "vlo", lambda case: reverse("core:mfa_verify"), second_factor=False),
    PageType(
        "set up an authenticator", "teammate", lambda case: reverse("core:mfa_setup"), second_factor=False
    ),
    PageType("help", "", lambda case: reverse("core:help")),
    PageType("accessibility statement", "vlo", lambda case: reverse("core:accessibility")),
    PageType("privacy notice", "vlo", lambda case: reverse("core:privacy")),
    PageType("not found", "vlo", lambda case: "/no-such-page/", status=404),
    # A VLO's lists and search.
    PageType("caseload", "vlo", lambda case: reverse("victims:caseload") + "?whose=team"),
    PageType("search results", "vlo", lambda case: reverse("cases:search") + "?q=reed"),
    PageType("search, nothing found", "vlo", lambda case: reverse("cases:search") + "?q=nobody"),
    PageType("my tasks", "vlo", lambda case: reverse("contacts:my_tasks")),
    PageType("letters", "vlo", lambda case: reverse("letters:list")),
    # The case page and its tabs.
    PageType("case page", "vlo", case_url("cases:detail")),
    PageType("case contacts tab", "vlo", case_url("cases:contacts")),
    PageType("case letters tab", "vlo", case_url("cases:letters")),
    PageType("case parole tab", "vlo", case_url("cases:parole")),
    PageType("case tasks tab", "vlo", case_url("cases:tasks")),
    PageType("case history", "vlo", case_url("cases:history")),
    PageType("contact log", "vlo", case_url("contacts:case_contacts")),
    # Work on a case.
    PageType("record a contact", "vlo", case_url("contacts:contact_new")),
    PageType(
        "correct a contact",
        "vlo",
        lambda case: reverse("contacts:contact_correct", args=[case.contacts.get().pk]),
    ),
    PageType("add a task", "vlo", case_url("contacts:task_new")),
    PageType(
        "complete a task",
        "vlo",
        lambda case: reverse("contacts:task_complete", args=[case.tasks.get(kind=TaskKind.MANUAL).pk]),
    ),
    PageType(
        "reassign a task",
        "vlo",
        lambda case: reverse("contacts:task_reassign", args=[case.tasks.get(kind=TaskKind.MANUAL).pk]),
    ),
    PageType("change the status", "vlo", case_url("victims:case_status")),
    PageType("resolve a review", "vlo", case_url("victims:case_review")),
    PageType("record the context", "vlo", case_url("victims:case_context")),
    PageType("record a sentence event", "vlo", case_url("contacts:event_new")),
    PageType("record a key date", "vlo", case_url("contacts:key_date_new")),
    PageType("record an appeal", "vlo", case_url("contacts:appeal")),
    PageType("refer to another service", "vlo", case_url("contacts:referral_out_new")),
    PageType(
        "outcome of a referral out",
        "vlo",
        lambda case: reverse("contacts:referral_out_outcome", args=[case.referrals_out.get().pk]),
    ),
    PageType("record an opt in", "vlo", case_url("victims:opt_in")),
    PageType("record an opt out", "vlo", case_url("victims:opt_out")),
    PageType("change the safe address", "vlo", case_url("victims:address_change")),
    PageType("contact preferences", "vlo", case_url("victims:preferences")),
    PageType("level of contact", "vlo", case_url("victims:contact_level")),
    PageType("add a restriction", "vlo", case_url("victims:restriction_add")),
    PageType(
        "lift a restriction",
        "vlo",
        lambda case: reverse("victims:restriction_lift", args=[case.pk, case.victim.restrictions.get().pk]),
    ),
    PageType("record a safety concern", "vlo", case_url("victims:safety_concern_add")),
    # Letters.
    PageType("draft a letter", "vlo", lambda case: reverse("letters:case_new", args=[case.pk])),
    PageType("a letter", "vlo", lambda case: reverse("letters:detail", args=[case.letters.get().pk])),
    # Parole, licence conditions, tribunals, meetings.
    PageType("record a parole review", "vlo", case_url("parole:review_new")),
    PageType("change a parole review", "vlo", review_url("parole:review_edit")),
    PageType("record a parole decision", "vlo", review_url("parole:review_decision")),
    PageType("request reconsideration", "vlo", review_url("parole:reconsideration_new")),
    PageType("invite a VPS", "vlo", review_url("parole:vps_invite", with_statement=False)),
    PageType("update a VPS", "vlo", review_url("parole:vps_progress")),
    PageType("record a licence condition", "vlo", case_url("parole:condition_new")),
    PageType("licence condition sent", "vlo", condition_url("parole:condition_sent")),
    PageType("licence condition outcome", "vlo", condition_url("parole:condition_outcome")),
    PageType("mental health tribunal: not this case", "vlo", case_url("parole:tribunal_new")),
    PageType("record a tribunal application", "vlo", other_case_url("parole:tribunal_new", RESTRICTED)),
    PageType(
        "update a tribunal",
        "vlo",
        lambda case: reverse(
            "parole:tribunal_edit",
            args=[(c := Case.objects.get(reference=RESTRICTED)).pk, c.tribunal_hearings.get().pk],
        ),
    ),
    PageType(
        "pass to the hospital managers", "vlo", other_case_url("parole:hospital_referral_new", HOSPITAL)
    ),
    PageType("record a meeting", "vlo", case_url("parole:meeting_new")),
    PageType("offender manager summary", "vlo", case_url("parole:om_summary")),
    # The exchange with prison-side systems.
    PageType(
        "answer a consultation",
        "vlo",
        lambda case: reverse("exchange:consultation", args=[case.consultations.get().pk]),
    ),
    # Recording a referral: each question page and check your answers.
    PageType("referral: offender", "vlo", lambda case: step_url("offender")),
    PageType(
        "referral: offender already recorded",
        "vlo",
        lambda case: step_url("offender-duplicate"),
        answers=answer_offender_known,
    ),
    PageType("referral: sentence", "vlo", lambda case: step_url("sentence"), answers=answer_offender),
    PageType("referral: victim", "vlo", lambda case: step_url("victim"), answers=answer_sentence),
    PageType(
        "referral: victim already recorded",
        "vlo",
        lambda case: step_url("victim-duplicate"),
        answers=answer_victim_known,
    ),
    PageType("referral: check answers", "vlo", lambda case: step_url("check"), answers=answer_victim),
    PageType("referral: which VLO (manager)", "manager", lambda case: step_url("officer")),
    # A manager's pages.
    PageType("caseload (manager)", "manager", lambda case: reverse("victims:caseload") + "?whose=team"),
    PageType("team tasks (manager)", "manager", lambda case: reverse("contacts:my_tasks") + "?view=team"),
    PageType("letters (manager)", "manager", lambda case: reverse("letters:list")),
    PageType("reassign the case (manager)", "manager", case_url("contacts:case_reassign")),
    PageType(
        "decide on a discretionary offer (manager)",
        "manager",
        other_case_url("victims:case_discretion", DISCRETIONARY),
    ),
    PageType("team dashboard", "manager", lambda case: reverse("dashboards:team")),
    PageType("performance", "manager", lambda case: reverse("dashboards:performance") + "?period=custom"),
    PageType("dashboard list", "manager", lambda case: reverse("dashboards:list") + "?measure=open_cases"),
    PageType("import referrals", "manager", lambda case: reverse("victims:referral_import")),
    PageType(
        "an import's result",
        "manager",
        lambda case: reverse("victims:referral_import_job", args=[ImportJob.objects.get().pk]),
    ),
    PageType("events not recorded", "manager", lambda case: reverse("exchange:inbound_review")),
    PageType("audit", "manager", lambda case: reverse("operations:audit")),
    PageType(
        "audit, a case's events",
        "manager",
        lambda case: reverse("operations:audit") + f"?case={case.reference}",
    ),
    # A regional manager's and an admin's.
    PageType("regional dashboard", "regional_manager", lambda case: reverse("dashboards:region")),
    PageType("subject access", "admin_user", lambda case: reverse("operations:subject_access")),
    PageType(
        "subject access, a case found",
        "admin_user",
        lambda case: reverse("operations:subject_access") + f"?reference={case.reference}",
    ),
    # Django admin's own pages, with the service's stylesheet (static/css/admin.css: the changelist
    # filters' target size).
    PageType("admin, users", "admin_user", lambda case: reverse("admin:core_user_changelist")),
    PageType("admin, teams", "admin_user", lambda case: reverse("admin:core_team_changelist")),
]


@pytest.fixture
def case(vlo, teammate, manager):
    """A case with something on every tab: a contact, a task, a letter, a parole review with a VPS,
    a licence condition, a referral out, a restriction and a consultation; and a manager's import."""
    templates_load(LetterTemplate)  # transactional tests empty the table the migration filled
    TOTPDeviceFactory(user=vlo)  # so a half-signed-in Alice is asked for her code; Bob has no app yet
    today = timezone.localdate()
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        reference="VCS-2026-000042",
        victim__first_name="Sam",
        victim__last_name="Reed",
        offender__first_name="Dean",
        offender__last_name="Mason-Fotheringham-Wolstenholme",
        offender__pnc_number="85/100001A",
        offender__prison_number="A1234BC",
        first_contact_due=today - dt.timedelta(days=3),
    )
    SentenceOffenceFactory(sentence=case.sentence)
    AddressFactory(victim=case.victim, recorded_by=vlo)
    CaseFactory(team=vlo.team, officer=teammate, status=CaseStatus.OPTED_IN, victim__last_name="Reedman")
    TaskFactory(case=case, title="Phone the victim about the release", due_on=today, owner=vlo)
    ContactFactory(
        case=case, summary="Explained the scheme; Sam will think about it and call back next week."
    )
    ReferralOutFactory(case=case)
    review = ParoleReviewFactory(
        sentence=case.sentence, hearing_on=today + dt.timedelta(days=60), recorded_by=vlo
    )
    StatementFactory(case=case, review=review)
    ParoleReviewFactory(sentence=case.sentence, referred_on=today, hearing_on=None, recorded_by=vlo)
    ConditionFactory(
        case=case, description="No contact with the victim or her family, directly or indirectly."
    )
    VictimRestriction.objects.create(victim=case.victim, kind=RestrictionKind.DO_NOT_PHONE, added_by=vlo)
    letters.letter_draft(case=case, kind=LetterKind.OFFER, period_key="offer", actor=vlo)
    client, _ = api_client_make(vlo.team.region, name="HMPPS prison events")
    consultation_open(
        client=client,
        offender=case.offender,
        kind="recall",
        due_on=today + dt.timedelta(days=14),
        question="Recall review: has the victim any concerns about where the offender may live?",
    )
    inbound_event_receive(client=client, body=json.dumps(domain_event("Z9999ZZ")).encode())
    CaseFactory(
        team=vlo.team,
        officer=vlo,
        reference=DISCRETIONARY,
        statutory=False,
        discretionary_context=DiscretionaryContext.STALKING,
    )
    for reference, sentence_type in (
        (RESTRICTED, SentenceType.HOSPITAL_S37_41),
        (HOSPITAL, SentenceType.HOSPITAL_S37),
    ):
        CaseFactory(
            team=vlo.team,
            officer=vlo,
            reference=reference,
            sentence__sentence_type=sentence_type,
            sentence__years=None,
        )
    TribunalHearingFactory(case=Case.objects.get(reference=RESTRICTED))
    ImportJob.objects.create(
        created_by=manager,
        file_name="referrals-from-the-court-with-a-long-file-name-2026.csv",
        dry_run=True,
        status=ImportStatus.DONE,
        rows_total=2,
        rows_checked=2,
        rows_with_problems=1,
        errors=[{"row": 2, "column": "victim_postcode", "message": "Enter a real postcode, like M5 4WT"}],
        counts={"rows": 2},
    )
    return case


def page_width(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


# The elements that stick out past the viewport, innermost first, to say what to fix.
OVERFLOWING = """() => {
  const out = (e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
  return [...document.querySelectorAll('body *')]
    .filter(e => !e.closest('.app-table-scroll') && out(e) && ![...e.children].some(out))
    .slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`)
}"""


@pytest.mark.parametrize("page_type", PAGES, ids=[p.name for p in PAGES])
def test_page_fits_320_px_and_passes_axe_at_both_widths(page_type, request, page, live_server, case):
    if page_type.user:
        user = request.getfixturevalue(page_type.user)
        client = Client()
        if page_type.second_factor:
            sign_in(client, user)
        else:
            client.force_login(user)
        if page_type.answers:
            page_type.answers(client)
        share_session(page, client, live_server)
    problems = {}
    url = live_server.url + page_type.url(case)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        # The page itself: not an error, nor a redirect (to the sign-in, or an earlier question).
        assert (response.status, response.request.redirected_from) == (page_type.status, None), url
        expect(page.locator("h1").first).to_be_visible()
        if width == 320 and page_width(page) > 320:
            problems[f"width at {width}"] = (page_width(page), page.evaluate(OVERFLOWING))
        violations = axe_violations(page)
        if violations:
            problems[f"axe at {width}"] = violations
    assert problems == {}


def test_the_navigation_folds_behind_a_menu_button_at_320_px(page, live_server, vlo, case):
    share_session(page, sign_in(Client(), vlo), live_server)
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto(live_server.url + reverse("victims:caseload"))
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(page.get_by_role("link", name="My tasks")).to_be_hidden()
    menu.click()
    # Alice's task and the one the consultation gave her.
    expect(page.get_by_role("link", name="My tasks 2 open")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
