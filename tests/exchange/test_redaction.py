"""victim_details_found: the one check that a victim's details are not in text leaving the service."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.victims.factories import AddressFactory, CaseFactory, VictimFactory
from vcs_portal.exchange.redaction import offender_victims, victim_details_found
from victims.models import RestrictionKind, VictimRestriction

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim(team_a1, vlo):
    victim = VictimFactory(
        team=team_a1,
        created_by=vlo,
        first_name="Harriet",
        last_name="Quenby-Marsh",
        date_of_birth=dt.date(1971, 3, 9),
        phone="07700 900456",
        email="h.quenby@example.com",
        safe_times_to_call="Weekday mornings before her shift",
    )
    AddressFactory(
        victim=victim,
        line_1="14 Larkspur Road",
        town="Eccles",
        county="Greater Manchester",
        postcode="M30 0LN",
    )
    AddressFactory(
        victim=victim,
        line_1="2 Old Mill Lane",
        town="Bolton",
        postcode="BL1 4QR",
        is_current=False,
        do_not_use=True,
    )
    return victim


def _found(text, victim):
    return victim_details_found(text, victims=[victim])


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Harriet asked for an exclusion zone", "the victim's name"),
        ("Ms Quenby-Marsh wants", "the victim's name"),
        ("Ms Marsh wants", "the victim's name"),
        ("She lives at 14 Larkspur Road", "the victim's address"),
        ("keep him away from Larkspur", "the victim's address"),
        ("an exclusion zone around Eccles", "the town or county of the victim's address"),
        ("anywhere in greater manchester", "the town or county of the victim's address"),
        ("postcode M30 0LN", "the victim's postcode"),
        ("postcode m300ln", "the victim's postcode"),
        ("the M30 area", "the victim's postcode"),
        ("her old home in Bolton", "the town or county of the victim's address"),
        ("ring 07700900456", "the victim's phone number"),
        ("ring +44 7700 900 456", "the victim's phone number"),
        ("email h.quenby@example.com", "the victim's email address"),
        ("born 9 March 1971", "the victim's date of birth"),
        ("born 09/03/1971", "the victim's date of birth"),
        ("born 1971-03-09", "the victim's date of birth"),
        ("call weekday mornings before her shift", "the victim's safety or access details"),
    ],
)
def test_each_kind_of_detail_is_found(victim, text, label):
    assert label in _found(text, victim)


def test_words_that_describe_without_identifying_pass(victim):
    text = (
        "The victim is in the scheme and asks for an exclusion zone around the victim's home town "
        "and no contact with the victim or their family. They wish to make a VPS."
    )

    assert _found(text, victim) == []


def test_a_name_inside_another_word_is_not_a_match(victim):
    assert _found("Harrietta Marshall", victim) == []


def test_a_restrictions_detail_is_found(victim, vlo):
    VictimRestriction.objects.create(
        victim=victim, kind=RestrictionKind.OTHER, detail="Do not call the landline at work", added_by=vlo
    )

    assert _found("do not call the landline at work please", victim) == [
        "the victim's safety or access details"
    ]


def test_offender_victims_are_every_victim_of_every_case(team_a1, vlo):
    first = CaseFactory(team=team_a1, officer=vlo)
    second = CaseFactory(team=team_a1, officer=vlo, offender=first.offender, sentence=first.sentence)

    assert {v.pk for v in offender_victims(first.offender)} == {first.victim_id, second.victim_id}
