"""Victims' contact details and safety notes are encrypted at rest; keys can rotate."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.victims.factories import AddressFactory, VictimFactory
from vcs_portal.core.encryption import reset_key_cache, rotate_all
from victims.models import Address, Victim

pytestmark = pytest.mark.django_db

OLD_KEY = "old-secret-key-" + "x" * 40
NEW_KEY = "new-secret-key-" + "y" * 40


@pytest.fixture(autouse=True)
def fresh_keys():
    reset_key_cache()
    yield
    reset_key_cache()


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test constants
        return cursor.fetchone()[0]


def test_contact_details_are_not_stored_in_plain_text():
    victim = VictimFactory(phone="07700 900555", email="sam@example.org", safe_times_to_call="after 6pm")
    address = AddressFactory(victim=victim, line_1="12 Hidden Lane", postcode="M1 1AA")
    for table, column, pk, plain in [
        ("victims_victim", "phone", victim.pk, "07700 900555"),
        ("victims_victim", "email", victim.pk, "sam@example.org"),
        ("victims_victim", "safe_times_to_call", victim.pk, "after 6pm"),
        ("victims_address", "line_1", address.pk, "12 Hidden Lane"),
        ("victims_address", "postcode", address.pk, "M1 1AA"),
    ]:
        stored = raw(table, column, pk)
        assert plain not in stored and stored.startswith("gAAAA")
    assert Victim.objects.get(pk=victim.pk).phone == "07700 900555"
    assert Address.objects.get(pk=address.pk).postcode == "M1 1AA"


def test_empty_values_stay_empty():
    victim = VictimFactory(phone="", email="")
    assert raw("victims_victim", "phone", victim.pk) == ""
    assert Victim.objects.get(pk=victim.pk).email == ""


def test_data_written_under_the_old_key_reads_after_rotation(settings):
    settings.SECRET_KEY = OLD_KEY
    reset_key_cache()
    victim = VictimFactory(phone="07700 900777")
    before = raw("victims_victim", "phone", victim.pk)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    reset_key_cache()
    assert Victim.objects.get(pk=victim.pk).phone == "07700 900777"

    counts = rotate_all()
    assert counts["victims.Victim"] >= 1
    assert raw("victims_victim", "phone", victim.pk) != before

    settings.SECRET_KEY_FALLBACKS = []
    reset_key_cache()
    assert Victim.objects.get(pk=victim.pk).phone == "07700 900777"


def test_a_new_salt_rotates_too(settings):
    settings.SALT_KEY = ["salt-one"]
    reset_key_cache()
    victim = VictimFactory(email="rotate@example.org")
    settings.SALT_KEY = ["salt-two", "salt-one"]
    rotate_all()
    settings.SALT_KEY = ["salt-two"]
    reset_key_cache()
    assert Victim.objects.get(pk=victim.pk).email == "rotate@example.org"
