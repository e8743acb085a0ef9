"""A VLO opens a case from the caseload and records a move to open conditions, in Chromium."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from contacts.models import Contact
from tests.browser.conftest import assert_accessible
from tests.factories import TOTPDeviceFactory
from tests.offenders.factories import SentenceOffenceFactory
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.letters.default_templates import templates_load
from vcs_portal.letters.models import LetterKind, LetterTemplate
from vcs_portal.letters.services import letter_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case(vlo):
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        reference="VCS-2026-000042",
        victim__first_name="Sam",
        victim__last_name="Reed",
        offender__location="HMP Manchester",
    )
    SentenceOffenceFactory(sentence=case.sentence)
    AddressFactory(victim=case.victim, recorded_by=vlo)
    return case


def fill_date(page, day: dt.date) -> None:
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def test_vlo_records_a_move_to_open_conditions_and_sees_it_on_the_timeline(browser_sign_in, vlo, case):
    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    expect(page.get_by_role("heading", name="My caseload", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="VCS-2026-000042").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Reed")
    expect(page.get_by_text("Where held (never tell the victim)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Record a sentence event").click()
    page.get_by_label("What happened?").select_option(label="Recategorisation")
    fill_date(page, timezone.localdate() - dt.timedelta(days=2))
    page.get_by_label("New security category").select_option(label="Category D (open)")
    page.get_by_label("Where is the offender held now? (optional)").select_option("HMP Leyhill")
    page.get_by_role("button", name="Save event").click()

    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.get_by_role("alert")).to_contain_text("Event recorded")
    timeline = page.locator(".moj-timeline")
    expect(timeline.get_by_role("heading", name="Recategorisation")).to_be_visible()
    expect(page.locator(".govuk-summary-list__row", has_text="Security category")).to_contain_text(
        "Category D (open)"
    )
    assert_accessible(page)


def test_a_release_before_the_sentence_is_shown_beside_the_date(browser_sign_in, vlo, case, live_server):
    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    page.goto(live_server.url + reverse("contacts:event_new", args=[case.pk]))
    page.get_by_label("What happened?").select_option(label="Release on licence")
    fill_date(page, case.sentence.sentence_date - dt.timedelta(days=10))
    page.get_by_role("button", name="Save event").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("must be on or after the sentence date")
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary.get_by_role("link").click()
    expect(page.get_by_label("Day")).to_be_focused()
    assert_accessible(page)


def test_a_long_history_opens_from_the_case_page_a_page_at_a_time(browser_sign_in, vlo, case, live_server):
    from offenders.models import EventKind, SentenceEvent

    SentenceEvent.objects.bulk_create(
        SentenceEvent(
            sentence=case.sentence,
            kind=EventKind.TRANSFER,
            occurred_on=dt.date(2019, 1, 1) + dt.timedelta(days=i),
            detail=f"Move {i + 1}",
            recorded_by=vlo,
        )
        for i in range(60)
    )
    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator(".moj-timeline__item")).to_have_count(20)
    page.get_by_role("link", name="See the full history").click()

    expect(page.get_by_role("heading", name="Case history", level=1)).to_be_visible()
    expect(page.locator(".moj-timeline__item")).to_have_count(50)
    assert_accessible(page)
    page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(page.get_by_text("Move 1", exact=True)).to_be_visible()
    page.get_by_role("link", name="Back to case VCS-2026-000042").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))


def test_at_1280_px_a_vlo_opens_each_tab_and_logs_a_contact_from_the_top(
    browser_sign_in, vlo, case, live_server
):
    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/cases/{case.pk}/")

    bar = page.get_by_test_id("case-identity-bar")
    expect(bar).to_contain_text("VCS-2026-000042")
    expect(bar).to_contain_text("Sam Reed")
    expect(bar).to_contain_text("Statutory")
    log = bar.get_by_role("button", name="Log a contact")
    expect(log).to_be_in_viewport()
    expect(bar.get_by_role("button", name="Draft a letter")).to_be_in_viewport()
    expect(bar.get_by_role("button", name="Add a task")).to_be_in_viewport()
    # The overview of a normal case fits in about two screens (1280 x 1024), from its identity bar
    # to the end of the page's content; the site's header and footer are around it.
    height = page.evaluate(
        """() => document.querySelector("main").getBoundingClientRect().bottom
        - document.querySelector(".moj-identity-bar").getBoundingClientRect().top"""
    )
    assert height <= 2 * 1024, height
    assert_accessible(page)

    tabs = page.get_by_role("navigation", name="Case sections")
    for label, path in [
        ("Contacts", "contacts/"),
        ("Letters", "letters/"),
        ("Parole and tribunals", "parole/"),
        ("Tasks", "tasks/"),
        ("History", "history/"),
        ("Overview", ""),
    ]:
        tabs.get_by_role("link", name=label, exact=True).click()
        expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/{path}$"))
        expect(tabs.get_by_role("link", name=label, exact=True)).to_have_attribute("aria-current", "page")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Reed")
        assert_accessible(page)

    page.get_by_test_id("case-identity-bar").get_by_role("button", name="Log a contact").click()
    when = page.get_by_role("group", name="When was the contact?")
    today = timezone.localdate()
    when.get_by_label("Day").fill(str(today.day))
    when.get_by_label("Month").fill(str(today.month))
    when.get_by_label("Year").fill(str(today.year))
    page.get_by_role("group", name="How was the contact made?").get_by_label("Phone call").check()
    page.get_by_label("We did").check()
    page.get_by_role("group", name="Who was the contact with?").get_by_label("Victim", exact=True).check()
    page.get_by_label("Summary").fill("Explained the scheme.")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("alert")).to_contain_text("Contact logged")
    expect(
        page.locator(".moj-timeline").get_by_role("heading", name="Phone call with the victim (from us)")
    ).to_be_visible()
    tabs.get_by_role("link", name="Contacts", exact=True).click()
    expect(page.get_by_test_id("case-contacts")).to_contain_text("Phone call with the victim (from us)")


def assert_no_sideways_scroll(page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width} px wide in a {width} px window"


@pytest.mark.parametrize("width", [1280, 320])
def test_a_new_vlo_finds_a_case_from_the_letters_page_logs_a_contact_and_opens_its_letters(
    browser_sign_in, page, vlo, case, width
):
    """The issue's journey, as a new user tried it: from the letters page, the header search finds
    the victim by surname; the case page's top has "Log a contact"; the Letters tab lists the
    case's letter. At 320 px (a phone, or 400% zoom) no step scrolls sideways."""
    templates_load(LetterTemplate)  # transactional tests empty the table the migration filled
    letter_draft(case=case, kind=LetterKind.OFFER, period_key="offer", actor=vlo)
    page.set_viewport_size({"width": width, "height": 800})
    browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    expect(page.get_by_role("heading", name="My caseload", level=1)).to_be_visible()
    assert_no_sideways_scroll(page, width)

    menu = page.get_by_role("navigation", name="Menu")
    if width < 641:  # below the tablet breakpoint the links fold behind the "Menu" button
        menu.get_by_role("button", name="Menu").click()
    menu.get_by_role("link", name="Letters").click()
    expect(page.get_by_role("heading", name="Letters", level=1)).to_be_visible()
    assert_no_sideways_scroll(page, width)

    search = page.get_by_role("search", name="Cases")
    search.get_by_label("Search cases").fill("Reed")
    search.get_by_role("button", name="Search").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Search results for .Reed.$"), level=1)
    ).to_be_visible()
    assert_no_sideways_scroll(page, width)

    result = page.locator(".app-search-results__item", has_text="Sam Reed")
    expect(result.locator("div", has_text="Matched on")).to_contain_text("Victim's name")
    result.get_by_role("link", name=re.compile(r"^VCS-2026-000042\b")).click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    bar = page.get_by_test_id("case-identity-bar")
    expect(bar).to_contain_text("Sam Reed")
    log = bar.get_by_role("button", name="Log a contact")
    expect(log).to_be_in_viewport()
    assert_no_sideways_scroll(page, width)

    log.click()
    expect(page.get_by_role("heading", name="Log a contact", level=1)).to_be_visible()
    assert_no_sideways_scroll(page, width)
    when = page.get_by_role("group", name="When was the contact?")
    today = timezone.localdate()
    when.get_by_label("Day").fill(str(today.day))
    when.get_by_label("Month").fill(str(today.month))
    when.get_by_label("Year").fill(str(today.year))
    page.get_by_role("group", name="How was the contact made?").get_by_label("Phone call").check()
    page.get_by_label("We did").check()
    page.get_by_role("group", name="Who was the contact with?").get_by_label("Victim", exact=True).check()
    page.get_by_label("Summary").fill("Sam called about the offer letter.")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("alert")).to_contain_text("Contact logged")
    assert_no_sideways_scroll(page, width)
    assert Contact.objects.get(case=case).summary == "Sam called about the offer letter."

    page.get_by_role("navigation", name="Case sections").get_by_role("link", name="Letters").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/letters/$"))
    letters = page.get_by_role("region", name=f"Letters on case {case.reference}, newest first")
    expect(letters.get_by_role("link", name="Offer of the scheme")).to_be_visible()
    expect(letters.get_by_role("row").filter(has_text="Offer of the scheme")).to_contain_text("Draft")
    assert_no_sideways_scroll(page, width)
