"""Browser helpers: sign in through the real pages, and run axe-core on a page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import TOTP
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.factories import PASSWORD

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA and below, as axe-core tags them.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def totp_code(device: Any) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core in the page (evaluated over the DevTools protocol, so the CSP still holds)."""
    if not AXE_PATH.exists():
        pytest.fail(f"axe-core is missing at {AXE_PATH}: run npm ci")
    page.evaluate(AXE_PATH.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2)


def share_session(page: Any, client: Client, live_server: Any) -> None:
    """Give the browser the session of a Django test client (faster than signing in by the pages)."""
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def browser_sign_in(live_server, page):
    """Sign a user in through the sign-in and security-code pages; returns the page."""

    def do(user: Any, device: Any) -> Any:
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("Security code").fill(totp_code(device))
        page.get_by_role("button", name="Continue").click()
        return page

    return do


def choose_offence(page: Any, code: str, field: str = "offence") -> None:
    """Choose an offence as a VLO would: by typing its title into the search-as-you-type box.

    accessible-autocomplete replaces the select with a text input of the same id and keeps the
    select (``<id>-select``) for the form; without the enhancement, the select itself is used.
    """
    element = page.locator(f"#id_{field}")
    try:  # the enhancement loads as a module after the page: wait for it to take the field's place
        page.locator(f"#id_{field}.autocomplete__input").wait_for(timeout=5000)
    except PlaywrightTimeoutError:  # no JavaScript enhancement on this page: the select itself
        element.select_option(code)
        return
    title = page.locator(f"#id_{field}-select option[value='{code}']").inner_text().strip()
    element.fill(title)
    page.locator(".autocomplete__option", has_text=title).first.click()
    assert page.locator(f"#id_{field}-select").input_value() == code
