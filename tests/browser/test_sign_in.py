"""A VLO signs in with password and TOTP in Chromium and lands on the caseload page."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, totp_code
from tests.factories import PASSWORD, TOTPDeviceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_vlo_signs_in_with_password_and_code_and_sees_caseload(live_server, page, vlo):
    device = TOTPDeviceFactory(user=vlo)
    page.goto(f"{live_server.url}/caseload/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    assert_accessible(page)
    page.get_by_label("Email address").fill(vlo.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Security code").fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/caseload/$"))
    expect(page.get_by_role("heading", name="My caseload", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="My caseload")).to_have_attribute("aria-current", "page")
    assert_accessible(page)


def test_first_sign_in_enrols_an_authenticator_by_qr_code(live_server, page, vlo):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(vlo.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(page.locator(".app-qr-code svg")).to_be_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=vlo, confirmed=False)
    page.get_by_label("Security code").fill(totp_code(device))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", name="My caseload", level=1)).to_be_visible()


def test_wrong_password_shows_the_error_summary(live_server, page, vlo):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(vlo.email)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter a correct email address and password")
    assert_accessible(page)


def test_sign_out_returns_to_sign_in(browser_sign_in, vlo, live_server):
    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    page.goto(f"{live_server.url}/caseload/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
