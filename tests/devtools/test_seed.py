"""The national seeder, at a tiny scale: deterministic, consistent with the rules, and careful."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from vcs_portal.devtools.seed import SCALES, seed_national, seeded_first_names
from victims.models import Case, Victim

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 1)


class _Undo(Exception):
    pass


def _seed_and_undo(seed: int) -> tuple[dict[str, int], list[str], list[str]]:
    """Seed inside a savepoint, note what was made, and roll it back."""
    try:
        with transaction.atomic():
            report = seed_national(seed=seed, scale="tiny", today=DAY)
            names = seeded_first_names(30)
            statuses = list(Case.objects.order_by("pk").values_list("status", flat=True))
            for case in Case.objects.order_by("pk")[:5]:
                case.full_clean()
            for victim in Victim.objects.order_by("pk")[:5]:
                victim.full_clean()
            raise _Undo
    except _Undo:
        pass
    return report.counts, names, statuses


def test_same_seed_gives_the_same_data():
    first = _seed_and_undo(7)
    second = _seed_and_undo(7)

    assert first == second
    counts = first[0]
    tiny = SCALES["tiny"]
    assert counts["victims.Case"] == tiny.cases
    assert counts["victims.Victim"] == tiny.victims
    assert counts["contacts.Contact"] >= tiny.contacts
    assert counts["offenders.SentenceEvent"] == tiny.events


def test_another_seed_gives_other_names():
    assert _seed_and_undo(7)[1] != _seed_and_undo(8)[1]


def test_seeded_cases_agree_with_the_eligibility_rules():
    counts, _names, _statuses = _seed_and_undo(3)

    assert counts["cases flagged for review by the sweep"] == 0


def test_command_refuses_a_database_with_cases(make_case, vlo):
    make_case(vlo)

    with pytest.raises(CommandError, match="already holds cases"):
        call_command("seed_national", "--scale", "tiny", verbosity=0)
