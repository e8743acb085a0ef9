"""A burst: 1,000 events in a loop are each recorded once, in the order sent, per offender."""

from __future__ import annotations

import datetime as dt

import pytest

from offenders.models import SentenceEvent
from tests.exchange.factories import domain_event
from tests.victims.factories import CaseFactory
from vcs_portal.exchange.models import InboundEvent, InboundStatus

pytestmark = pytest.mark.django_db

KINDS = [
    ("prison-offender-events.prisoner.released", "TEMPORARY_ABSENCE_RELEASE", "rotl"),
    ("prison-offender-events.prisoner.received", "TRANSFERRED", "transfer"),
]


def test_a_thousand_events_are_recorded_once_each_in_order(
    api, team_a1, vlo, django_capture_on_commit_callbacks
):
    offenders = [
        CaseFactory(team=team_a1, officer=vlo, offender__prison_number=f"C{n:04d}DE").offender
        for n in range(3)
    ]
    start = dt.datetime(2026, 3, 27, 0, 0, tzinfo=dt.UTC)
    sent = []
    # The web side only: each post inserts a row and queues a task, none is run yet.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        for n in range(1000):
            offender = offenders[n % 3]
            event_type, reason, kind = KINDS[n % 2]
            at = start + dt.timedelta(minutes=30 * n)
            body = domain_event(
                offender.prison_number,
                event_type=event_type,
                reason=reason,
                occurred_at=at,
                prison_id=f"P{n}",
            )
            assert api.post("/api/v1/events", body).status_code == 202
            sent.append((offender.pk, kind, f"P{n}"))
        # Resent in the burst: each is the event already kept.
        for n in range(0, 1000, 100):
            offender = offenders[n % 3]
            event_type, reason, _ = KINDS[n % 2]
            at = start + dt.timedelta(minutes=30 * n)
            body = domain_event(
                offender.prison_number,
                event_type=event_type,
                reason=reason,
                occurred_at=at,
                prison_id=f"P{n}",
            )
            assert api.post("/api/v1/events", body)["Idempotent-Replayed"] == "true"
    assert InboundEvent.objects.filter(status=InboundStatus.ACCEPTED).count() == 1000
    assert len(queued) == 1000

    # The workers run the tasks, in whatever order they come: each offender's go in order.
    for callback in reversed(queued):
        callback()

    assert InboundEvent.objects.filter(status=InboundStatus.RECORDED).count() == 1000
    for offender in offenders:
        recorded = list(
            SentenceEvent.objects.filter(sentence__offender=offender, location__startswith="P")
            .order_by("pk")
            .values_list("kind", "location")
        )
        expected = [(kind, where) for pk, kind, where in sent if pk == offender.pk]
        assert recorded == expected
