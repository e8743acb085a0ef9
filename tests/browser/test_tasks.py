"""A VLO logs a phone call, completes a task from My tasks, and finds both on the case timeline."""

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


@pytest.fixture
def case(vlo):
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        reference="VCS-2026-000077",
        victim__first_name="Sam",
        victim__last_name="Reed",
        referral_received_on=timezone.localdate() - dt.timedelta(days=30),
    )
    SentenceOffenceFactory(sentence=case.sentence)
    AddressFactory(victim=case.victim, recorded_by=vlo)
    return case


def fill_date(page: Page, name: str, day: dt.date) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def test_vlo_logs_a_call_and_completes_a_task_and_sees_both_on_the_timeline(
    browser_sign_in, live_server, vlo, case
):
    TaskFactory(case=case, owner=vlo, title="Send the offer letter", due_on=timezone.localdate())
    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("button", name="Log a contact").click()
    expect(page.get_by_role("heading", name="Log a contact", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Save contact").click()  # nothing entered: GOV.UK errors
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a summary of the contact")
    assert_accessible(page)

    fill_date(page, "occurred_on", timezone.localdate() - dt.timedelta(days=1))
    page.get_by_label("What time? (optional)").fill("14:30")
    page.get_by_role("group", name="How was the contact made?").get_by_label("Phone call").check()
    page.get_by_label("We did").check()
    page.get_by_role("group", name="Who was the contact with?").get_by_label("Victim", exact=True).check()
    page.get_by_label("Summary").fill("Explained the scheme; Sam will think about it.")
    page.get_by_role("button", name="Save contact").click()

    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.get_by_role("alert")).to_contain_text("Contact logged")

    page.get_by_role("link", name="My tasks").click()
    expect(page.get_by_role("heading", name="My tasks", level=1)).to_be_visible()
    assert_accessible(page)
    row = page.get_by_role("row").filter(has_text="Send the offer letter")
    row.get_by_role("link", name=re.compile("^Complete")).click()

    expect(page.get_by_role("heading", name="Complete a task", level=1)).to_be_visible()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what you did")
    page.get_by_label("What did you do?").fill("Sent by first-class post")
    page.get_by_role("button", name="Mark as done").click()

    expect(page).to_have_url(re.compile(r"/contacts/tasks/$"))
    expect(page.get_by_role("alert")).to_contain_text("Task done")
    expect(page.get_by_text("You have no open tasks.")).to_be_visible()

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    timeline = page.locator(".moj-timeline")
    expect(timeline.get_by_role("heading", name="Phone call with the victim (from us)")).to_be_visible()
    expect(timeline.get_by_role("heading", name="Task done: Send the offer letter")).to_be_visible()
    expect(timeline).to_contain_text("Sent by first-class post")
