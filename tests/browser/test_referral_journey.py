"""A VLO records a referral through the four question pages and finds the case on their caseload."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, choose_offence, share_session
from tests.conftest import sign_in
from tests.factories import TOTPDeviceFactory
from victims.deadlines import first_contact_due
from victims.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Past dates relative to the day these tests were written (22 November 2026), not a frozen clock.
RED = "rgb(202, 53, 53)"  # GOV.UK Frontend 5.x error colour ($govuk-error-colour, #ca3535)
OFFENCE_DATE = dt.date(2026, 8, 1)
SENTENCE_DATE = dt.date(2026, 10, 1)
REFERRAL_RECEIVED = dt.date(2026, 10, 5)


def fill_date(page: Page, name: str, day: dt.date) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def continue_(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def test_vlo_records_a_referral_and_sees_it_on_the_caseload(browser_sign_in, live_server, vlo):
    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    page.goto(f"{live_server.url}/referrals/new/")

    expect(page.get_by_role("heading", name="Offender details", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("First name").fill("Darren")
    page.get_by_label("Last name").fill("Hale")
    fill_date(page, "date_of_birth", dt.date(1985, 6, 1))
    page.get_by_label("PNC number (optional)").fill("85/7654321B")
    page.get_by_label("Level 2").check()
    continue_(page)

    expect(page.get_by_role("heading", name="Sentence details", level=1)).to_be_visible()
    assert_accessible(page)
    continue_(page)  # nothing entered: GOV.UK errors, still accessible
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the offence from the catalogue")
    assert_accessible(page)
    choose_offence(page, "OAPA_S18")
    fill_date(page, "offence_date", OFFENCE_DATE)
    page.get_by_label("Determinate custody").check()
    fill_date(page, "sentence_date", SENTENCE_DATE)
    page.get_by_label("Court").fill("Manchester Crown Court")
    page.locator("#id_years").fill("6")
    continue_(page)

    expect(page.get_by_role("heading", name="Victim details", level=1)).to_be_visible()
    assert_accessible(page)
    page.locator("#id_first_name").fill("Jane")
    page.locator("#id_last_name").fill("Doe")
    fill_date(page, "date_of_birth", dt.date(1990, 2, 14))
    page.get_by_label("Direct victim").check()
    page.get_by_label("Address line 1").fill("12 Acacia Avenue")
    page.get_by_label("Town or city").fill("Salford")
    page.get_by_label("Postcode").fill("M5 4WT")
    page.get_by_label("Welsh (Cymraeg)").check()
    fill_date(page, "referral_received_on", REFERRAL_RECEIVED)
    continue_(page)

    expect(page.get_by_role("heading", name="Check your answers before creating the case")).to_be_visible()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Darren")
    assert_accessible(page)
    page.get_by_role("button", name="Create case").click()

    case = Case.objects.get()
    due = first_contact_due(REFERRAL_RECEIVED).due
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    page.goto(f"{live_server.url}/caseload/")
    row = page.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_be_visible()
    expect(row).to_contain_text(re.compile(rf"{due.day} ({due:%B}|{due:%b}) {due.year}"))
    assert case.officer == vlo


def to_sentence_step(page, live_server) -> None:
    """Record the offender (the referral's first step) and go on to the sentence."""
    page.goto(f"{live_server.url}/referrals/new/")
    page.get_by_label("First name").fill("Darren")
    page.get_by_label("Last name").fill("Hale")
    fill_date(page, "date_of_birth", dt.date(1985, 6, 1))
    continue_(page)


def test_without_javascript_the_offence_is_chosen_in_the_plain_select_and_saved(browser, live_server, vlo):
    """accessible-autocomplete is an enhancement: with JavaScript off the offence field stays the
    native select of the catalogue, and choosing in it records that offence on the case."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    share_session(page, sign_in(Client(), vlo), live_server)
    to_sentence_step(page, live_server)

    expect(page.get_by_role("heading", name="Sentence details", level=1)).to_be_visible()
    # The select itself, not the search-as-you-type box that takes its id when JavaScript runs.
    offence = page.locator("#id_offence")
    expect(offence).to_have_js_property("tagName", "SELECT")
    expect(offence).to_have_class(re.compile(r"\bgovuk-select\b"))  # styled as a GOV.UK select
    expect(page.locator(".autocomplete__wrapper")).to_have_count(0)
    # Left empty, the select is marked in error as a GOV.UK select is: the red border.
    continue_(page)
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(offence).to_have_css("border-color", RED)
    offence.select_option(label="Robbery (Theft Act 1968 s.8(1))")
    fill_date(page, "offence_date", OFFENCE_DATE)
    page.get_by_label("Determinate custody").check()
    fill_date(page, "sentence_date", SENTENCE_DATE)
    page.get_by_label("Court").fill("Manchester Crown Court")
    page.locator("#id_years").fill("6")
    continue_(page)

    expect(page.get_by_role("heading", name="Victim details", level=1)).to_be_visible()
    page.locator("#id_first_name").fill("Jane")
    page.locator("#id_last_name").fill("Doe")
    fill_date(page, "date_of_birth", dt.date(1990, 2, 14))
    page.get_by_label("Direct victim").check()
    page.get_by_label("Address line 1").fill("12 Acacia Avenue")
    page.get_by_label("Town or city").fill("Salford")
    page.get_by_label("Postcode").fill("M5 4WT")
    fill_date(page, "referral_received_on", REFERRAL_RECEIVED)
    continue_(page)

    expect(page.get_by_role("heading", name="Check your answers before creating the case")).to_be_visible()
    expect(page.locator(".govuk-summary-list__row", has_text="Offence").first).to_contain_text("Robbery")
    page.get_by_role("button", name="Create case").click()

    case = Case.objects.get()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    assert [c.offence.code for c in case.sentence.counts.all()] == ["TA68_S8_ROBBERY"]
    context.close()


def test_with_javascript_the_search_box_of_an_offence_in_error_has_the_red_border(page, live_server, vlo):
    share_session(page, sign_in(Client(), vlo), live_server)
    to_sentence_step(page, live_server)
    expect(page.locator(".autocomplete__wrapper input#id_offence")).to_be_visible()
    continue_(page)  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    search_box = page.locator(".autocomplete__wrapper input#id_offence")
    expect(search_box).to_have_class(re.compile(r"\bgovuk-input--error\b"))
    expect(search_box).to_have_css("border-color", RED)


def test_the_search_box_is_described_by_the_field_s_hint_and_error_before_and_after_typing(
    page, live_server, vlo
):
    """accessible-autocomplete describes its search box only by its own usage hint, and drops that
    once typed in: static/js/autocomplete.js keeps the select's hint and error message first."""
    share_session(page, sign_in(Client(), vlo), live_server)
    to_sentence_step(page, live_server)
    continue_(page)  # nothing chosen: the field is in error
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    select_ids = (page.locator("#id_offence-select").get_attribute("aria-describedby") or "").split()
    errors = [each for each in select_ids if each.endswith("_error")]
    assert errors, select_ids  # the select names its error message
    expect(page.locator(f"#{errors[0]}")).to_contain_text("Choose the offence")
    search_box = page.locator(".autocomplete__wrapper input#id_offence")
    described = (search_box.get_attribute("aria-describedby") or "").split()
    assert described[: len(select_ids)] == select_ids
    assert "id_offence__assistiveHint" in described  # and the library's own usage hint after them
    search_box.fill("wound")
    expect(page.locator(".autocomplete__option").first).to_be_visible()
    described = (search_box.get_attribute("aria-describedby") or "").split()
    assert described[: len(select_ids)] == select_ids  # still there once the library rewrote it
