"""The prison register: loaded by its migration, every name an establishment goes by, the chooser,
the mapping of locations typed before it existed, and the admin that keeps it."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from offenders.models import Establishment, EstablishmentKind, EventKind, SentenceEvent
from offenders.register import display_name_for, forms_for, match_location, normalise, register_rows
from offenders.selectors import establishment_choices, unregistered_locations
from tests.offenders.factories import OffenderFactory, SentenceFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from victims.forms import SentenceEventForm

pytestmark = pytest.mark.django_db


def test_the_register_holds_the_prisons_yois_and_secure_hospitals_of_england_and_wales():
    codes = set(Establishment.objects.values_list("code", flat=True))
    assert {"CFI", "MRI", "SWI", "WYI", "BROADMOOR", "RAMPTON", "ASHWORTH"} <= codes
    assert len(codes) == len(register_rows()) > 140
    cardiff = Establishment.objects.get(code="CFI")
    assert (cardiff.display_name, cardiff.welsh_name) == ("HMP Cardiff", "Carchar Caerdydd")
    assert not Establishment.objects.get(code="HYI").is_active  # Holloway: closed, still known


def test_every_common_form_of_a_prisons_name_is_listed():
    forms = forms_for(name="Cardiff", kind=EstablishmentKind.PRISON, welsh_name="Carchar Caerdydd")
    for written in (
        "HMP Cardiff",
        "H.M.P. Cardiff",
        "Cardiff prison",
        "HM Prison Cardiff",
        "Carchar Caerdydd",
    ):
        assert normalise(written) in forms
    assert "ngharchar caerdydd" in forms  # "yng Ngharchar Caerdydd"
    assert normalise("Cardiff") not in forms  # the city is not the prison


def test_normalising_ignores_case_dots_brackets_and_line_breaks():
    assert normalise("H. M. P.\n  CARDIFF") == normalise("(hmp) cardiff") == "hmp cardiff"
    assert normalise("Tŷ Llywelyn") == "ty llywelyn"


def test_the_chooser_offers_open_establishments_and_not_known():
    choices = establishment_choices()
    assert choices[0] == ("", "Not known")
    names = [value for value, _ in choices]
    assert "HMP Cardiff" in names and "Broadmoor Hospital" in names
    assert "HMP Holloway" not in names


def test_an_events_location_is_chosen_from_the_register():
    data = {"kind": EventKind.TRANSFER, "occurred_on_0": "1", "occurred_on_1": "5", "occurred_on_2": "2026"}
    assert SentenceEventForm({**data, "location": "HMP Cardiff"}).is_valid()
    form = SentenceEventForm({**data, "location": "Cardiff nick"})
    assert not form.is_valid()
    assert form.errors["location"] == ["Choose a prison or hospital from the list"]


def test_the_migration_maps_known_locations_and_leaves_unknown_ones_for_an_admin():
    migration = importlib.import_module("offenders.migrations.0006_prison_register")
    known = OffenderFactory(location="H.M.P. Cardiff")
    unknown = OffenderFactory(location="Nowhere Unit")
    sentence = SentenceFactory(offender=known)
    event = SentenceEvent.objects.create(
        sentence=sentence,
        kind=EventKind.TRANSFER,
        occurred_on="2026-05-01",
        location="Strangeways",
        recorded_by=known.created_by,
    )
    migration.load_and_map(apps, None)
    known.refresh_from_db()
    unknown.refresh_from_db()
    event.refresh_from_db()
    assert (known.location, event.location, unknown.location) == (
        "HMP Cardiff",
        "HMP Manchester",
        "Nowhere Unit",
    )
    assert unregistered_locations() == [("Nowhere Unit", 1)]


def test_a_location_matches_only_as_a_whole_name():
    establishments = list(Establishment.objects.all())
    assert match_location("Cardiff prison", establishments).code == "CFI"
    assert match_location("Cardiff", establishments) is None
    assert display_name_for("Wetherby", EstablishmentKind.YOI) == "HMYOI Wetherby"


def test_admins_add_an_establishment_and_it_is_audited(admin_client_verified):
    response = admin_client_verified.post(
        reverse("admin:offenders_establishment_add"),
        {
            "code": "NTI",
            "name": "Newtown",
            "kind": "prison",
            "welsh_name": "",
            "common_forms": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    added = Establishment.objects.get(code="NTI")
    assert AuditEvent.objects.filter(
        object_type="offenders.Establishment", object_id=str(added.pk), action=AuditAction.CREATE
    ).exists()


def test_the_register_admin_lists_locations_it_does_not_know(admin_client_verified):
    OffenderFactory(location="HMP Made Up")
    response = admin_client_verified.get(reverse("admin:offenders_establishment_changelist"))
    assert "Recorded locations not in the register: HMP Made Up (1)" in response.content.decode()
