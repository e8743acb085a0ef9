"""A VLO works a parole review end to end in Chromium: hearing, VPS, a refused condition and its task."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from offenders.models import SentenceType
from tests.browser.conftest import assert_accessible
from tests.factories import TOTPDeviceFactory
from tests.victims.factories import AddressFactory, CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case(vlo):
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        reference="VCS-2026-000314",
        victim__first_name="Sam",
        victim__last_name="Reed",
        victim__phone="07700 900314",
        sentence__sentence_type=SentenceType.LIFE,
        sentence__sentence_date=dt.date(2010, 5, 4),
        sentence__years=None,
    )
    AddressFactory(victim=case.victim, recorded_by=vlo)
    return case


def fill_date(page, name: str, day: dt.date) -> None:
    """The three boxes of a GOV.UK date input, as crispy-forms-gds names them."""
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def saved(page, case, message: str) -> None:
    """Back on the case's Parole and tribunals tab, with the message."""
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/parole/$"))
    expect(page.get_by_role("alert")).to_contain_text(message)


def test_vlo_records_a_hearing_a_vps_and_a_refused_condition_and_gets_a_task(
    browser_sign_in, live_server, vlo, case
):
    today = timezone.localdate()
    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("navigation", name="Case sections").get_by_role(
        "link", name="Parole and tribunals"
    ).click()
    panel = page.locator("#parole-and-tribunal")
    expect(panel.get_by_role("heading", name="Parole and tribunal")).to_be_visible()

    # An oral hearing.
    panel.get_by_role("link", name="Record a parole review").click()
    fill_date(page, "referred_on", today - dt.timedelta(days=120))
    page.get_by_role("radio", name="Oral hearing", exact=True).check()
    fill_date(page, "hearing_on", today - dt.timedelta(days=10))
    assert_accessible(page)
    page.get_by_role("button", name="Save review").click()
    saved(page, case, "Parole review recorded")
    expect(panel).to_contain_text((today - dt.timedelta(days=38)).strftime("%-d %B %Y"))  # the VPS deadline

    # The victim is invited to write a statement, told it may be disclosed, and it goes to the Board.
    panel.get_by_role("link", name="Invite the victim to write a Victim Personal Statement").click()
    fill_date(page, "invited_on", today - dt.timedelta(days=100))
    fill_date(page, "disclosure_explained_on", today - dt.timedelta(days=100))
    page.get_by_role("button", name="Save invitation").click()
    saved(page, case, "Invitation recorded")

    panel.get_by_role("link", name="Update the Victim Personal Statement").click()
    fill_date(page, "received_on", today - dt.timedelta(days=60))
    fill_date(page, "submitted_on", today - dt.timedelta(days=55))
    page.locator("#id_wants_to_read_1").check()
    page.locator("#id_non_disclosure_2").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save statement").click()
    saved(page, case, "Victim Personal Statement updated")
    expect(panel).to_contain_text("Submitted to the Parole Board on")

    # The victim asks for an exclusion zone; a missing description is caught first.
    panel.get_by_role("link", name="Record a licence condition").click()
    page.get_by_role("radio", name="Exclusion zone", exact=True).check()
    fill_date(page, "requested_on", today - dt.timedelta(days=90))
    page.get_by_role("button", name="Save condition").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Describe the exclusion zone")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
    page.get_by_label(re.compile("Describe the condition")).fill("The town centre inside the ring road")
    page.get_by_role("button", name="Save condition").click()
    saved(page, case, "Licence condition recorded")

    # The decision, then the condition comes back not imposed.
    panel.get_by_role("link", name="Record the parole decision").click()
    page.get_by_role("radio", name="No release", exact=True).check()
    fill_date(page, "decision_on", today - dt.timedelta(days=3))
    assert_accessible(page)
    page.get_by_role("button", name="Save decision").click()
    saved(page, case, "Parole decision recorded")

    panel.get_by_role("link", name="Outcome of exclusion zone").click()
    page.get_by_role("radio", name="Not imposed", exact=True).check()
    page.get_by_label("If it was not imposed, why not?").fill("Not proportionate to the risk")
    fill_date(page, "outcome_on", today - dt.timedelta(days=3))
    assert_accessible(page)
    page.get_by_role("button", name="Save outcome").click()
    saved(page, case, "Outcome recorded")

    # The outcome is in the panel; the task to explain the refusal on the Tasks tab; both on the timeline.
    expect(panel).to_contain_text("Imposed: 0 of 1 decided (0%)")
    expect(panel).to_contain_text("Not proportionate to the risk")
    tabs = page.get_by_role("navigation", name="Case sections")
    tabs.get_by_role("link", name="Tasks").click()
    expect(
        page.get_by_text("Explain to the victim why the exclusion zone was not imposed").first
    ).to_be_visible()
    tabs.get_by_role("link", name="Overview").click()
    timeline = page.locator(".moj-timeline")
    expect(timeline.get_by_role("heading", name="Parole decision: No release")).to_be_visible()
    expect(timeline.get_by_role("heading", name="VPS submitted to the Parole Board")).to_be_visible()
    assert_accessible(page)

    # The offender manager's summary carries the refusal, and none of the victim's details.
    tabs.get_by_role("link", name="Parole and tribunals").click()
    panel.get_by_role("link", name="Offender manager summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Victim-related requirements for the offender manager"
    )
    expect(page.locator("main")).to_contain_text("Not proportionate to the risk")
    expect(page.locator("main")).not_to_contain_text("900314")
    expect(page.locator("main")).not_to_contain_text("Reed")
    assert_accessible(page)
