"""Issue journey: a VLO logs a phone call, records an opt-in at all key stages, changes the
victim's address and completes a task; the timeline shows each step and the old address
is marked do-not-use."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.contacts.factories import TaskFactory
from tests.factories import TOTPDeviceFactory
from tests.offenders.factories import SentenceOffenceFactory
from tests.victims.factories import AddressFactory, CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page: Page, name: str, day: dt.date) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def test_the_whole_contact_journey_appears_on_the_timeline(browser_sign_in, live_server, vlo):
    today = timezone.localdate()
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        victim__first_name="Sam",
        victim__last_name="Reed",
        referral_received_on=today - dt.timedelta(days=20),
        first_contact_due=today + dt.timedelta(days=10),
    )
    SentenceOffenceFactory(sentence=case.sentence)
    AddressFactory(
        victim=case.victim,
        line_1="1 Acacia Avenue",
        recorded_by=vlo,
        valid_from=today - dt.timedelta(days=400),
    )
    TaskFactory(case=case, owner=vlo, title="Send the offer letter", due_on=today)
    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    case_url = f"{live_server.url}/cases/{case.pk}/"

    # 1. A phone call with the victim.
    page.goto(case_url)
    page.get_by_role("button", name="Log a contact").click()
    fill_date(page, "occurred_on", today)
    page.get_by_role("group", name="How was the contact made?").get_by_label("Phone call").check()
    page.get_by_label("We did").check()
    page.get_by_role("group", name="Who was the contact with?").get_by_label("Victim", exact=True).check()
    page.get_by_label("Summary").fill("Explained the scheme. Sam wants to hear about every stage.")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("alert")).to_contain_text("Contact logged")

    # 2. The opt-in, at all key stages, from the victim's choices on the Contacts tab.
    page.get_by_role("navigation", name="Case sections").get_by_role("link", name="Contacts").click()
    panel = page.locator("#victim-choices")
    panel.get_by_role("link", name="Record opt in").click()
    page.get_by_label("All key stages").check()
    fill_date(page, "received_on", today)
    page.get_by_role("group", name="How did the victim tell you? (optional)").get_by_label(
        "Phone call"
    ).check()
    page.get_by_role("button", name="Record opt in").click()
    expect(page.get_by_role("alert")).to_contain_text("Opt in recorded")

    # 3. The new safe address.
    panel.get_by_role("link", name="Change safe address").click()
    page.get_by_label("Address line 1").fill("22 Hidden Lane")
    page.get_by_label("Town or city").fill("Bolton")
    page.get_by_label("Postcode").fill("BL1 1AA")
    fill_date(page, "valid_from", today)
    page.get_by_role("button", name="Change the safe address").click()
    expect(page.get_by_role("alert")).to_contain_text("Safe address changed")

    # 4. A task completed from My tasks.
    page.get_by_role("link", name="My tasks").click()
    page.get_by_role("row").filter(has_text="Send the offer letter").get_by_role(
        "link", name=re.compile("^Complete")
    ).click()
    page.get_by_label("What did you do?").fill("Offer letter sent first class")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("alert")).to_contain_text("Task done")

    # The timeline shows every step; the old address is kept and marked do not use.
    page.goto(case_url)
    timeline = page.locator(".moj-timeline")
    expect(timeline.get_by_role("heading", name="Phone call with the victim (from us)")).to_be_visible()
    expect(timeline.locator(".moj-timeline__item", has_text="Victim's choice: Opted in")).to_contain_text(
        "All key stages"
    )
    address_item = timeline.locator(".moj-timeline__item", has_text="Victim's choice: Safe address")
    expect(address_item).to_contain_text("marked do not use")
    expect(address_item).not_to_contain_text("Hidden Lane")
    expect(timeline.get_by_role("heading", name="Task done: Send the offer letter")).to_be_visible()
    former = page.locator(".govuk-summary-list__row", has_text="Former addresses")
    expect(former).to_contain_text("1 Acacia Avenue")
    expect(former).to_contain_text("Do not use")
    assert_accessible(page)
