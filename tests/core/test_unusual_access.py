"""Viewing too many victims in an hour alerts admins and the user's manager."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.victims.factories import VictimFactory
from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AccessAlert, AuditAction

pytestmark = pytest.mark.django_db


def view_victims(user, victims) -> None:
    for victim in victims:
        audit_record(actor=user, action=AuditAction.VIEW, obj=victim)


def test_viewing_more_than_the_limit_raises_one_alert(
    vlo, manager, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.VCS_UNUSUAL_ACCESS_VICTIMS_PER_HOUR = 3
    # Names that cannot occur inside the officer's own (a random "Ali" is inside "Alice").
    victims = [VictimFactory(team=vlo.team, last_name=f"Quorndon{i}") for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        view_victims(vlo, victims)
    alert = AccessAlert.objects.get(user=vlo)
    assert alert.distinct_victims == 4  # raised on the fourth, once for the hour
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {manager.email, admin_user.email}
    assert vlo.email in mail.outbox[0].body
    for victim in victims:
        assert victim.last_name not in mail.outbox[0].body


def test_viewing_the_same_victim_again_does_not_count_twice(vlo, settings):
    settings.VCS_UNUSUAL_ACCESS_VICTIMS_PER_HOUR = 3
    victim = VictimFactory(team=vlo.team)
    view_victims(vlo, [victim] * 10)
    assert not AccessAlert.objects.exists()


def test_within_the_limit_no_alert(vlo, settings):
    settings.VCS_UNUSUAL_ACCESS_VICTIMS_PER_HOUR = 3
    view_victims(vlo, VictimFactory.create_batch(3, team=vlo.team))
    assert not AccessAlert.objects.exists()


def test_the_alert_is_not_sent_to_other_regions(vlo, outsider, settings, django_capture_on_commit_callbacks):
    from tests.factories import AdminFactory

    other_admin = AdminFactory(region=outsider.region)
    settings.VCS_UNUSUAL_ACCESS_VICTIMS_PER_HOUR = 1
    with django_capture_on_commit_callbacks(execute=True):
        view_victims(vlo, VictimFactory.create_batch(2, team=vlo.team))
    assert all(other_admin.email not in m.to for m in mail.outbox)
