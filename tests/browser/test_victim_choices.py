"""A VLO records a victim's opt in and new safe address, then reads both on the case page, in Chromium."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.factories import TOTPDeviceFactory
from tests.offenders.factories import SentenceOffenceFactory
from tests.victims.factories import AddressFactory, CaseFactory
from victims.models import RestrictionKind, VictimRestriction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case(vlo):
    today = timezone.localdate()
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        reference="VCS-2026-000077",
        victim__first_name="Sam",
        victim__last_name="Reed",
        referral_received_on=today - dt.timedelta(days=30),
        first_contact_due=today + dt.timedelta(days=10),
    )
    SentenceOffenceFactory(sentence=case.sentence)
    AddressFactory(
        victim=case.victim,
        line_1="1 Acacia Avenue",
        recorded_by=vlo,
        valid_from=today - dt.timedelta(days=400),
    )
    VictimRestriction.objects.create(victim=case.victim, kind=RestrictionKind.DO_NOT_PHONE, added_by=vlo)
    return case


def fill_date(page: Page, name: str, day: dt.date) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def test_vlo_records_an_opt_in_and_a_new_address_and_sees_both_on_the_case(
    browser_sign_in, live_server, vlo, case
):
    today = timezone.localdate()
    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_role("region", name="Important 1 restriction on contacting Sam Reed")).to_contain_text(
        "Do not phone"
    )

    tabs = page.get_by_role("navigation", name="Case sections")
    tabs.get_by_role("link", name="Contacts").click()
    panel = page.locator("#victim-choices")
    panel.get_by_role("link", name="Record opt in").click()
    expect(page.get_by_role("heading", name="Record an opt in", level=1)).to_be_visible()
    page.get_by_role("button", name="Record opt in").click()  # nothing chosen: GOV.UK errors
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the level of contact the victim wants"
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    page.get_by_label("All key stages").check()
    fill_date(page, "received_on", today)
    page.get_by_label("Letter", exact=True).check()
    page.get_by_role("button", name="Record opt in").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/contacts/$"))
    expect(page.get_by_role("alert")).to_contain_text("Opt in recorded")

    panel.get_by_role("link", name="Change safe address").click()
    expect(page.get_by_role("heading", name="Change the safe address", level=1)).to_be_visible()
    expect(page.get_by_test_id("current-address")).to_contain_text("1 Acacia Avenue")
    expect(page.locator(".govuk-warning-text")).to_contain_text("marked “Do not use”")
    assert_accessible(page)
    page.get_by_label("Address line 1").fill("22 Hidden Lane")
    page.get_by_label("Town or city").fill("Bolton")
    page.get_by_label("Postcode").fill("bl1 1aa")
    fill_date(page, "valid_from", today - dt.timedelta(days=1))
    page.get_by_role("button", name="Change the safe address").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/contacts/$"))
    expect(page.get_by_role("alert")).to_contain_text("Safe address changed")

    expect(panel.locator(".govuk-summary-list__row", has_text="Level of contact")).to_contain_text(
        "All key stages"
    )
    expect(panel.locator(".govuk-summary-list__row", has_text="Safe address")).to_contain_text(
        "22 Hidden Lane"
    )
    expect(panel.locator(".govuk-summary-list__row", has_text="Safe address")).to_contain_text("Do not use")
    assert_accessible(page)

    # The overview: both choices on the timeline (never the new address), the old address kept.
    tabs.get_by_role("link", name="Overview").click()
    timeline = page.locator(".moj-timeline")
    opt_in = timeline.locator(".moj-timeline__item", has_text="Victim's choice: Opted in")
    expect(opt_in).to_contain_text("Level of contact: All key stages (by letter)")
    address = timeline.locator(".moj-timeline__item", has_text="Victim's choice: Safe address")
    expect(address).to_contain_text("the old address is kept and marked do not use")
    expect(address).not_to_contain_text("Hidden Lane")
    former = page.locator(".govuk-summary-list__row", has_text="Former addresses")
    expect(former).to_contain_text("Do not use")
    expect(former).to_contain_text("1 Acacia Avenue")
    assert_accessible(page)


def test_the_other_choice_pages_are_accessible_with_and_without_errors(
    browser_sign_in, live_server, vlo, case
):
    restriction = case.victim.restrictions.get()
    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    for path, button in [
        ("victim/preferences/", "Save preferences"),
        ("victim/contact-level/", "Save level of contact"),
        ("victim/restrictions/new/", "Add restriction"),
        (f"victim/restrictions/{restriction.pk}/lift/", "Lift restriction"),
        ("victim/safety-concerns/new/", "Record safety concern"),
    ]:
        page.goto(f"{live_server.url}/cases/{case.pk}/{path}")
        assert_accessible(page)
        page.get_by_role("button", name=button).click()
        expect(page.locator(".govuk-error-summary")).to_be_focused()
        assert_accessible(page)
