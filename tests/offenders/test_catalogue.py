"""The offence catalogue against the reference table built from the legislation (see docs)."""

from __future__ import annotations

import re

import pytest

from offenders.catalogue import catalogue_load, catalogue_rows, reference_rows
from offenders.models import Offence, SexualCondition

ROWS = {row["code"]: row for row in catalogue_rows()}
REFERENCE = reference_rows()
PART_FLAGS = {"1": "specified_violent", "2": "specified_sexual", "3": "specified_terrorism"}
CITED = (
    "schedule_15_paragraph",
    "schedule_18_paragraph",
    "sexual_paragraph",
    "sexual_condition",
    "child_paragraph",
)


def test_catalogue_stays_at_least_as_large_as_before():
    assert len(ROWS) >= 243  # the size before citations were added


def test_every_catalogue_row_has_a_reference_row_and_back():
    assert set(ROWS) == set(REFERENCE)


def test_every_reference_row_names_a_source():
    assert all(row["source"].strip() for row in REFERENCE.values())


@pytest.mark.parametrize("code", sorted(REFERENCE))
def test_catalogue_row_matches_the_legislation(code):
    row, ref = ROWS[code], REFERENCE[code]
    for part, flag in PART_FLAGS.items():
        assert row[flag] == (ref["specified_part"] == part), flag
    assert row["sex_offender_notification"] == (ref["schedule_3"] == "1")
    assert row["against_child"] == (ref["child_by_definition"] == "1")
    assert row["victim_child_route"] == (ref["victim_child_route"] == "1")
    assert row["murder"] == (ref["murder"] == "1")
    for field in CITED:
        assert row[field] == ref[field], field
    assert (row["in_force_from"].isoformat() if row["in_force_from"] else "") == ref["in_force_from"]


@pytest.mark.parametrize("code", sorted(ROWS))
def test_row_is_well_formed(code):
    row = ROWS[code]
    assert re.fullmatch(r"[A-Z0-9_]+", code) and len(code) <= 40
    assert row["title"] and row["statute"]
    assert row["sexual_condition"] in SexualCondition.values
    if row["sexual_condition"]:
        assert row["sex_offender_notification"], "a Schedule 3 condition on an offence not in Schedule 3"
    if any(row[flag] for flag in PART_FLAGS.values()):
        assert row["schedule_15_paragraph"] or "unverified" in REFERENCE[code]["source"]


@pytest.mark.parametrize(
    ("code", "flag", "paragraph"),
    [
        ("RTA88_S3ZC", "specified_violent", "48A"),
        ("TA00_S11", "specified_terrorism", "154"),
        ("TA00_S57", "specified_terrorism", "158"),
        ("SOA67_S4", "specified_sexual", "95"),
        ("OAPA_S18", "specified_violent", "6"),
    ],
)
def test_rows_named_in_the_issue_are_corrected(code, flag, paragraph):
    row = ROWS[code]
    assert row[flag] and row["schedule_15_paragraph"] == paragraph
    assert not row["specified_violent"] or flag == "specified_violent"


@pytest.mark.parametrize("code", ["FGMA03_S3A", "CYPA33_S11", "CAJA09_S62", "DVCVA04_S5_HARM"])
def test_offence_against_a_child_is_read_as_schedule_4(code):
    assert not ROWS[code]["against_child"]


@pytest.mark.parametrize(
    "code",
    [
        "SOAA00_S3",
        "SOA67_S4",
        "SOA67_S5",
        "TA00_S11",
        "TA00_S12",
        "TA00_S58",
        "TA06_S1",
        "TA06_S2",
        "TA06_S6",
        "TA06_S8",
        "TA06_S9",
        "TA06_S10",
        "TA06_S11",
        "ATCSA01_S47",
        "ATCSA01_S50",
        "DDA91_S3",
    ],
)
def test_missing_offences_are_added(code):
    assert code in ROWS


def test_extreme_pornography_carries_its_threshold():
    row = ROWS["CJIA08_S63"]
    assert (row["sexual_paragraph"], row["sexual_condition"]) == (
        "35A",
        SexualCondition.OFFENDER_18_AND_2_YEARS,
    )


@pytest.mark.django_db
def test_reload_corrects_an_existing_row_by_code_and_keeps_unknown_ones():
    offence = Offence.objects.get(code="RTA88_S3ZC")
    Offence.objects.filter(pk=offence.pk).update(specified_violent=False, schedule_15_paragraph="")
    Offence.objects.create(code="LOCAL_ADDITION", title="Added by an admin", statute="Some Act 1999")
    created, updated = catalogue_load(Offence, update=True)
    offence.refresh_from_db()
    assert (offence.specified_violent, offence.schedule_15_paragraph) == (True, "48A")
    assert created == 0 and updated == len(ROWS)
    assert Offence.objects.filter(code="LOCAL_ADDITION").exists()


@pytest.mark.django_db
def test_database_catalogue_matches_the_file():
    assert Offence.objects.count() == len(ROWS)
    assert Offence.objects.get(code="TA06_S5").specified_terrorism
