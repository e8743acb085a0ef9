"""victims.selectors.case_search: what the header's search box finds, and why."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from offenders.models import Offender, OffenderAlias
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.core.search import search_term, search_text
from victims.models import Victim
from victims.selectors import case_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(vlo):
    return CaseFactory(
        team=vlo.team,
        officer=vlo,
        reference="VCS-2026-000042",
        victim__first_name="Zoë",
        victim__last_name="Brontë-Öztürk",
        offender__first_name="Dean",
        offender__last_name="Mason",
        offender__pnc_number="85/100001A",
        offender__prison_number="A1234BC",
    )


def found(user, term):
    search = case_search(user=user, term=term)
    return {c.pk: search.reasons(c) for c in search.cases}


def test_part_of_a_victims_name_is_found_without_its_accents(vlo, case):
    assert found(vlo, "bronte")[case.pk] == ["Victim's name"]


def test_a_name_typed_with_accents_finds_it_too(vlo, case):
    assert case.pk in found(vlo, "Öztürk")


def test_first_and_last_name_match_in_either_order(vlo, case):
    assert case.pk in found(vlo, "ozturk zoe")


def test_an_offenders_name_is_found(vlo, case):
    assert found(vlo, "MASO")[case.pk] == ["Offender's name"]


def test_an_offenders_alias_is_found(vlo, case):
    OffenderAlias.objects.create(offender=case.offender, first_name="Danny", last_name="Marsh")
    assert found(vlo, "marsh")[case.pk] == ["An alias of the offender"]


def test_the_case_reference_is_found_in_any_case(vlo, case):
    assert found(vlo, "vcs-2026-000042")[case.pk] == ["Case reference"]


def test_a_pnc_number_is_found_with_spaces_and_lower_case(vlo, case):
    assert found(vlo, "85/100001 a")[case.pk] == ["PNC number"]


def test_a_prison_number_is_found(vlo, case):
    assert found(vlo, "a1234bc")[case.pk] == ["Prison number"]


def test_a_full_postcode_is_found_with_or_without_its_space(vlo, case):
    AddressFactory(victim=case.victim, recorded_by=vlo, postcode="M5 4WT")
    assert found(vlo, "m54wt")[case.pk] == ["Postcode of the victim's current address"]
    assert found(vlo, "M5 4WT")[case.pk] == ["Postcode of the victim's current address"]


def test_a_former_addresss_postcode_says_so(vlo, case):
    AddressFactory(
        victim=case.victim, recorded_by=vlo, postcode="LL11 1AA", is_current=False, do_not_use=True
    )
    assert found(vlo, "LL11 1AA")[case.pk] == ["Postcode of a former address of the victim"]


def test_the_postcode_is_stored_only_as_a_keyed_hash(vlo, case):
    address = AddressFactory(victim=case.victim, recorded_by=vlo, postcode="M5 4WT")
    with connection.cursor() as cursor:
        cursor.execute("SELECT postcode, postcode_index FROM victims_address WHERE id = %s", [address.pk])
        stored_postcode, stored_index = cursor.fetchone()
    assert "M5" not in stored_postcode and "M5" not in stored_index
    assert len(stored_index) == 64


def test_the_index_follows_a_changed_postcode(vlo, case):
    address = AddressFactory(victim=case.victim, recorded_by=vlo, postcode="M5 4WT")
    address.postcode = "M1 1AE"
    address.save()
    assert case.pk not in found(vlo, "M5 4WT")
    assert case.pk in found(vlo, "M1 1AE")


def test_a_case_outside_the_users_scope_is_never_found(outsider, case):
    assert found(outsider, "bronte") == {}
    assert found(outsider, "VCS-2026-000042") == {}


def test_a_short_term_matches_a_whole_surname_only(vlo, team_a1):
    ng = CaseFactory(team=team_a1, officer=vlo, victim__last_name="Ng")
    CaseFactory(team=team_a1, officer=vlo, victim__last_name="Ngata")
    assert list(found(vlo, "ng")) == [ng.pk]


def test_exact_matches_come_before_name_matches(vlo, team_a1, case):
    by_name = CaseFactory(team=team_a1, officer=vlo, victim__last_name="VCS-2026-000042 Smith")
    assert list(found(vlo, "VCS-2026-000042")) == [case.pk, by_name.pk]


@pytest.mark.parametrize(
    ("model", "index"),
    [
        (Victim, "victim_name_trgm_idx"),
        (Offender, "offender_name_trgm_idx"),
        (OffenderAlias, "alias_name_trgm_idx"),
    ],
)
def test_the_name_match_can_use_the_trigram_index(model, index):
    """The planner picks scope or trigram by cost; here the trigram index is the only way in."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:  # the embedded pgserver has no contrib extensions
            if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
                pytest.fail("pg_trgm is missing from the test database's server under CI")
            pytest.skip("this PostgreSQL has no pg_trgm (the embedded pgserver): the index is left out")
    query = model.objects.alias(search_name=search_text("first_name", "last_name")).filter(
        search_name__contains=search_term("bronte")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {index}" in plan
