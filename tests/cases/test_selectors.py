"""The case's timeline: newest first, every app's entries, and only as many rows read as shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from offenders.models import EventKind, SentenceEvent
from tests.victims.factories import CaseFactory
from vcs_portal.cases.selectors import case_timeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(vlo):
    case = CaseFactory(team=vlo.team, officer=vlo, sentence__sentence_date=dt.date(2020, 1, 6))
    SentenceEvent.objects.bulk_create(
        SentenceEvent(
            sentence=case.sentence,
            kind=EventKind.TRANSFER,
            occurred_on=dt.date(2020, 2, 1) + dt.timedelta(days=n),
            detail=f"move {n}",
            recorded_by=vlo,
        )
        for n in range(60)
    )
    return case


def test_the_newest_entries_are_the_same_as_the_head_of_the_whole_timeline(case):
    whole = case_timeline(case=case)
    assert [e.detail for e in case_timeline(case=case, newest=8)[:8]] == [e.detail for e in whole[:8]]
    assert whole[0].detail == "move 59"


def test_a_long_sentence_history_reads_only_the_events_the_page_shows(case):
    with CaptureQueriesContext(connection) as queries:
        case_timeline(case=case, newest=5)
    event_reads = [q["sql"] for q in queries.captured_queries if 'FROM "offenders_sentenceevent"' in q["sql"]]
    assert len(event_reads) == 1 and "LIMIT 5" in event_reads[0]
