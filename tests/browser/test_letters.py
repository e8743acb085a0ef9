"""A VLO drafts a letter on a case, writes their paragraph, approves it and marks it sent; a manager
finds the day's letters to print. In Chromium, with axe-core on every page.

Set LETTERS_SCREENSHOT_DIR to keep full-page screenshots of the pages for a look by eye.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from contacts.models import Contact
from offenders.models import KeyDate, KeyDateKind, SecurityCategoryChange
from tests.browser.conftest import assert_accessible
from tests.factories import TOTPDeviceFactory
from tests.offenders.factories import SentenceOffenceFactory
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.letters.default_templates import templates_load
from vcs_portal.letters.models import Letter, LetterStatus, LetterTemplate
from victims.models import CaseStatus, ContactLevel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("LETTERS_SCREENSHOT_DIR")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def case(vlo):
    templates_load(LetterTemplate)  # transactional tests empty the table the migration filled
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        reference="VCS-2026-000042",
        status=CaseStatus.OPTED_IN,
        contact_level=ContactLevel.ALL_KEY_STAGES,
        victim__first_name="Sam",
        victim__last_name="Reed",
        offender__first_name="Dan",
        offender__last_name="Marsh",
        offender__location="HMP Manchester",
    )
    SentenceOffenceFactory(sentence=case.sentence)
    AddressFactory(victim=case.victim, recorded_by=vlo)
    SecurityCategoryChange.objects.create(
        offender=case.offender, category="D", effective_on=dt.date(2026, 10, 1), recorded_by=vlo
    )
    KeyDate.objects.create(
        sentence=case.sentence,
        kind=KeyDateKind.CRD,
        date=dt.date(2027, 9, 14),
        source="prison",
        recorded_by=vlo,
    )
    return case


def test_vlo_drafts_a_teammate_approves_and_the_letter_is_sent(
    browser_sign_in, live_server, vlo, teammate, case
):
    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    page.goto(f"{live_server.url}/letters/cases/{case.pk}/new/")
    expect(page.get_by_role("heading", name="Draft a letter", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Draft the letter").click()  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a letter")
    assert_accessible(page)
    page.get_by_label("Key stage: move to open conditions").check()
    page.get_by_role("button", name="Draft the letter").click()

    expect(page.get_by_role("heading", name="Key stage: move to open conditions", level=1)).to_be_visible()
    preview = page.get_by_test_id("letter-preview")
    expect(preview).to_contain_text("Dear Sam Reed,")
    expect(preview).to_contain_text("Dan Marsh has moved to open conditions")
    expect(preview).not_to_contain_text("HMP Manchester")
    assert_accessible(page)

    page.get_by_label("Your paragraph").fill("He moved to HMP Manchester in October.")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_test_id("approval-problems")).to_contain_text("names a prison or hospital")
    page.get_by_label("Your paragraph").fill("He moved in October. I will tell you if anything changes.")
    page.get_by_role("button", name="Save and preview").click()
    expect(preview).to_contain_text("He moved in October.")
    # A second pair of eyes: the VLO who wrote the paragraph cannot approve the letter.
    expect(page.get_by_test_id("second-check")).to_contain_text("someone else must approve it")
    expect(page.get_by_role("button", name="Approve the letter")).to_have_count(0)
    shot(page, "detail-draft")
    letter_url = page.url

    page.context.clear_cookies()
    page = browser_sign_in(teammate, TOTPDeviceFactory(user=teammate))
    page.goto(letter_url)
    expect(page.get_by_test_id("changed-since-template")).to_contain_text("He moved in October.")
    expect(page.get_by_test_id("changed-since-template")).to_contain_text(vlo.get_full_name())
    page.get_by_role("button", name="Approve the letter").click()

    expect(page.get_by_role("alert")).to_contain_text("Letter approved")
    expect(page.get_by_role("link", name="Download the letter (PDF)")).to_be_visible()
    assert_accessible(page)
    shot(page, "detail-approved")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the letter (PDF)").click()
    assert download.value.suggested_filename == "VCS-2026-000042-open_conditions.pdf"

    page.get_by_label("Posted").check()
    page.get_by_role("button", name="Mark as sent").click()
    expect(page.get_by_role("alert")).to_contain_text("logged as a contact")
    assert_accessible(page)
    assert Letter.objects.get().status == LetterStatus.SENT
    assert Contact.objects.get(case=case).summary == "Letter sent: Dan Marsh has moved to an open prison"


def test_the_letters_list_and_the_managers_print_button(browser_sign_in, live_server, vlo, manager, case):
    from vcs_portal.letters import services

    for kind, key in (("annual", "2027"), ("release", "crd:2027-09-14"), ("recall", "x")):
        letter, _ = services.letter_draft(case=case, kind=kind, period_key=key, actor=vlo)
    services.letter_approve(actor=manager, letter=letter)

    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    page.get_by_role("link", name="Letters").click()
    expect(page.get_by_role("heading", name="Letters", level=1)).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Annual contact letter")
    expect(table.get_by_role("row")).to_have_count(4)
    expect(page.get_by_role("button", name=re.compile("Print today"))).to_have_count(0)
    assert_accessible(page)
    shot(page, "list-vlo")
    page.get_by_label("Status").select_option(label="Approved")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)

    page.context.clear_cookies()
    page = browser_sign_in(manager, TOTPDeviceFactory(user=manager))
    page.goto(f"{live_server.url}/letters/")
    print_button = page.get_by_role("button", name="Print today's approved letters (1)")
    expect(print_button).to_be_visible()
    assert_accessible(page)
    shot(page, "list-manager")
    with page.expect_download() as download:
        print_button.click()
    assert re.fullmatch(r"letters-\d{4}-\d{2}-\d{2}\.pdf", download.value.suggested_filename)
