"""Admins edit the offence catalogue in the Django admin."""

from __future__ import annotations

import pytest

from offenders.models import Offence
from vcs_portal.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def test_the_catalogue_is_loaded_with_at_least_150_offences():
    assert Offence.objects.count() >= 150
    murder = Offence.objects.get(code="MURDER")
    assert murder.murder and murder.is_sexual_or_violent


def test_homicide_alone_does_not_make_an_offence_statutory():
    careless = Offence.objects.get(code="RTA88_S2B")
    assert careless.homicide and not careless.is_sexual_or_violent


def test_admin_edits_an_offence_and_the_edit_is_audited(admin_client_verified):
    offence = Offence.objects.get(code="OAPA_S20")
    page = admin_client_verified.get(f"/admin/offenders/offence/{offence.pk}/change/")
    assert page.status_code == 200
    data = {
        "code": offence.code,
        "title": "Inflicting grievous bodily harm",
        "statute": offence.statute,
        "section": offence.section,
        "is_active": "on",
        "specified_violent": "on",
    }
    response = admin_client_verified.post(f"/admin/offenders/offence/{offence.pk}/change/", data)
    assert response.status_code == 302
    offence.refresh_from_db()
    assert offence.title == "Inflicting grievous bodily harm"
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="offenders.Offence").exists()


def test_offences_cannot_be_deleted_in_the_admin(admin_client_verified):
    offence = Offence.objects.get(code="OAPA_S20")
    assert admin_client_verified.get(f"/admin/offenders/offence/{offence.pk}/delete/").status_code == 403


def test_a_vlo_cannot_edit_the_catalogue(vlo_client):
    assert vlo_client.get("/admin/offenders/offence/", follow=True).status_code == 403
