"""A prison-side system sends a recall and asks the VLO; the VLO answers in the browser; the
system reads the answer, all over real HTTP against the live server."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.exchange.factories import api_client_make, domain_event
from tests.factories import TOTPDeviceFactory
from tests.offenders.factories import SentenceOffenceFactory
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.celery import app
from victims.models import CaseStatus, ContactLevel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def eager_tasks():
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def call(url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - the live test server
        url,
        data=data,
        method="POST" if body is not None else "GET",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_an_event_makes_a_task_the_vlo_answers_a_consultation_the_client_reads_it(
    browser_sign_in, live_server, vlo, region_a
):
    today = timezone.localdate()
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        reference="VCS-2026-000123",
        status=CaseStatus.OPTED_IN,
        contact_level=ContactLevel.ALL_KEY_STAGES,
        offender__prison_number="A1234BC",
        sentence__sentence_date=today - dt.timedelta(days=60),
        referral_received_on=today - dt.timedelta(days=30),
    )
    SentenceOffenceFactory(sentence=case.sentence)
    AddressFactory(victim=case.victim, recorded_by=vlo)
    _, token = api_client_make(region_a, name="HMPPS prison events")
    api = f"{live_server.url}/api/v1"

    occurred = (timezone.now() - dt.timedelta(hours=2)).isoformat()
    status, receipt = call(f"{api}/events", token, domain_event("A1234BC", occurred_at=occurred))
    assert status == 202, receipt
    status, _ = call(f"{api}/events", token, domain_event("A1234BC", occurred_at=occurred))
    assert status == 202  # the same event again: one task, not two

    page = browser_sign_in(vlo, TOTPDeviceFactory(user=vlo))
    page.goto(f"{live_server.url}/contacts/tasks/")
    expect(page.locator("tbody tr", has_text="Tell the victim: Recall")).to_have_count(1)

    due = (today + dt.timedelta(days=14)).isoformat()
    question = {
        "prisonNumber": "A1234BC",
        "kind": "recall",
        "dueOn": due,
        "question": "Recall review: any victim concerns?",
    }
    status, consultation = call(f"{api}/consultations", token, question)
    assert status == 201, consultation

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("link", name="Answer the recall consultation").click()
    expect(page.get_by_role("heading", name="Answer the consultation", level=1)).to_be_visible()
    expect(page.get_by_text("Recall review: any victim concerns?")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("group", name="Is there a victim in the Victim Contact Scheme?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("group", name="Has the victim asked for licence conditions?").get_by_label("Yes").check()
    page.get_by_label("The licence conditions asked for (if any)").fill(
        f"An exclusion zone around {case.victim.addresses.get().town}"
    )
    page.get_by_role("group", name="Does the victim wish to make a Victim Personal Statement?").get_by_label(
        "Not decided yet"
    ).check()
    page.get_by_label("Your response").fill("The victim wants to be told of the outcome.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Remove the town or county of the victim's address"
    )
    assert_accessible(page)

    page.get_by_label("The licence conditions asked for (if any)").fill(
        "An exclusion zone around the victim's home town"
    )
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Answer sent to HMPPS prison events")).to_be_visible()

    status, read = call(f"{api}/consultations/{consultation['id']}", token)
    assert status == 200
    assert read["status"] == "answered"
    assert read["answer"]["licenceConditions"] == "An exclusion zone around the victim's home town"
    assert read["answer"]["wishesToMakeVps"] == "undecided"
