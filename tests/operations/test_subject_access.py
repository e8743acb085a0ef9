"""Subject access: an admin downloads everything held about one victim, within their region."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from tests.contacts.factories import ContactFactory
from tests.factories import AdminFactory
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, AuditEvent
from vcs_portal.operations.subject_access import subject_access_export
from victims import services

pytestmark = pytest.mark.django_db

URL = reverse("operations:subject_access")


@pytest.fixture
def case(vlo):
    case = CaseFactory(team=vlo.team, officer=vlo)
    AddressFactory(victim=case.victim, line_1="3 Old Road")
    services.address_change(
        actor=vlo,
        victim=case.victim,
        address=services.AddressInput(line_1="9 New Close", town="Bolton", postcode="BL1 1AA"),
        valid_from=dt.date(2026, 5, 1),
    )
    ContactFactory(case=case, summary="Talked through the parole review")
    return case


def download(client, case):
    return client.get(URL, {"reference": case.reference, "format": "json"})


# --- who may use it -----------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(URL)["Location"].startswith(reverse("core:login"))


def test_a_vlo_gets_404(vlo_client, case):
    assert download(vlo_client, case).status_code == 404


def test_a_manager_gets_404(manager_client, case):
    assert download(manager_client, case).status_code == 404


def test_an_admin_sees_the_page(admin_client_verified):
    assert admin_client_verified.get(URL).status_code == 200


def test_an_admin_finds_the_victim_by_case_reference(admin_client_verified, case):
    response = admin_client_verified.get(URL, {"reference": case.reference.lower()})
    assert response.context["summary"]["victim"] == case.victim
    assert "Download (JSON)" in response.content.decode()


def test_an_admin_of_another_region_gets_an_error_for_a_case_outside_it(signed_in, region_b, case):
    other_admin = AdminFactory(region=region_b)
    response = signed_in(other_admin).get(URL, {"reference": case.reference, "format": "json"})
    assert response.status_code == 200
    assert "There is no case with that reference that you can see" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


def test_an_empty_reference_gets_an_error(admin_client_verified):
    response = admin_client_verified.get(URL, {"reference": " "})
    assert "Enter a case reference" in response.content.decode()


# --- the download -------------------------------------------------------------


def test_the_download_is_a_json_attachment(admin_client_verified, case):
    response = download(admin_client_verified, case)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="subject-access-{case.reference}.json"'


def test_the_download_is_audited_as_an_export(admin_client_verified, admin_user, case):
    download(admin_client_verified, case)
    assert AuditEvent.objects.filter(
        actor=admin_user,
        action=AuditAction.EXPORT,
        object_type="victims.Victim",
        object_id=str(case.victim_id),
        summary="subject access export",
    ).exists()


def test_the_export_holds_the_decrypted_phone(admin_client_verified, case):
    data = json.loads(download(admin_client_verified, case).content)
    assert data["victim"]["phone"] == "07700 900123"


def test_the_export_holds_every_address_current_and_former(admin_user, case):
    data = subject_access_export(actor=admin_user, victim=case.victim)
    by_line = {a["line_1"]: a for a in data["addresses"]}
    assert set(by_line) == {"3 Old Road", "9 New Close"}
    assert by_line["9 New Close"]["is_current"] and not by_line["9 New Close"]["do_not_use"]
    assert by_line["3 Old Road"]["do_not_use"] and by_line["3 Old Road"]["valid_to"] == "2026-05-01"


def test_the_export_holds_the_contact_entries(admin_user, case):
    data = subject_access_export(actor=admin_user, victim=case.victim)
    [exported] = data["cases"]
    assert [c["summary"] for c in exported["contacts"]] == ["Talked through the parole review"]
    assert exported["reference"] == case.reference
    assert exported["deadlines"]["first_contact"]["due"] == "2026-04-29"


def test_the_export_holds_who_accessed_the_victims_records(admin_user, teammate, case):
    audit_record(actor=teammate, action=AuditAction.VIEW, obj=case.victim)
    audit_record(actor=teammate, action=AuditAction.VIEW, obj=case)
    data = subject_access_export(actor=admin_user, victim=case.victim)
    viewed = [(e["who"], e["record"]) for e in data["access_log"] if e["action"] == "Viewed"]
    assert (teammate.get_full_name(), f"victims.Victim {case.victim_id}") in viewed
    assert (teammate.get_full_name(), f"victims.Case {case.pk}") in viewed


def test_the_access_log_leaves_out_other_victims(admin_user, teammate, case):
    other = CaseFactory(team=case.team, officer=case.officer)
    audit_record(actor=teammate, action=AuditAction.VIEW, obj=other.victim)
    data = subject_access_export(actor=admin_user, victim=case.victim)
    assert not [e for e in data["access_log"] if e["record"] == f"victims.Victim {other.victim_id}"]


def test_the_export_survives_a_json_round_trip(admin_user, case):
    data = subject_access_export(actor=admin_user, victim=case.victim)
    assert json.loads(json.dumps(data)) == data
