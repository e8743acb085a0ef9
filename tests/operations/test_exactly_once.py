"""Exactly once, whatever the order of days: a property over random case histories.

For a random set of cases (opted in at any level since any year, opted out, awaiting first
contact, statutory or not, with key dates, parole reviews, statements and events) the daily jobs
are run for a random non-decreasing run of days ending on a last day L (gaps, repeats, a day run
twice, or every day one by one). The open tasks and unsent letters of every case must then be
those of one clean run for L on the same history, and running L again must change no row.

Both runs start from the same history: it is built once, then each run happens inside a
savepoint that is rolled back, so the comparison is of two worlds that differ only in the days.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.models import Task, TaskKind, TaskStatus
from contacts.services import key_date_add, sentence_event_add
from offenders.models import EventKind, KeyDateKind, SentenceType
from parole.models import ParoleReview, ReviewKind
from parole.services import vps_invite
from tests.offenders.factories import SentenceOffenceFactory
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.core.models import AuditEvent
from vcs_portal.letters.default_templates import templates_load
from vcs_portal.letters.models import Letter, LetterStatus, LetterTemplate
from vcs_portal.operations.daily import daily_jobs_run
from victims.models import CaseStatus, ContactLevel

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 11, 0, tzinfo=dt.UTC)
START = NOW.date()
SPAN_DAYS = 550  # runs fall between 1 June 2026 and early December 2027
PROPERTY = settings(
    max_examples=int(os.environ.get("VCS_PROPERTY_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

day_offset = st.integers(min_value=0, max_value=SPAN_DAYS)


@st.composite
def run_days(draw: st.DrawFn) -> tuple[dt.date, list[dt.date]]:
    """A last day, and a non-decreasing run of days ending on it."""
    last = START + dt.timedelta(days=draw(day_offset))
    if draw(st.booleans()):  # every day one by one, for up to three weeks before the last
        first = max(START, last - dt.timedelta(days=draw(st.integers(0, 20))))
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    else:  # gaps and repeats
        offsets = draw(st.lists(st.integers(0, (last - START).days), max_size=8))
        days = [*sorted(START + dt.timedelta(days=n) for n in offsets), last]
    if draw(st.booleans()):  # one day run twice
        days.insert(draw(st.integers(0, len(days) - 1)), days[draw(st.integers(0, len(days) - 1))])
        days.sort()
    return last, days


def case_spec(last: dt.date) -> st.SearchStrategy[dict]:
    """One case. Its dates fall around the last day, where windows open, close and overlap."""

    def near(before: int, after: int) -> st.SearchStrategy[dt.date]:
        floor = START + dt.timedelta(days=1)
        return st.integers(-before, after).map(lambda n: max(floor, last + dt.timedelta(days=n)))

    return st.fixed_dictionaries(
        {
            "status": st.sampled_from(["opted_in", "opted_in", "opted_out", "referred", "declined"]),
            "level": st.sampled_from(list(ContactLevel.values)),
            "opted_in_on": st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2026, 5, 31)),
            "statutory": st.booleans(),
            "first_contact_due": st.dates(min_value=dt.date(2026, 3, 1), max_value=dt.date(2026, 12, 31)),
            "crd": st.none() | near(60, 120),
            "ped": st.none() | near(60, 120),
            "hearing": st.none() | near(20, 60),  # the VPS deadline is 28 days before
            "invited": st.sampled_from([True, True, False]),
            "release_event": st.booleans(),
            "hospital": st.sampled_from([False, False, False, True]),
        }
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[dict], tuple[dt.date, list[dt.date]]]:
    days = draw(run_days())
    specs = draw(st.lists(case_spec(days[0]), min_size=1, max_size=4))
    return specs, days


def build(specs: list[dict], vlo) -> None:  # type: ignore[no-untyped-def]
    """The history, recorded on 1 June 2026 as a VLO would record it."""
    for n, spec in enumerate(specs):
        opted_in = spec["status"] == "opted_in"
        case = CaseFactory(
            team=vlo.team,
            officer=vlo,
            reference=f"VCS-P{n:04d}",
            status={
                "opted_in": CaseStatus.OPTED_IN,
                "opted_out": CaseStatus.OPTED_OUT,
                "referred": CaseStatus.REFERRED,
                "declined": CaseStatus.DECLINED,
            }[spec["status"]],
            status_changed_on=spec["opted_in_on"] if opted_in else dt.date(2026, 5, 1),
            contact_level=spec["level"] if opted_in else "",
            statutory=spec["statutory"],
            referral_received_on=dt.date(2026, 2, 2),
            first_contact_due=spec["first_contact_due"],
            escalation_due=spec["first_contact_due"] + dt.timedelta(days=28),
            first_contact_on=dt.date(2026, 2, 20) if spec["status"] != "referred" else None,
            sentence__sentence_type=SentenceType.HOSPITAL_S37 if spec["hospital"] else SentenceType.LIFE,
            sentence__years=None,
            sentence__sentence_date=dt.date(2015, 1, 5),
        )
        SentenceOffenceFactory(sentence=case.sentence)
        AddressFactory(victim=case.victim, recorded_by=vlo)
        for kind, on in ((KeyDateKind.CRD, spec["crd"]), (KeyDateKind.PED, spec["ped"])):
            if on:
                key_date_add(actor=vlo, sentence=case.sentence, kind=kind, on=on, source="prison calculation")
        if spec["hearing"] and not spec["hospital"]:
            review = ParoleReview.objects.create(
                sentence=case.sentence,
                referred_on=dt.date(2026, 5, 4),
                kind=ReviewKind.ORAL,
                hearing_on=spec["hearing"],
                recorded_by=vlo,
            )
            if spec["invited"] and opted_in:
                vps_invite(actor=vlo, case=case, review=review, invited_on=START)
        if spec["release_event"]:
            kind = EventKind.TRIBUNAL if spec["hospital"] else EventKind.RECATEGORISATION
            sentence_event_add(actor=vlo, sentence=case.sentence, kind=kind, occurred_on=dt.date(2026, 5, 20))


def run(day: dt.date) -> None:
    for job_run in daily_jobs_run(as_of=day):
        assert job_run.error is None, job_run.line()


def open_work() -> dict[int, set[tuple]]:
    """Per case: its open tasks and unsent letters, named by what they are for (never by id)."""
    named = dict(Task.objects.values_list("pk", "kind"))
    keys = dict(Task.objects.values_list("pk", "dedupe_key"))

    def what(key: str) -> str:
        if key.startswith("overdue:"):  # an escalation names the task it escalates by that task's key
            pk = int(key.removeprefix("overdue:"))
            return f"overdue:{named[pk]}:{keys[pk]}"
        return key

    work: dict[int, set[tuple]] = {}
    for task in Task.objects.open():
        work.setdefault(task.case_id, set()).add(
            ("task", task.kind, what(task.dedupe_key), task.title, task.detail, task.due_on, task.owner_id)
        )
    for letter in Letter.objects.filter(status__in=[LetterStatus.DRAFT, LetterStatus.APPROVED]):
        work.setdefault(letter.case_id, set()).add(("letter", letter.kind, letter.period_key, letter.status))
    return work


def every_row() -> tuple[list, list, int]:
    return (
        list(Task.objects.order_by("pk").values()),
        list(Letter.objects.order_by("pk").values("pk", "status", "period_key", "subject", "cancelled_at")),
        AuditEvent.objects.count(),
    )


def in_a_world(action):  # type: ignore[no-untyped-def]
    """Run ``action`` in a savepoint rolled back afterwards; return what it returned."""
    with transaction.atomic():
        outcome = action()
        transaction.set_rollback(True)
    return outcome


@pytest.fixture
def history_base(vlo, manager):
    templates_load(LetterTemplate)
    return vlo


@PROPERTY
@given(scenario=scenarios())
def test_the_open_work_after_any_run_of_days_is_that_of_one_clean_run_for_the_last(history_base, scenario):
    specs, (last, sequence) = scenario
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        build(specs, history_base)

        def clean() -> dict[int, set[tuple]]:
            run(last)
            return open_work()

        def day_by_day() -> tuple[dict[int, set[tuple]], bool]:
            for day in sequence:
                run(day)
            work = open_work()
            before = every_row()
            run(last)
            return work, every_row() == before

        expected = in_a_world(clean)
        got, repeat_changed_nothing = in_a_world(day_by_day)
        transaction.set_rollback(True)
    assert got == expected, f"days run: {sequence}"
    assert repeat_changed_nothing, f"a second run for {last} changed rows (days run: {sequence})"


def test_the_property_sees_real_work(history_base):
    """The generated histories make every kind of work the property compares (a guard that the
    property is not vacuous)."""
    specs = [
        {
            "status": "opted_in",
            "level": ContactLevel.ALL_KEY_STAGES,
            "opted_in_on": dt.date(2018, 3, 1),
            "statutory": True,
            "first_contact_due": dt.date(2026, 3, 2),
            "crd": dt.date(2026, 7, 1),
            "ped": None,
            "hearing": dt.date(2026, 8, 3),
            "invited": True,
            "release_event": True,
            "hospital": False,
        },
        {
            "status": "opted_out",
            "level": "",
            "opted_in_on": dt.date(2018, 3, 1),
            "statutory": True,
            "first_contact_due": dt.date(2026, 3, 2),
            "crd": dt.date(2026, 7, 1),
            "ped": None,
            "hearing": None,
            "invited": False,
            "release_event": False,
            "hospital": False,
        },
        {
            "status": "referred",
            "level": "",
            "opted_in_on": dt.date(2018, 3, 1),
            "statutory": True,
            "first_contact_due": dt.date(2026, 5, 1),
            "crd": None,
            "ped": None,
            "hearing": None,
            "invited": False,
            "release_event": False,
            "hospital": False,
        },
    ]
    with time_machine.travel(NOW, tick=False):
        build(specs, history_base)
        run(dt.date(2026, 6, 20))
    kinds = set(Task.objects.open().values_list("kind", flat=True))
    assert kinds >= {
        TaskKind.ANNUAL_LETTER,
        TaskKind.KEY_EVENT,
        TaskKind.VPS_DUE,
        TaskKind.REOFFER,
        TaskKind.FIRST_CONTACT,
        TaskKind.ESCALATION,
    }
    assert Letter.objects.exists()
    assert Task.objects.filter(status=TaskStatus.CANCELLED).exists()  # the missed annual letters
