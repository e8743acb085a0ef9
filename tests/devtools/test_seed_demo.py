"""``seed_demo``: the demo users need DEBUG, and the national load is not held in one transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from vcs_portal.core.models import User
from vcs_portal.devtools.management.commands import seed_national


@pytest.mark.django_db
def test_demo_users_are_refused_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo", quiet=True)

    assert not User.objects.filter(email__endswith="@demo.vcs.local").exists()


@pytest.mark.django_db(transaction=True)
def test_national_scale_runs_outside_a_transaction(settings, monkeypatch):
    """seed_national commits its own load and vacuums afterwards: PostgreSQL refuses VACUUM in a
    transaction, so seed_demo must not wrap it in one."""
    settings.DEBUG = False
    seen: dict[str, Any] = {}

    def handle(self: Any, *args: Any, **options: Any) -> None:
        seen["in_transaction"] = connection.in_atomic_block
        seen["seed"] = options["seed"]

    monkeypatch.setattr(seed_national.Command, "handle", handle)

    call_command("seed_demo", "--scale", "national", "--seed", "5", verbosity=0)

    assert seen == {"in_transaction": False, "seed": 5}


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", quiet=True)


@pytest.mark.django_db
def test_demo_has_a_regional_manager_and_a_second_region(demo):
    from vcs_portal.core.models import Region

    assert User.objects.filter(email__endswith="@demo.vcs.local", is_regional_manager=True).exists()
    assert Region.objects.filter(code__startswith="demo-").count() == 2


@pytest.mark.django_db
def test_demo_has_a_case_at_each_stage(demo):
    from offenders.models import EventKind, SentenceEvent
    from parole.models import ParoleReview
    from victims.models import Case, CaseStatus

    cases = Case.objects.filter(officer__email__endswith="@demo.vcs.local")
    assert {CaseStatus.REFERRED, CaseStatus.OPTED_IN, CaseStatus.CLOSED} <= set(
        cases.values_list("status", flat=True)
    )
    assert ParoleReview.objects.filter(sentence__cases__in=cases).exists()
    assert SentenceEvent.objects.filter(sentence__cases__in=cases, kind=EventKind.RELEASE).exists()


@pytest.mark.django_db
def test_every_demo_first_contact_is_in_the_contact_log(demo):
    from contacts.models import Contact, ContactWith
    from victims.models import Case

    for case in Case.objects.filter(first_contact_on__isnull=False):
        assert Contact.objects.filter(
            case=case, with_whom=ContactWith.VICTIM, occurred_at__date=case.first_contact_on
        ).exists(), case.reference


@pytest.mark.django_db
def test_seeding_the_demo_twice_adds_nothing(demo, settings):
    from victims.models import Case

    before = (User.objects.count(), Case.objects.count())
    call_command("seed_demo", quiet=True)
    assert (User.objects.count(), Case.objects.count()) == before
