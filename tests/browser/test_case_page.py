"""A VLO opens a case from the caseload and records a move to open conditions, in Chromium."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import TOTPDeviceFactory
from tests.offenders.factories import SentenceOffenceFactory
from tests.victims.factories import AddressFactory, CaseFactory

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
