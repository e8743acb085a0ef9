"""Every page type at 1280 px and at 320 px (400% zoom of 1280): no sideways scroll, no axe violation.

WCAG 2.2 AA reflow (1.4.10) asks that content fits 320 CSS pixels without scrolling in two
directions; tables may scroll inside their own box. The session is made with Django's test
client (the sign-in journey has its own tests) and handed to the browser as a cookie.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.conftest import sign_in
from tests.contacts.factories import TaskFactory
from tests.offenders.factories import SentenceOffenceFactory
from tests.victims.factories import AddressFactory, CaseFactory
from victims.models import CaseStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 320)


@dataclass(frozen=True)
class PageType:
    name: str
    user: str  # fixture name of the signed-in user, or "" for nobody
    url: Callable[[Any], str]  # from the case


PAGES = [
    PageType("sign in", "", lambda case: reverse("core:login")),
    PageType("help", "", lambda case: reverse("core:help")),
    PageType("accessibility statement", "vlo", lambda case: reverse("core:accessibility")),
    PageType("privacy notice", "vlo", lambda case: reverse("core:privacy")),
    PageType("caseload", "vlo", lambda case: reverse("victims:caseload") + "?whose=team"),
    PageType("case page", "vlo", lambda case: reverse("cases:detail", args=[case.pk])),
    PageType("case history", "vlo", lambda case: reverse("cases:history", args=[case.pk])),
    PageType("search results", "vlo", lambda case: reverse("cases:search") + "?q=reed"),
    PageType("search, nothing found", "vlo", lambda case: reverse("cases:search") + "?q=nobody"),
    PageType("my tasks", "vlo", lambda case: reverse("contacts:my_tasks")),
    PageType("contact log", "vlo", lambda case: reverse("contacts:case_contacts", args=[case.pk])),
    PageType("record a contact", "vlo", lambda case: reverse("contacts:contact_new", args=[case.pk])),
    PageType("change the status", "vlo", lambda case: reverse("victims:case_status", args=[case.pk])),
    PageType("record a referral", "vlo", lambda case: reverse("victims:referral_start")),
    PageType("letters", "vlo", lambda case: reverse("letters:list")),
    PageType("team dashboard", "manager", lambda case: reverse("dashboards:team")),
    PageType("performance", "manager", lambda case: reverse("dashboards:performance") + "?period=custom"),
    PageType("dashboard list", "manager", lambda case: reverse("dashboards:list") + "?measure=open_cases"),
    PageType("import referrals", "manager", lambda case: reverse("victims:referral_import")),
    PageType("audit", "manager", lambda case: reverse("operations:audit")),
    PageType("regional dashboard", "regional_manager", lambda case: reverse("dashboards:region")),
    PageType("subject access", "admin_user", lambda case: reverse("operations:subject_access")),
    PageType("not found", "vlo", lambda case: "/no-such-page/"),
]


@pytest.fixture
def case(vlo, teammate):
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
        first_contact_due=today - dt.timedelta(days=3),
    )
    SentenceOffenceFactory(sentence=case.sentence)
    AddressFactory(victim=case.victim, recorded_by=vlo)
    CaseFactory(team=vlo.team, officer=teammate, status=CaseStatus.OPTED_IN, victim__last_name="Reedman")
    TaskFactory(case=case, title="Phone the victim about the release", due_on=today, owner=vlo)
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
        client = sign_in(request.getfixturevalue("client"), request.getfixturevalue(page_type.user))
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
    problems = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + page_type.url(case))
        expect(page.locator("h1").first).to_be_visible()
        if width == 320 and page_width(page) > 320:
            problems[f"width at {width}"] = (page_width(page), page.evaluate(OVERFLOWING))
        violations = axe_violations(page)
        if violations:
            problems[f"axe at {width}"] = violations
    assert problems == {}


def test_the_navigation_folds_behind_a_menu_button_at_320_px(page, live_server, request, vlo, case):
    client = sign_in(request.getfixturevalue("client"), vlo)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto(live_server.url + reverse("victims:caseload"))
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(page.get_by_role("link", name="My tasks")).to_be_hidden()
    menu.click()
    expect(page.get_by_role("link", name="My tasks 1 open")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
