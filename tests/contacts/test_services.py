"""Contact work services: the contact log, tasks, referrals out, alerts and the timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contacts import selectors, services
from contacts.models import (
    Contact,
    ContactWith,
    Direction,
    Method,
    Priority,
    ReferralOut,
    ReferralOutcome,
    ReferralService,
    Task,
    TaskKind,
    TaskStatus,
)
from contacts.sweeps import ALERTS_SWEEP, alerts_sweep
from offenders.models import EventKind, KeyDate, KeyDateKind, SentenceEvent, SentenceType
from tests.contacts.factories import ContactFactory, ReferralOutFactory, TaskFactory
from tests.factories import ManagerFactory, UserFactory
from tests.victims.factories import CaseFactory
from vcs_portal.cases.selectors import case_timeline
from vcs_portal.core.models import AuditAction, AuditEvent
from vcs_portal.core.sweeps import sweep_finished, sweep_last_finished
from vcs_portal.operations.daily import DAILY_JOBS, daily_jobs_run
from victims.models import CaseStatus, ContactLevel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2026, 5, 20)  # a Wednesday
NOW = dt.datetime(2026, 5, 20, 12, 0, tzinfo=dt.UTC)  # 13:00 in London


@pytest.fixture
def case(team_a1, vlo):
    return CaseFactory(team=team_a1, officer=vlo, reference="VCS-2026-000001")


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def record(actor, case, **overrides) -> Contact:
    kwargs = {
        "occurred_at": at(TODAY),
        "method": Method.PHONE,
        "direction": Direction.OUTGOING,
        "with_whom": ContactWith.VICTIM,
        "summary": "Explained the scheme; the victim will think about it.",
    }
    kwargs.update(overrides)
    return services.contact_record(actor=actor, case=case, **kwargs)


def audit_rows(obj, action=None):
    rows = AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk))
    return rows.filter(action=action) if action else rows


# --- the contact log ----------------------------------------------------------


def test_contact_record_saves_the_contact(vlo, case):
    contact = record(vlo, case, outcome="Victim wants a visit")
    contact.refresh_from_db()
    assert contact.author == vlo
    assert contact.method == Method.PHONE
    assert contact.outcome == "Victim wants a visit"
    assert contact.edited_at is None


def test_contact_record_is_audited_without_the_summary(vlo, case):
    contact = record(vlo, case, summary="Victim moved to 12 Secret Street")
    row = audit_rows(contact, AuditAction.CREATE).get()
    assert row.actor == vlo
    assert "Secret" not in row.summary


def test_contact_in_the_future_is_refused(vlo, case):
    with pytest.raises(ValidationError) as exc:
        record(vlo, case, occurred_at=at(TODAY + dt.timedelta(days=1)))
    assert exc.value.message_dict == {"occurred_on": ["The date of the contact must be today or in the past"]}
    assert not Contact.objects.exists()


def test_contact_later_today_is_refused_on_the_time(vlo, case):
    with pytest.raises(ValidationError) as exc:
        record(vlo, case, occurred_at=at(TODAY, 15, 30))
    assert "occurred_at" in exc.value.message_dict


def test_contact_before_the_referral_is_refused(vlo, case):
    with pytest.raises(ValidationError) as exc:
        record(vlo, case, occurred_at=at(case.referral_received_on - dt.timedelta(days=1)))
    assert "on or after the referral date" in exc.value.message_dict["occurred_on"][0]


def test_contact_without_a_summary_is_refused(vlo, case):
    with pytest.raises(ValidationError) as exc:
        record(vlo, case, summary="   ")
    assert exc.value.message_dict == {"summary": ["Enter a summary of the contact"]}
    assert not AuditEvent.objects.filter(object_type="contacts.Contact").exists()


def test_follow_up_date_creates_a_follow_up_task(vlo, case):
    contact = record(vlo, case, follow_up_on=dt.date(2026, 6, 3))
    task = Task.objects.get(kind=TaskKind.FOLLOW_UP)
    assert task.dedupe_key == f"contact:{contact.pk}"
    assert task.due_on == dt.date(2026, 6, 3)
    assert task.owner == vlo
    assert audit_rows(task, AuditAction.CREATE).exists()


def test_follow_up_date_in_the_past_is_refused(vlo, case):
    with pytest.raises(ValidationError) as exc:
        record(vlo, case, follow_up_on=TODAY - dt.timedelta(days=1))
    assert "follow_up_on" in exc.value.message_dict
    assert not Task.objects.exists()


def test_phone_call_with_the_victim_meets_first_contact(vlo, case):
    record(vlo, case, occurred_at=at(dt.date(2026, 5, 18)))
    case.refresh_from_db()
    assert case.first_contact_on == dt.date(2026, 5, 18)
    assert audit_rows(case, AuditAction.UPDATE).filter(summary="first contact made").exists()


def test_letter_from_us_to_the_victim_meets_first_contact(vlo, case):
    record(vlo, case, method=Method.LETTER)
    case.refresh_from_db()
    assert case.first_contact_on == TODAY


def test_contact_with_the_offender_manager_does_not_meet_first_contact(vlo, case):
    record(vlo, case, with_whom=ContactWith.OFFENDER_MANAGER)
    case.refresh_from_db()
    assert case.first_contact_on is None


def test_text_message_does_not_meet_first_contact(vlo, case):
    record(vlo, case, method=Method.TEXT)
    case.refresh_from_db()
    assert case.first_contact_on is None


def test_first_contact_already_met_is_left_alone(vlo, case):
    case.first_contact_on = dt.date(2026, 4, 10)
    case.save()
    record(vlo, case)
    case.refresh_from_db()
    assert case.first_contact_on == dt.date(2026, 4, 10)


def test_first_contact_closes_the_open_first_contact_task(vlo, case):
    task = TaskFactory(case=case, kind=TaskKind.FIRST_CONTACT, dedupe_key="first_contact")
    record(vlo, case)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.outcome == "First contact made on 20 May 2026"


# --- corrections --------------------------------------------------------------


def test_author_correcting_on_the_same_day_edits_in_place(vlo, case):
    contact = record(vlo, case)
    corrected = services.contact_correct(actor=vlo, contact=contact, summary="Left a voicemail.")
    assert corrected.pk == contact.pk
    assert Contact.objects.count() == 1
    contact.refresh_from_db()
    assert contact.summary == "Left a voicemail."
    assert contact.edited_at is not None
    assert audit_rows(contact, AuditAction.UPDATE).exists()


def test_author_correcting_the_next_day_adds_a_new_entry(vlo, case, frozen_today):
    contact = record(vlo, case)
    frozen_today.move_to(NOW + dt.timedelta(days=1))
    corrected = services.contact_correct(actor=vlo, contact=contact, summary="Left a voicemail.")
    assert corrected.pk != contact.pk
    assert corrected.corrects == contact
    contact.refresh_from_db()
    assert contact.summary == "Explained the scheme; the victim will think about it."
    assert contact.edited_at is None
    assert audit_rows(corrected, AuditAction.CREATE).exists()


def test_same_day_is_the_london_date_not_utc(vlo, case, frozen_today):
    # Recorded at 23:30 London time (22:30 UTC); at 00:30 London time the next day it is another day.
    frozen_today.move_to(dt.datetime(2026, 5, 20, 22, 30, tzinfo=dt.UTC))
    contact = record(vlo, case)
    frozen_today.move_to(dt.datetime(2026, 5, 20, 23, 30, tzinfo=dt.UTC))
    assert not services.contact_edits_in_place(contact=contact, user=vlo)


def test_teammate_correcting_on_the_same_day_adds_a_new_entry(vlo, teammate, case):
    contact = record(vlo, case)
    corrected = services.contact_correct(actor=teammate, contact=contact, outcome="Victim opted in")
    assert corrected.corrects == contact
    assert corrected.author == teammate
    assert Contact.objects.count() == 2


def test_both_entries_of_a_correction_show_on_the_timeline(vlo, teammate, case):
    contact = record(vlo, case, occurred_at=at(dt.date(2026, 5, 18)))
    services.contact_correct(actor=teammate, contact=contact, summary="It was an office visit.")
    titles = [e.title for e in selectors.case_timeline_entries(case=case) if e.kind == "contact"]
    assert titles == [
        "Correction of 18 May 2026 entry: Phone call with the victim (from us)",
        "Phone call with the victim (from us)",
    ]


def test_correction_is_validated_like_a_new_contact(vlo, case):
    contact = record(vlo, case)
    with pytest.raises(ValidationError):
        services.contact_correct(actor=vlo, contact=contact, occurred_at=at(TODAY + dt.timedelta(days=2)))
    contact.refresh_from_db()
    assert contact.edited_at is None


def test_correction_moves_the_follow_up_task_rather_than_adding_one(vlo, teammate, case):
    contact = record(vlo, case, follow_up_on=dt.date(2026, 6, 3))
    services.contact_correct(actor=teammate, contact=contact, follow_up_on=dt.date(2026, 6, 10))
    task = Task.objects.get(kind=TaskKind.FOLLOW_UP)
    assert task.due_on == dt.date(2026, 6, 10)


def test_correction_removing_the_follow_up_cancels_the_task(vlo, case):
    contact = record(vlo, case, follow_up_on=dt.date(2026, 6, 3))
    services.contact_correct(actor=vlo, contact=contact, follow_up_on=None)
    assert Task.objects.get(kind=TaskKind.FOLLOW_UP).status == TaskStatus.CANCELLED


def test_correction_refuses_unknown_fields(vlo, case):
    contact = record(vlo, case)
    with pytest.raises(TypeError):
        services.contact_correct(actor=vlo, contact=contact, case=case)


# --- tasks --------------------------------------------------------------------


def test_manual_task_goes_to_the_officer_by_default(vlo, teammate, case):
    task = services.task_create_manual(
        actor=teammate, case=case, title="Call the OM", due_on=dt.date(2026, 5, 27), priority=Priority.HIGH
    )
    assert task.owner == vlo
    assert task.kind == TaskKind.MANUAL
    assert task.dedupe_key == ""
    assert audit_rows(task, AuditAction.CREATE).get().actor == teammate


def test_manual_task_can_go_to_a_teammate(vlo, teammate, case):
    task = services.task_create_manual(
        actor=vlo, case=case, title="Cover the visit", due_on=TODAY, priority=Priority.NORMAL, owner=teammate
    )
    assert task.owner == teammate


def test_manual_task_due_in_the_past_is_refused(vlo, case):
    with pytest.raises(ValidationError) as exc:
        services.task_create_manual(
            actor=vlo, case=case, title="Late", due_on=TODAY - dt.timedelta(days=1), priority=Priority.NORMAL
        )
    assert "due_on" in exc.value.message_dict
    assert not Task.objects.exists()


def test_manual_task_for_a_vlo_in_another_team_is_refused(vlo, other_team_vlo, case):
    with pytest.raises(ValidationError) as exc:
        services.task_create_manual(
            actor=vlo, case=case, title="X", due_on=TODAY, priority=Priority.NORMAL, owner=other_team_vlo
        )
    assert "owner" in exc.value.message_dict
    assert not Task.objects.exists()


def test_owner_completes_a_task_with_an_outcome(vlo, case):
    task = TaskFactory(case=case)
    services.task_complete(actor=vlo, task=task, outcome="Done by phone")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.outcome == "Done by phone"
    assert task.completed_by == vlo
    assert task.completed_at is not None


def test_tasks_ensure_makes_many_at_once_and_audits_each(case, vlo):
    made = services.tasks_ensure(
        [
            Task(case=case, kind=TaskKind.KEY_EVENT, dedupe_key=f"event:{n}", title="T", due_on=TODAY)
            for n in (1, 2)
        ]
    )
    assert made == 2
    tasks = list(Task.objects.order_by("dedupe_key"))
    assert [(t.dedupe_key, t.owner) for t in tasks] == [("event:1", vlo), ("event:2", vlo)]
    assert all(audit_rows(t, AuditAction.CREATE).count() == 1 for t in tasks)


def test_tasks_ensure_skips_one_made_meanwhile_and_makes_the_rest(case):
    services.task_ensure(case=case, kind=TaskKind.KEY_EVENT, dedupe_key="event:1", title="T", due_on=TODAY)
    batch = [
        Task(case=case, kind=TaskKind.KEY_EVENT, dedupe_key=f"event:{n}", title="T", due_on=TODAY)
        for n in (1, 2)
    ]
    assert services.tasks_ensure(batch) == 1
    assert sorted(Task.objects.values_list("dedupe_key", flat=True)) == ["event:1", "event:2"]


def test_tasks_close_each_closes_many_with_their_reasons_audits_and_escalations(case, manager):
    first, second, already = (TaskFactory(case=case) for _ in range(3))
    services.task_close(task=already, status=TaskStatus.CANCELLED, outcome="Earlier", actor=None)
    escalation = TaskFactory(
        case=case, kind=TaskKind.ESCALATION, dedupe_key=f"overdue:{second.pk}", owner=manager
    )
    closed = services.tasks_close_each(
        [
            (first, TaskStatus.CANCELLED, "The hearing has passed"),
            (second, TaskStatus.DONE, "Statement sent"),
            (already, TaskStatus.CANCELLED, "Again"),
        ],
        actor=None,
    )
    assert closed == 2
    rows = {t.pk: (t.status, t.outcome) for t in Task.objects.all()}
    assert rows[first.pk] == (TaskStatus.CANCELLED, "The hearing has passed")
    assert rows[second.pk] == (TaskStatus.DONE, "Statement sent")
    assert rows[already.pk] == (TaskStatus.CANCELLED, "Earlier")
    assert rows[escalation.pk] == (TaskStatus.DONE, "Met: the task was done (Statement sent)")
    for task in (first, second, escalation):
        assert audit_rows(task, AuditAction.UPDATE).count() == 1


def test_completing_a_task_is_audited_without_the_outcome(vlo, case):
    task = TaskFactory(case=case)
    services.task_complete(actor=vlo, task=task, outcome="Victim said she moved to Leeds")
    row = audit_rows(task, AuditAction.UPDATE).get()
    assert row.summary == "task completed"


def test_completing_without_an_outcome_is_refused(vlo, case):
    task = TaskFactory(case=case)
    with pytest.raises(ValidationError) as exc:
        services.task_complete(actor=vlo, task=task, outcome="  ")
    assert exc.value.message_dict == {"outcome": ["Enter what you did"]}
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_teammate_cannot_complete_someone_elses_task(teammate, case):
    task = TaskFactory(case=case)
    with pytest.raises(ValidationError):
        services.task_complete(actor=teammate, task=task, outcome="Done")
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_manager_of_the_team_can_complete_a_task(manager, case):
    task = TaskFactory(case=case)
    services.task_complete(actor=manager, task=task, outcome="Closed at supervision")
    task.refresh_from_db()
    assert task.completed_by == manager


def test_manager_of_another_team_cannot_complete_a_task(team_a2, case):
    other_manager = ManagerFactory(region=team_a2.region, managed_teams=[team_a2])
    task = TaskFactory(case=case)
    with pytest.raises(ValidationError):
        services.task_complete(actor=other_manager, task=task, outcome="Done")


def test_completing_a_done_task_again_is_refused(vlo, case):
    task = TaskFactory(case=case)
    services.task_complete(actor=vlo, task=task, outcome="Done")
    with pytest.raises(ValidationError):
        services.task_complete(actor=vlo, task=task, outcome="Done again")
    task.refresh_from_db()
    assert task.outcome == "Done"


def test_reassign_a_task_to_a_teammate(vlo, teammate, case):
    task = TaskFactory(case=case)
    services.task_reassign(actor=vlo, task=task, owner=teammate)
    task.refresh_from_db()
    assert task.owner == teammate
    assert audit_rows(task, AuditAction.UPDATE).get().actor == vlo


def test_reassign_to_a_vlo_in_another_team_is_refused(vlo, other_team_vlo, case):
    task = TaskFactory(case=case)
    with pytest.raises(ValidationError) as exc:
        services.task_reassign(actor=vlo, task=task, owner=other_team_vlo)
    assert "owner" in exc.value.message_dict
    task.refresh_from_db()
    assert task.owner == vlo
    assert not audit_rows(task, AuditAction.UPDATE).exists()


def test_reassign_to_an_inactive_vlo_is_refused(vlo, team_a1, case):
    leaver = UserFactory(team=team_a1, is_active=False)
    task = TaskFactory(case=case)
    with pytest.raises(ValidationError):
        services.task_reassign(actor=vlo, task=task, owner=leaver)


def test_reassign_by_someone_other_than_the_owner_is_refused(vlo, teammate, case):
    task = TaskFactory(case=case, owner=teammate)
    with pytest.raises(ValidationError):
        services.task_reassign(actor=vlo, task=task, owner=vlo)


def test_manager_reassigns_a_task_in_their_team(manager, teammate, case):
    task = TaskFactory(case=case)
    services.task_reassign(actor=manager, task=task, owner=teammate)
    task.refresh_from_db()
    assert task.owner == teammate


@pytest.fixture
def two_team_manager(team_a1, team_a2):
    return ManagerFactory(region=team_a1.region, managed_teams=[team_a1, team_a2])


def test_case_reassign_moves_the_case_to_the_officers_team(two_team_manager, other_team_vlo, case):
    services.case_reassign(actor=two_team_manager, case=case, officer=other_team_vlo)
    case.refresh_from_db()
    assert case.officer == other_team_vlo
    assert case.team == other_team_vlo.team
    assert audit_rows(case, AuditAction.UPDATE).get().actor == two_team_manager


def test_case_reassign_moves_the_open_tasks(two_team_manager, other_team_vlo, case):
    open_task = TaskFactory(case=case)
    done_task = TaskFactory(case=case, status=TaskStatus.DONE, outcome="Done")
    services.case_reassign(actor=two_team_manager, case=case, officer=other_team_vlo)
    open_task.refresh_from_db()
    done_task.refresh_from_db()
    assert open_task.owner == other_team_vlo
    assert done_task.owner == case.created_by  # the old officer keeps what they did
    assert audit_rows(open_task, AuditAction.UPDATE).exists()


def test_case_reassign_by_a_vlo_is_refused(vlo, teammate, case):
    with pytest.raises(ValidationError):
        services.case_reassign(actor=vlo, case=case, officer=teammate)
    case.refresh_from_db()
    assert case.officer == vlo


def test_case_reassign_to_a_team_the_manager_does_not_manage_is_refused(manager, other_team_vlo, case):
    with pytest.raises(ValidationError) as exc:
        services.case_reassign(actor=manager, case=case, officer=other_team_vlo)
    assert "officer" in exc.value.message_dict
    case.refresh_from_db()
    assert case.officer != other_team_vlo


# --- referrals out ------------------------------------------------------------


def test_referral_out_is_recorded_and_audited(vlo, case):
    referral = services.referral_out_record(
        actor=vlo, case=case, service=ReferralService.ISVA, referred_on=TODAY, notes="Asked for support"
    )
    assert referral.outcome == ReferralOutcome.PENDING
    assert audit_rows(referral, AuditAction.CREATE).get().actor == vlo


def test_referral_to_another_service_needs_its_name(vlo, case):
    with pytest.raises(ValidationError) as exc:
        services.referral_out_record(actor=vlo, case=case, service=ReferralService.OTHER, referred_on=TODAY)
    assert "service_name" in exc.value.message_dict
    assert not ReferralOut.objects.exists()


def test_referral_in_the_future_is_refused(vlo, case):
    with pytest.raises(ValidationError) as exc:
        services.referral_out_record(
            actor=vlo, case=case, service=ReferralService.ISVA, referred_on=TODAY + dt.timedelta(days=1)
        )
    assert "referred_on" in exc.value.message_dict


def test_referral_outcome_is_recorded_and_audited(vlo, case):
    referral = ReferralOutFactory(case=case, referred_on=dt.date(2026, 5, 1))
    services.referral_out_outcome(
        actor=vlo, referral=referral, outcome=ReferralOutcome.ACCEPTED, outcome_on=dt.date(2026, 5, 12)
    )
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.ACCEPTED
    assert referral.outcome_on == dt.date(2026, 5, 12)
    assert audit_rows(referral, AuditAction.UPDATE).get().actor == vlo


def test_referral_outcome_needs_the_date_heard(vlo, case):
    referral = ReferralOutFactory(case=case)
    with pytest.raises(ValidationError) as exc:
        services.referral_out_outcome(
            actor=vlo, referral=referral, outcome=ReferralOutcome.ACCEPTED, outcome_on=None
        )
    assert "outcome_on" in exc.value.message_dict


# --- alerts from events ---------------------------------------------------------


@pytest.fixture
def opted_in(case):
    case.status, case.contact_level = CaseStatus.OPTED_IN, ContactLevel.ALL_KEY_STAGES
    case.save()
    return case


def second_case(case, **kwargs):
    """Another victim's case on the same sentence."""
    return CaseFactory(
        team=case.team, officer=case.officer, offender=case.offender, sentence=case.sentence, **kwargs
    )


def event(case, actor, kind=EventKind.RELEASE, on=dt.date(2026, 5, 19), **kwargs):
    return services.sentence_event_add(
        actor=actor, sentence=case.sentence, kind=kind, occurred_on=on, **kwargs
    )


def test_release_event_makes_one_task_for_the_opted_in_case_only(vlo, opted_in):
    opted_out = second_case(opted_in, status=CaseStatus.OPTED_OUT, contact_level=ContactLevel.ALL_KEY_STAGES)
    release = event(opted_in, vlo)
    tasks = Task.objects.filter(kind=TaskKind.KEY_EVENT)
    assert tasks.count() == 1
    task = tasks.get()
    assert task.case == opted_in
    assert task.dedupe_key == f"event:{release.pk}"
    assert task.title == "Tell the victim: Release on licence"
    assert not Task.objects.filter(case=opted_out).exists()


def test_rerunning_the_alerts_sweep_makes_no_more_tasks(vlo, opted_in):
    second_case(opted_in, status=CaseStatus.OPTED_OUT, contact_level=ContactLevel.ALL_KEY_STAGES)
    event(opted_in, vlo)
    assert alerts_sweep(as_of=TODAY)["alert tasks created"] == 0
    assert alerts_sweep(as_of=TODAY)["alert tasks created"] == 0
    assert Task.objects.filter(kind=TaskKind.KEY_EVENT).count() == 1


def test_recategorisation_alerts_all_key_stages_but_not_release_month(vlo, opted_in):
    release_month = second_case(
        opted_in, status=CaseStatus.OPTED_IN, contact_level=ContactLevel.RELEASE_MONTH
    )
    created = services.alerts_for_event(
        event=event(opted_in, vlo, kind=EventKind.RECATEGORISATION), actor=vlo
    )
    assert created == 0  # recording the event already made it
    assert Task.objects.filter(case=opted_in, kind=TaskKind.KEY_EVENT).count() == 1
    assert not Task.objects.filter(case=release_month).exists()


def test_release_alerts_release_month_victims(vlo, opted_in):
    opted_in.contact_level = ContactLevel.RELEASE_MONTH
    opted_in.save()
    event(opted_in, vlo, kind=EventKind.HDC)
    assert Task.objects.filter(case=opted_in, kind=TaskKind.KEY_EVENT).count() == 1


def test_annual_level_hears_of_a_recall_but_not_a_transfer(vlo, opted_in):
    opted_in.contact_level = ContactLevel.ANNUAL
    opted_in.save()
    event(opted_in, vlo, kind=EventKind.TRANSFER)
    assert not Task.objects.exists()
    event(opted_in, vlo, kind=EventKind.RECALL)
    assert Task.objects.get().title == "Tell the victim: Recall"


def test_task_text_never_names_where_the_offender_is_held(vlo, opted_in):
    event(opted_in, vlo, kind=EventKind.TRANSFER, location="HMP Leyhill", detail="Moved to HMP Leyhill")
    task = Task.objects.get(kind=TaskKind.KEY_EVENT)
    assert "Leyhill" not in task.title
    assert "Leyhill" not in task.detail


def test_release_alert_says_the_month_only_and_is_due_in_five_working_days(vlo, opted_in):
    event(opted_in, vlo)
    task = Task.objects.get(kind=TaskKind.KEY_EVENT)
    assert "the month (May 2026)" in task.detail
    assert task.due_on == dt.date(2026, 5, 28)  # Mon 25 May is a bank holiday


def test_alert_goes_to_the_case_officer_and_is_audited(vlo, teammate, opted_in):
    event(opted_in, teammate)
    task = Task.objects.get(kind=TaskKind.KEY_EVENT)
    assert task.owner == vlo
    assert audit_rows(task, AuditAction.CREATE).get().actor == teammate


def test_event_before_the_referral_makes_no_task(vlo, opted_in):
    event(opted_in, vlo, kind=EventKind.TRANSFER, on=dt.date(2026, 3, 30))
    assert not Task.objects.exists()


def test_alerts_sweep_catches_up_an_event_that_missed_its_alert(vlo, opted_in):
    missed = SentenceEvent.objects.create(
        sentence=opted_in.sentence, kind=EventKind.RELEASE, occurred_on=dt.date(2026, 5, 19), recorded_by=vlo
    )
    assert alerts_sweep(as_of=TODAY)["alert tasks created"] == 1
    assert Task.objects.get().dedupe_key == f"event:{missed.pk}"


def test_alerts_sweep_ignores_events_older_than_the_lookback(vlo, opted_in):
    SentenceEvent.objects.create(
        sentence=opted_in.sentence,
        kind=EventKind.RELEASE,
        occurred_on=dt.date(2026, 4, 2),
        recorded_by=vlo,
        recorded_at=NOW - dt.timedelta(days=40),
    )
    assert alerts_sweep(as_of=TODAY)["alert tasks created"] == 0
    assert alerts_sweep(as_of=TODAY, lookback_days=60)["alert tasks created"] == 1


def missed_release(opted_in, vlo, *, days_ago: int) -> SentenceEvent:
    """A release recorded ``days_ago`` whose alert was never made (the service's call failed)."""
    return SentenceEvent.objects.create(
        sentence=opted_in.sentence,
        kind=EventKind.RELEASE,
        occurred_on=dt.date(2026, 5, 19),
        recorded_by=vlo,
        recorded_at=NOW - dt.timedelta(days=days_ago),
    )


def test_alerts_sweep_looks_back_only_to_the_day_it_last_finished(vlo, opted_in):
    sweep_finished(ALERTS_SWEEP, as_of=TODAY - dt.timedelta(days=1))
    missed_release(opted_in, vlo, days_ago=3)  # before the last run: that run would have made it
    assert alerts_sweep(as_of=TODAY)["alert tasks created"] == 0
    missed_release(opted_in, vlo, days_ago=0)
    assert alerts_sweep(as_of=TODAY)["alert tasks created"] == 1


def test_alerts_sweep_after_a_missed_week_reads_the_week(vlo, opted_in):
    sweep_finished(ALERTS_SWEEP, as_of=TODAY - dt.timedelta(days=8))
    missed_release(opted_in, vlo, days_ago=6)
    assert alerts_sweep(as_of=TODAY)["alert tasks created"] == 1


def test_the_daily_jobs_record_each_finished_sweep(vlo, opted_in):
    daily_jobs_run(as_of=TODAY, jobs=[job for job in DAILY_JOBS if job.sweep is alerts_sweep])
    assert sweep_last_finished(ALERTS_SWEEP, before=TODAY) == TODAY


def test_a_conditional_release_date_alerts_the_victim(vlo, opted_in):
    opted_in.contact_level = ContactLevel.RELEASE_MONTH
    opted_in.save()
    key_date = services.key_date_add(
        actor=vlo, sentence=opted_in.sentence, kind=KeyDateKind.CRD, on=dt.date(2027, 9, 14), source="Prison"
    )
    # Recording the date raises the alert at once; asking again (as the sweep does) adds nothing.
    assert services.alerts_for_key_date(key_date=key_date, actor=vlo) == 0
    task = Task.objects.get()
    assert task.dedupe_key == f"key_date:{key_date.pk}"
    assert "September 2027" in task.detail
    assert "14 September" not in task.title


def test_a_key_date_repeating_the_same_date_makes_no_task(vlo, opted_in):
    for _ in range(2):
        key_date = KeyDate.objects.create(
            sentence=opted_in.sentence,
            kind=KeyDateKind.CRD,
            date=dt.date(2027, 9, 14),
            source="P",
            recorded_by=vlo,
        )
    assert services.alerts_for_key_date(key_date=key_date) == 0


def test_a_licence_expiry_date_makes_no_alert(vlo, opted_in):
    key_date = KeyDate.objects.create(
        sentence=opted_in.sentence,
        kind=KeyDateKind.LED,
        date=dt.date(2029, 1, 1),
        source="P",
        recorded_by=vlo,
    )
    assert services.alerts_for_key_date(key_date=key_date) == 0


def test_alerts_sweep_catches_up_a_key_date_and_is_idempotent(vlo, opted_in):
    KeyDate.objects.create(
        sentence=opted_in.sentence,
        kind=KeyDateKind.PED,
        date=dt.date(2027, 1, 5),
        source="P",
        recorded_by=vlo,
    )
    assert alerts_sweep(as_of=TODAY)["alert tasks created"] == 1
    assert alerts_sweep(as_of=TODAY)["alert tasks created"] == 0


# --- the timeline -----------------------------------------------------------------


def test_timeline_titles_a_letter_by_its_direction(vlo, case):
    record(vlo, case, method=Method.LETTER, direction=Direction.INCOMING)
    entry = selectors.case_timeline_entries(case=case)[0]
    assert entry.title == "Letter from the victim"


def test_timeline_detail_is_the_summary_and_outcome(vlo, case):
    record(vlo, case, summary="Spoke about parole.", outcome="Wants a VPS")
    entry = selectors.case_timeline_entries(case=case)[0]
    assert entry.detail == "Spoke about parole.\nOutcome: Wants a VPS"
    assert entry.by == str(vlo)


def test_timeline_shows_a_done_task_with_its_outcome(vlo, case):
    task = TaskFactory(case=case, title="Send the annual letter")
    services.task_complete(actor=vlo, task=task, outcome="Sent in Welsh")
    entry = next(e for e in selectors.case_timeline_entries(case=case) if e.kind == "task")
    assert entry.title == "Task done: Send the annual letter"
    assert entry.detail == "Sent in Welsh"


def test_timeline_shows_referrals_out(vlo, case):
    ReferralOutFactory(case=case, service=ReferralService.ISVA, service_name="Safe Space Manchester")
    entry = selectors.case_timeline_entries(case=case)[0]
    assert entry.title == "Referred to Independent sexual violence adviser (ISVA): Safe Space Manchester"


def test_the_case_timeline_includes_contact_work(vlo, case):
    ContactFactory(case=case)
    assert any(e.kind == "contact" for e in case_timeline(case=case))


def test_the_newest_timeline_entries_are_the_same_when_only_the_newest_contacts_are_read(vlo, case):
    """Contacts are read by the timeline's own order (day, then when recorded), so cutting the read
    at ``newest`` keeps exactly the entries the full timeline starts with, same-day ones included."""
    base = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0) - dt.timedelta(days=40)
    for i in range(30):
        # Three a day; on each day the earliest call was recorded last.
        day, slot = divmod(i, 3)
        ContactFactory(
            case=case,
            occurred_at=base + dt.timedelta(days=day, hours=2 - slot),
            recorded_at=base + dt.timedelta(days=day, hours=3 + slot),
            summary=f"Call {i}",
        )
    full = case_timeline(case=case)
    cut = case_timeline(case=case, newest=8)
    assert [(e.title, e.detail) for e in cut[:8]] == [(e.title, e.detail) for e in full[:8]]
    assert sum(e.kind == "contact" for e in cut) == 8


def test_the_case_timeline_reads_only_as_many_contacts_as_it_shows(vlo, case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ContactFactory.create_batch(30, case=case)
    with CaptureQueriesContext(connection) as queries:
        entries = case_timeline(case=case, newest=5)
    contact_reads = [q["sql"] for q in queries.captured_queries if 'FROM "contacts_contact"' in q["sql"]]
    assert len(contact_reads) == 1 and "LIMIT 5" in contact_reads[0]
    assert sum(e.kind == "contact" for e in entries) == 5


def test_an_alert_task_is_due_five_working_days_after_the_fact_was_recorded_whenever_made(
    vlo, opted_in, frozen_today
):
    release = event(opted_in, vlo)
    Task.objects.all().delete()
    frozen_today.move_to(dt.datetime(2026, 6, 3, 12, 0, tzinfo=dt.UTC))
    assert alerts_sweep(as_of=dt.date(2026, 6, 3))["alert tasks created"] == 1
    # Recorded Wednesday 20 May; 25 May is a bank holiday.
    assert Task.objects.get(dedupe_key=f"event:{release.pk}").due_on == dt.date(2026, 5, 28)


def hospital_case(vlo, sentence_type):
    return CaseFactory(
        team=vlo.team,
        officer=vlo,
        status=CaseStatus.OPTED_IN,
        contact_level=ContactLevel.ALL_KEY_STAGES,
        sentence__sentence_type=sentence_type,
        sentence__years=None,
        sentence__sentence_date=dt.date(2025, 1, 10),
    )


def test_an_unrestricted_patients_tribunal_makes_no_vlo_task(vlo):
    case = hospital_case(vlo, SentenceType.HOSPITAL_S37)
    event(case, vlo, kind=EventKind.TRIBUNAL)
    assert alerts_sweep(as_of=TODAY)["alert tasks created"] == 0
    assert not Task.objects.exists()


def test_a_restricted_patients_tribunal_makes_a_vlo_task(vlo):
    case = hospital_case(vlo, SentenceType.HOSPITAL_S37_41)
    event(case, vlo, kind=EventKind.TRIBUNAL)
    assert Task.objects.get().title == "Tell the victim: Mental Health Tribunal"


def test_passing_the_case_to_the_hospital_managers_closes_its_tribunal_tasks(vlo):
    from parole.services import hospital_managers_referral_record

    case = hospital_case(vlo, SentenceType.HOSPITAL_S37)
    tribunal = event(case, vlo, kind=EventKind.TRIBUNAL)
    services.task_ensure(  # made before the rule knew better
        case=case, kind=TaskKind.KEY_EVENT, dedupe_key=f"event:{tribunal.pk}", title="Tell", due_on=TODAY
    )
    hospital_managers_referral_record(actor=vlo, case=case, referred_on=TODAY, hospital="Ashworth")
    task = Task.objects.get()
    assert task.status == TaskStatus.CANCELLED
    assert task.outcome.startswith("Passed to the hospital managers (Ashworth) on 20 May 2026")
    assert AuditEvent.objects.filter(
        object_id=str(task.pk), summary="task cancelled by rule", actor=vlo
    ).exists()


# --- bulk reassignment -------------------------------------------------------------------


def test_cases_reassign_moves_every_case_and_audits_each(manager, vlo, teammate, team_a1):
    cases = [CaseFactory(team=team_a1, officer=vlo) for _ in range(3)]
    moved = services.cases_reassign(actor=manager, case_ids=[c.pk for c in cases], officer=teammate)
    assert moved == 3
    for case in cases:
        case.refresh_from_db()
        assert case.officer == teammate
        assert audit_rows(case, AuditAction.UPDATE).get().actor == manager


def test_cases_reassign_with_a_case_out_of_scope_refuses_them_all(manager, vlo, teammate, team_a1, team_b1):
    mine = CaseFactory(team=team_a1, officer=vlo)
    theirs = CaseFactory(team=team_b1)
    with pytest.raises(ValidationError) as exc:
        services.cases_reassign(actor=manager, case_ids=[mine.pk, theirs.pk], officer=teammate)
    assert "Nothing was reassigned" in exc.value.messages[0]
    mine.refresh_from_db()
    assert mine.officer == vlo
    assert not audit_rows(mine, AuditAction.UPDATE).exists()


def test_cases_reassign_to_a_vlo_outside_the_managers_teams_is_refused(manager, vlo, other_team_vlo, team_a1):
    case = CaseFactory(team=team_a1, officer=vlo)
    with pytest.raises(ValidationError) as exc:
        services.cases_reassign(actor=manager, case_ids=[case.pk], officer=other_team_vlo)
    assert "officer" in exc.value.message_dict


def test_cases_reassign_by_a_vlo_is_refused(vlo, teammate, team_a1):
    case = CaseFactory(team=team_a1, officer=vlo)
    with pytest.raises(ValidationError):
        services.cases_reassign(actor=vlo, case_ids=[case.pk], officer=teammate)


def test_cases_reassign_leaves_a_case_the_vlo_already_holds(manager, vlo, teammate, team_a1):
    held = CaseFactory(team=team_a1, officer=teammate)
    other = CaseFactory(team=team_a1, officer=vlo)
    assert services.cases_reassign(actor=manager, case_ids=[held.pk, other.pk], officer=teammate) == 1
    assert not audit_rows(held, AuditAction.UPDATE).exists()


def test_tasks_reassign_moves_every_task_and_audits_each(manager, vlo, teammate, case):
    tasks = [TaskFactory(case=case) for _ in range(3)]
    assert services.tasks_reassign(actor=manager, task_ids=[t.pk for t in tasks], owner=teammate) == 3
    for task in tasks:
        task.refresh_from_db()
        assert task.owner == teammate
        assert audit_rows(task, AuditAction.UPDATE).get().actor == manager


def test_tasks_reassign_with_a_task_out_of_scope_refuses_them_all(manager, teammate, case, team_b1):
    mine = TaskFactory(case=case)
    theirs = TaskFactory(case=CaseFactory(team=team_b1))
    with pytest.raises(ValidationError) as exc:
        services.tasks_reassign(actor=manager, task_ids=[mine.pk, theirs.pk], owner=teammate)
    assert "Nothing was reassigned" in exc.value.messages[0]
    mine.refresh_from_db()
    assert mine.owner != teammate
    assert not audit_rows(mine, AuditAction.UPDATE).exists()


def test_tasks_reassign_to_a_vlo_who_cannot_see_one_case_refuses_them_all(
    two_team_manager, vlo, other_team_vlo, case, team_a2
):
    there = TaskFactory(case=CaseFactory(team=team_a2, officer=other_team_vlo), owner=other_team_vlo)
    here = TaskFactory(case=case)
    with pytest.raises(ValidationError) as exc:
        services.tasks_reassign(actor=two_team_manager, task_ids=[there.pk, here.pk], owner=other_team_vlo)
    assert "not in its team" in " ".join(exc.value.messages)
    here.refresh_from_db()
    assert here.owner == vlo
    assert not audit_rows(here, AuditAction.UPDATE).exists()


def test_tasks_export_has_no_contact_details_and_defuses_formulas(vlo, case):
    case.victim.phone, case.victim.email = "07700 900123", "sam@example.com"
    case.victim.save()
    TaskFactory(case=case, title='=HYPERLINK("http://evil")')
    text = services.tasks_export(
        actor=vlo, tasks=Task.objects.filter(case=case), what="My tasks", today=timezone.localdate()
    )
    assert "'=HYPERLINK" in text
    assert "07700 900123" not in text and "sam@example.com" not in text
    row = AuditEvent.objects.get(action=AuditAction.EXPORT, actor=vlo)
    assert row.summary == "My tasks, rows=1"
