"""Fixtures for letters: the default wording, and cases with what letters need to say."""

from __future__ import annotations

import datetime as dt

import pytest

from offenders.models import KeyDate, KeyDateKind, SecurityCategoryChange
from victims.models import CaseStatus, ContactLevel

TODAY = dt.date(2026, 11, 20)
CRD = dt.date(2027, 3, 14)
PED = dt.date(2027, 1, 12)
LED = dt.date(2029, 3, 13)
PRISON = "HMP Example"


@pytest.fixture(autouse=True)
def letter_templates(request: pytest.FixtureRequest, offence_catalogue: None) -> None:
    """The default wording, as migration 0002 loads it (transactional tests empty the table).

    Loaded only for tests that use the database, like the offence catalogue in tests/conftest.py.
    """
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        names & {"transactional_db", "live_server"}
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from vcs_portal.letters.default_templates import templates_load
    from vcs_portal.letters.models import LetterTemplate

    templates_load(LetterTemplate)


@pytest.fixture
def frozen_day() -> dt.date:
    """Every letters test runs on 20 November 2026 (see ``frozen_today`` in tests/conftest.py)."""
    return TODAY


@pytest.fixture
def make_case(make_case):
    """An opted-in case held by Alice: category C, a PED, CRD and LED, a safe address."""

    def make(*, category: str = "C", key_dates: bool = True, address: bool = True, **kwargs):
        kwargs.setdefault("status", CaseStatus.OPTED_IN)
        kwargs.setdefault("contact_level", ContactLevel.ALL_KEY_STAGES)
        kwargs.setdefault("status_changed_on", dt.date(2026, 4, 20))
        kwargs.setdefault("offender__location", PRISON)
        case = make_case(
            offence=True, address=address and {"line_1": "12 Acacia Avenue", "postcode": "M5 4WT"}, **kwargs
        )
        if category:
            SecurityCategoryChange.objects.create(
                offender=case.offender,
                category=category,
                effective_on=dt.date(2026, 6, 1),
                recorded_by=case.officer,
            )
        if key_dates:
            for kind, on in ((KeyDateKind.PED, PED), (KeyDateKind.CRD, CRD), (KeyDateKind.LED, LED)):
                KeyDate.objects.create(
                    sentence=case.sentence,
                    kind=kind,
                    date=on,
                    source="prison calculation",
                    recorded_by=case.officer,
                )
        return case

    return make


@pytest.fixture
def case(make_case):
    return make_case(
        reference="VCS-2026-000042",
        victim__first_name="Sam",
        victim__last_name="Reed",
        offender__first_name="Dan",
        offender__last_name="Marsh",
    )
