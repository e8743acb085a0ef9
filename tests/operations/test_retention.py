"""The retention policy: closed cases get a retention date; the sweep anonymises what is due."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from contacts.models import Contact, ContactHistory, TaskHistory
from parole.models import LicenceConditionRequest, LicenceConditionRequestHistory, MultiAgencyMeeting
from tests.contacts.factories import ContactFactory, TaskFactory
from tests.parole.factories import ConditionFactory, MeetingFactory
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from vcs_portal.letters.models import Letter
from vcs_portal.operations.retention import REMOVED, REMOVED_NAME, retention_sweep
from vcs_portal.operations.tasks import daily_jobs_task
from victims import services
from victims.models import (
    Address,
    AddressHistory,
    Case,
    CaseStatus,
    CaseStatusChange,
    ClosureReason,
    RestrictionKind,
    SafetyConcern,
    SafetyConcernHistory,
    Victim,
    VictimHistory,
    VictimRestriction,
)

pytestmark = pytest.mark.django_db

CLOSED_ON = dt.date(2026, 6, 1)
DUE = dt.date(2032, 6, 1)  # six years on
SECRET = "He waits outside 14 Mill Lane at night"


def travel(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC), tick=False)


def close(case: Case, on: dt.date = CLOSED_ON) -> Case:
    with travel(on):
        return services.case_status_change(
            actor=case.officer,
            case=case,
            to_status=CaseStatus.CLOSED,
            changed_on=on,
            closure_reason=ClosureReason.SENTENCE_ENDED,
        )


def sweep(day: dt.date, **kwargs) -> dict[str, int]:
    with travel(day):
        return retention_sweep(as_of=day, **kwargs).counts


@pytest.fixture
def case(vlo) -> Case:
    """A case with its victim's details, a contact edited once, a safety concern and parole work."""
    with travel(dt.date(2026, 5, 1)):
        case = CaseFactory(team=vlo.team, officer=vlo)
        AddressFactory(victim=case.victim, line_1="14 Mill Lane")
        contact = ContactFactory(
            case=case, summary="First draft naming the new flat", outcome="Will call back"
        )
        contact.summary = SECRET  # the edit writes a history row holding the text
        contact.save()
        SafetyConcern.objects.create(
            case=case, raised_on=dt.date(2026, 4, 20), description=SECRET, recorded_by=vlo
        )
        ConditionFactory(case=case, description="Not to enter Mill Lane")
        MeetingFactory(case=case, views_put_forward="She fears he will come to the house")
        TaskFactory(case=case, title="Ring her sister about Mill Lane", detail="Ask about the flat")
        VictimRestriction.objects.create(
            victim=case.victim, kind=RestrictionKind.OTHER, detail="Only call her sister", added_by=vlo
        )
    return case


# --- the retention date -------------------------------------------------------


def test_closing_a_case_sets_its_retention_date_from_the_setting(case, settings):
    settings.VCS_RETENTION_YEARS = 3
    assert close(case).retention_date == dt.date(2029, 6, 1)


def test_the_retention_period_defaults_to_six_years(case, settings):
    assert settings.VCS_RETENTION_YEARS == 6  # base settings' default, with no environment override
    assert close(case).retention_date == DUE


def test_the_migration_backfills_cases_closed_before_it(case):
    close(case, on=dt.date(2026, 5, 20))
    Case.objects.filter(pk=case.pk).update(retention_date=None)
    migration = importlib.import_module("victims.migrations.0007_retention")
    migration.backfill_retention_dates(apps, None)
    case.refresh_from_db()
    assert case.retention_date == dt.date(2032, 5, 20)


# --- the sweep ----------------------------------------------------------------


def test_a_case_not_yet_due_is_untouched(case):
    close(case)
    result = sweep(DUE - dt.timedelta(days=1))
    case.refresh_from_db()
    assert result["cases anonymised"] == 0
    assert case.anonymised_at is None
    assert case.contacts.get().summary == SECRET


def test_an_open_case_is_never_anonymised(case):
    Case.objects.filter(pk=case.pk).update(retention_date=CLOSED_ON)  # even with a date set
    sweep(DUE)
    assert case.contacts.get().summary == SECRET


def test_a_due_case_loses_its_contact_summaries(case):
    close(case)
    sweep(DUE)
    contact = case.contacts.get()
    assert (contact.summary, contact.outcome) == (REMOVED, REMOVED)


def test_a_due_case_loses_its_safety_concern_text(case):
    close(case)
    sweep(DUE)
    assert case.safety_concerns.get().description == REMOVED


def test_a_due_case_loses_its_licence_condition_and_meeting_text(case):
    close(case)
    sweep(DUE)
    assert LicenceConditionRequest.objects.get(case=case).description == REMOVED
    assert MultiAgencyMeeting.objects.get(case=case).views_put_forward == REMOVED


def test_the_history_tables_no_longer_hold_the_old_values(case):
    contact = case.contacts.get()
    concern = case.safety_concerns.get()
    assert ContactHistory.objects.filter(pgh_obj_id=contact.pk, summary=SECRET).exists()  # before
    close(case)
    sweep(DUE)
    contact_history = ContactHistory.objects.filter(pgh_obj_id=contact.pk)
    assert set(contact_history.values_list("summary", "outcome")) == {(REMOVED, REMOVED)}
    assert set(TaskHistory.objects.filter(case=case).values_list("title", "detail")) == {(REMOVED, REMOVED)}
    assert {h.description for h in SafetyConcernHistory.objects.filter(pgh_obj_id=concern.pk)} == {REMOVED}
    assert not LicenceConditionRequestHistory.objects.filter(description__contains="Mill Lane").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM contacts_contacthistory WHERE summary LIKE %s", ["%Mill Lane%"])
        assert cursor.fetchone() == (0,)


def test_the_case_skeleton_is_kept_for_statistics(case):
    close(case)
    sweep(DUE)
    case.refresh_from_db()
    assert case.anonymised_at is not None
    assert (case.status, case.referral_received_on, case.retention_date) == (
        CaseStatus.CLOSED,
        dt.date(2026, 4, 1),
        DUE,
    )
    assert (case.contacts.count(), case.safety_concerns.count()) == (1, 1)


def test_a_victim_with_another_open_case_keeps_their_details(case):
    CaseFactory(team=case.team, officer=case.officer, victim=case.victim)  # still open
    close(case)
    sweep(DUE)
    victim = Victim.objects.get(pk=case.victim_id)
    assert victim.anonymised_at is None
    assert victim.first_name != REMOVED_NAME and victim.phone == "07700 900123"
    assert "14 Mill Lane" in [a.line_1 for a in victim.addresses.all()]


def test_the_victim_is_anonymised_when_their_last_case_is(case):
    later = CaseFactory(team=case.team, officer=case.officer, victim=case.victim)
    close(case)
    close(later, on=dt.date(2027, 1, 10))
    sweep(DUE)
    assert Victim.objects.get(pk=case.victim_id).anonymised_at is None
    sweep(dt.date(2033, 1, 10))
    victim = Victim.objects.get(pk=case.victim_id)
    assert victim.anonymised_at is not None
    assert (victim.first_name, victim.last_name, victim.date_of_birth) == (REMOVED_NAME, REMOVED_NAME, None)
    assert (victim.phone, victim.email, victim.accessibility_needs, victim.safe_times_to_call) == (
        "",
        "",
        "",
        "",
    )
    assert victim.restrictions.get().detail == ""


def test_the_victims_addresses_and_their_history_are_deleted(case):
    address_pks = list(case.victim.addresses.values_list("pk", flat=True))
    close(case)
    sweep(DUE)
    assert not Address.objects.filter(pk__in=address_pks).exists()
    assert not AddressHistory.objects.filter(pgh_obj_id__in=address_pks).exists()


def test_the_victims_history_keeps_only_the_anonymised_version(case):
    close(case)
    sweep(DUE)
    names = set(VictimHistory.objects.filter(pgh_obj_id=case.victim_id).values_list("first_name", flat=True))
    assert names == {REMOVED_NAME}


def test_each_case_and_victim_anonymised_is_audited(case):
    close(case)
    sweep(DUE)
    events = AuditEvent.objects.filter(action=AuditAction.DELETE, summary="retention: anonymised", actor=None)
    assert set(events.values_list("object_type", "object_id")) == {
        ("victims.Case", str(case.pk)),
        ("victims.Victim", str(case.victim_id)),
    }


def test_a_second_run_is_a_no_op(case):
    close(case)
    sweep(DUE)
    before = AuditEvent.objects.count()
    assert sweep(DUE) == {"cases anonymised": 0, "victims anonymised": 0}
    assert AuditEvent.objects.count() == before


def test_a_missed_day_is_caught_up_weeks_later(case):
    close(case)
    result = sweep(DUE + dt.timedelta(weeks=5))
    assert result == {"cases anonymised": 1, "victims anonymised": 1}
    assert case.contacts.get().summary == REMOVED


def test_the_letter_text_is_removed(case):
    address = case.victim.addresses.first()
    letter = Letter.objects.create(
        case=case,
        kind="offer",
        language="en",
        period_key="2026-05-01",
        subject="Victim Contact Scheme",
        body_html=f"<p>{SECRET}</p>",
        addressee="Sam Reed",
        address=address,
    )
    close(case)
    sweep(DUE)
    letter.refresh_from_db()
    assert (letter.body_html, letter.addressee, letter.address_id) == (REMOVED, "", None)


# --- the command and the task -------------------------------------------------


def test_dry_run_changes_nothing(case, capsys):
    close(case)
    call_command("retention_sweep", "--as-of", "2032-07-01", "--dry-run")
    assert "Retention (dry run): 1 cases due, 1 victims due; nothing changed" in capsys.readouterr().out
    case.refresh_from_db()
    assert case.anonymised_at is None and case.contacts.get().summary == SECRET
    assert not AuditEvent.objects.filter(summary="retention: anonymised").exists()


def test_the_command_anonymises_what_is_due_as_of_the_day_given(case, capsys):
    close(case)
    call_command("retention_sweep", "--as-of", "2032-07-01")
    assert "Retention: 1 cases anonymised, 1 victims anonymised" in capsys.readouterr().out
    assert case.contacts.get().summary == REMOVED


def test_the_daily_jobs_task_runs_the_retention_sweep_for_the_day_given(case):
    close(case)
    with travel(DUE):
        assert "Retention: 1 cases anonymised, 1 victims anonymised" in daily_jobs_task(as_of=DUE.isoformat())
    assert Contact.objects.get(case=case).summary == REMOVED


def test_the_status_history_keeps_its_dates_but_not_free_text(case):
    close(case)
    CaseStatusChange.objects.filter(case=case).update(reason="Told by her neighbour at 14 Mill Lane")
    sweep(DUE)
    changes = CaseStatusChange.objects.filter(case=case)
    assert set(changes.values_list("reason", flat=True)) == {REMOVED}
    assert changes.filter(to_status=CaseStatus.CLOSED, changed_on=CLOSED_ON).exists()
