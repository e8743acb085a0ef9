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
