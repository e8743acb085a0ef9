"""A discretionary domestic-abuse referral: recorded by a VLO, approved by a manager, never a breach.

A 10-month sentence for assault is not statutory (under 12 months), but the offence happened in a
context of domestic abuse, so the case waits for a manager's decision; approved, it is worked like
any other case yet never appears in the overdue lists or the breach figures (DOMAIN.md section 2).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, choose_offence
from tests.factories import TOTPDeviceFactory
from tests.offenders.factories import SentenceOffenceFactory
from tests.victims.factories import CaseFactory
from victims.models import Case, Standing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Past dates, so the first-contact deadline (20 working days after the referral) has long passed.
OFFENCE_DATE = dt.date(2026, 3, 2)
SENTENCE_DATE = dt.date(2026, 6, 1)
REFERRAL_RECEIVED = dt.date(2026, 6, 10)


def fill_date(page: Page, name: str, day: dt.date) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def continue_(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def record_referral(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/referrals/new/")
    page.get_by_label("First name").fill("Kieran")
    page.get_by_label("Last name").fill("Walsh")
    fill_date(page, "date_of_birth", dt.date(1985, 8, 19))
    continue_(page)  # no PNC number: it is optional

    choose_offence(page, "OAPA_S47")
    fill_date(page, "offence_date", OFFENCE_DATE)
    page.get_by_label("Determinate custody").check()
    fill_date(page, "sentence_date", SENTENCE_DATE)
    page.get_by_label("Court").fill("Cardiff Crown Court")
    page.locator("#id_months").fill("10")
    continue_(page)

    expect(page.get_by_role("heading", name="Victim details", level=1)).to_be_visible()
    page.locator("#id_first_name").fill("Rhian")
    page.locator("#id_last_name").fill("Walsh")
    fill_date(page, "date_of_birth", dt.date(1987, 1, 22))
    page.get_by_label("Direct victim").check()
    page.get_by_label("Address line 1").fill("17 Heol y Nant")
    page.get_by_label("Town or city").fill("Cardiff")
    page.get_by_label("Postcode").fill("CF14 6LA")
    page.get_by_label("Domestic abuse").check()
    fill_date(page, "referral_received_on", REFERRAL_RECEIVED)
    assert_accessible(page)
    continue_(page)

    expect(page.locator(".govuk-summary-list").last).to_contain_text("Domestic abuse")
    page.get_by_role("button", name="Create case").click()


def test_discretionary_domestic_abuse_case_is_approved_and_never_a_breach(
    browser_sign_in, live_server, vlo, manager
):
    # A statutory case of the same team whose first contact is overdue: the lists show it.
    control = CaseFactory(
        team=vlo.team,
        officer=vlo,
        reference="VCS-2026-CONTROL",
        referral_received_on=REFERRAL_RECEIVED,
        first_contact_due=dt.date(2026, 7, 8),
    )
    SentenceOffenceFactory(sentence=control.sentence)

    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    record_referral(page, live_server)
    case = Case.objects.exclude(pk=control.pk).get()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.locator("h1 + p")).to_contain_text("Discretionary: waiting for a manager's decision")
    expect(page.get_by_text("Wait for a manager's decision on the discretionary offer")).to_be_visible()
    expect(page.get_by_text("Send the offer letter")).to_have_count(0)
    assert_accessible(page)
    assert case.standing == Standing.AWAITING_DECISION and not case.statutory

    # The manager signs in, decides, and the decision is on the case and its timeline.
    page.context.clear_cookies()
    page = browser_sign_in(manager, TOTPDeviceFactory(user=manager))
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("button", name="Decide on the discretionary offer").click()
    expect(page.get_by_role("heading", name="Decide on the discretionary offer")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes, approve the discretionary offer").check()
    page.get_by_label("Why?").fill("Repeat domestic abuse; the victim asked for updates")
    page.get_by_role("button", name="Save the decision").click()

    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.locator("h1 + p")).to_contain_text("Discretionary: approved by a manager")
    expect(page.get_by_text("Discretionary offer approved (domestic abuse)")).to_be_visible()
    expect(page.get_by_text("Send the offer letter")).to_be_visible()
    case.refresh_from_db()
    assert case.standing == Standing.APPROVED and not case.statutory

    # Neither the overdue lists nor the breach figures count it; the statutory control is there.
    for measure in ("never_offered", "first_contact_overdue"):
        page.goto(f"{live_server.url}/dashboards/list/?measure={measure}&team={vlo.team_id}")
        expect(page.locator("main")).not_to_contain_text(case.reference)
    page.goto(f"{live_server.url}/dashboards/list/?measure=never_offered&team={vlo.team_id}")
    expect(page.locator("main")).to_contain_text(control.reference)
    page.goto(f"{live_server.url}/dashboards/list/?measure=first_contact_late&team={vlo.team_id}")
    expect(page.locator("main")).not_to_contain_text(case.reference)
    page.goto(f"{live_server.url}/caseload/?deadline=overdue")
    expect(page.locator("main")).not_to_contain_text(case.reference)
    expect(page.locator("main")).to_contain_text(control.reference)
