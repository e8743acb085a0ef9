"""Parole, VPS, licence-condition, tribunal and meeting services: the rules, tasks, sweep and audit."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from django.core.exceptions import ValidationError

from contacts.models import Priority, Task, TaskKind, TaskStatus
from offenders.models import SentenceType
from parole import selectors, services
from parole.models import (
    RECONSIDERATION_ELIGIBLE_TYPES,
    ConditionKind,
    ConditionOutcome,
    HospitalManagersReferral,
    LicenceConditionRequest,
    MeetingKind,
    ParoleOutcome,
    ParoleReview,
    ReconsiderationRequest,
    ReviewKind,
    Tribunal,
    TribunalHearing,
    VictimPersonalStatement,
)
from parole.sweeps import vps_sweep
from tests.parole.factories import (
    ConditionFactory,
    MeetingFactory,
    ParoleReviewFactory,
    StatementFactory,
    TribunalHearingFactory,
)
from tests.victims.factories import AddressFactory
from vcs_portal.cases.selectors import case_timeline
from vcs_portal.core.models import AuditAction, AuditEvent
from victims.models import Case, CaseStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2026, 6, 10)  # a Wednesday


@pytest.fixture
def make_case(make_case):
    """Cases on a life sentence passed in March 2012, unless a test says otherwise."""
    return partial(make_case, sentence_type=SentenceType.LIFE)


@pytest.fixture
def case(make_case, vlo):
    return make_case(vlo)


def review_for(case, **kwargs):
    kwargs.setdefault("referred_on", dt.date(2026, 3, 2))
    return ParoleReviewFactory(sentence=case.sentence, recorded_by=case.officer, **kwargs)


def decided_review(case, *, outcome=ParoleOutcome.RELEASE, decision_on=dt.date(2026, 6, 1)):
    return review_for(case, outcome=outcome, decision_on=decision_on, hearing_on=dt.date(2026, 5, 20))


def audited(action, object_type) -> int:
    return AuditEvent.objects.filter(action=action, object_type=object_type).count()


# --- VPS ------------------------------------------------------------------------------------


def test_vps_due_date_is_28_days_before_the_hearing(case):
    review = review_for(case, hearing_on=dt.date(2026, 7, 15))
    view = selectors.statement_view(review=review, statement=None, today=TODAY)
    assert view.due.due == dt.date(2026, 6, 17)
    assert "28 calendar days before the parole hearing" in view.due.rule


def test_vps_invite_sets_a_task_five_working_days_before_the_deadline(vlo, case):
    review = review_for(case, hearing_on=dt.date(2026, 8, 12))  # VPS due Wednesday 15 July
    services.vps_invite(actor=vlo, case=case, review=review, invited_on=TODAY)
    task = Task.objects.get(case=case, kind=TaskKind.VPS_DUE)
    assert task.title == "VPS due to the Parole Board by 15 July 2026"
    assert task.due_on == dt.date(2026, 7, 8)
    assert task.dedupe_key == f"vps:{review.pk}"
    assert task.owner == vlo


def test_vps_reminder_is_dated_from_the_deadline_even_when_recorded_late(vlo, case):
    review = review_for(case, hearing_on=dt.date(2026, 7, 10))  # VPS due Friday 12 June
    services.vps_invite(actor=vlo, case=case, review=review, invited_on=TODAY)
    # Five working days before the Board's deadline, though that day (5 June) has passed.
    assert Task.objects.get(case=case, kind=TaskKind.VPS_DUE).due_on == dt.date(2026, 6, 5)


def test_the_vps_reminder_lead_is_a_setting(vlo, case, settings):
    settings.VCS_VPS_REMINDER_WORKING_DAYS = 10
    review = review_for(case, hearing_on=dt.date(2026, 8, 12))  # VPS due Wednesday 15 July
    services.vps_invite(actor=vlo, case=case, review=review, invited_on=TODAY)
    assert Task.objects.get(case=case, kind=TaskKind.VPS_DUE).due_on == dt.date(2026, 7, 1)


def test_a_moved_hearing_moves_the_vps_reminder(vlo, case):
    review = review_for(case, hearing_on=dt.date(2026, 8, 12))
    services.vps_invite(actor=vlo, case=case, review=review, invited_on=TODAY)
    services.parole_review_update(
        actor=vlo,
        review=review,
        referred_on=review.referred_on,
        kind=review.kind,
        hearing_on=dt.date(2026, 9, 1),
    )
    task = Task.objects.get(case=case, kind=TaskKind.VPS_DUE)
    assert (task.due_on, task.title) == (dt.date(2026, 7, 28), "VPS due to the Parole Board by 4 August 2026")
    assert AuditEvent.objects.filter(object_id=str(task.pk), summary="task rescheduled by rule").exists()


def test_a_hearing_taken_out_closes_the_vps_reminder_with_the_reason(vlo, case):
    review = review_for(case, hearing_on=dt.date(2026, 8, 12))
    services.vps_invite(actor=vlo, case=case, review=review, invited_on=TODAY)
    services.parole_review_update(
        actor=vlo, review=review, referred_on=review.referred_on, kind=review.kind, hearing_on=None
    )
    task = Task.objects.get(case=case, kind=TaskKind.VPS_DUE)
    assert (task.status, task.outcome) == (
        TaskStatus.CANCELLED,
        "The hearing was taken out (no hearing date on record)",
    )


def test_vps_invite_without_a_hearing_date_sets_no_task_until_the_date_is_known(vlo, case):
    review = review_for(case, hearing_on=None)
    services.vps_invite(actor=vlo, case=case, review=review, invited_on=TODAY)
    assert not Task.objects.filter(kind=TaskKind.VPS_DUE).exists()
    services.parole_review_update(
        actor=vlo,
        review=review,
        referred_on=review.referred_on,
        kind=review.kind,
        hearing_on=dt.date(2026, 9, 1),
    )
    assert Task.objects.get(kind=TaskKind.VPS_DUE).title == "VPS due to the Parole Board by 4 August 2026"


def test_second_vps_invitation_for_the_same_review_is_refused(vlo, case):
    review = review_for(case)
    services.vps_invite(actor=vlo, case=case, review=review, invited_on=TODAY)
    with pytest.raises(ValidationError):
        services.vps_invite(actor=vlo, case=case, review=review, invited_on=TODAY)
    assert VictimPersonalStatement.objects.count() == 1
    assert Task.objects.filter(kind=TaskKind.VPS_DUE).count() == 1


def test_vps_invite_for_another_sentences_review_is_refused(vlo, case):
    other = ParoleReviewFactory()
    with pytest.raises(ValidationError):
        services.vps_invite(actor=vlo, case=case, review=other, invited_on=TODAY)
    assert not VictimPersonalStatement.objects.exists()


def progress(statement, actor, **changes):
    fields = dict(
        disclosure_explained_on=statement.disclosure_explained_on,
        received_on=statement.received_on,
        submitted_on=statement.submitted_on,
        wants_to_read_at_hearing=statement.wants_to_read_at_hearing,
        non_disclosure_applied=statement.non_disclosure_applied,
        non_disclosure_applied_on=statement.non_disclosure_applied_on,
    )
    return services.vps_progress_record(actor=actor, statement=statement, **{**fields, **changes})


def test_recording_received_without_the_disclosure_explanation_is_refused(vlo, case):
    statement = StatementFactory(case=case, review=review_for(case))
    with pytest.raises(ValidationError) as error:
        progress(statement, vlo, received_on=TODAY)
    assert "disclosed to the offender" in error.value.message_dict["received_on"][0]
    statement.refresh_from_db()
    assert statement.received_on is None


def test_received_is_recorded_once_disclosure_was_explained(vlo, case):
    statement = StatementFactory(case=case, review=review_for(case))
    progress(statement, vlo, disclosure_explained_on=dt.date(2026, 4, 10), received_on=TODAY)
    statement.refresh_from_db()
    assert statement.received_on == TODAY


def test_submitted_before_received_is_refused(vlo, case):
    statement = StatementFactory(
        case=case, review=review_for(case), disclosure_explained_on=dt.date(2026, 4, 10)
    )
    with pytest.raises(ValidationError) as error:
        progress(statement, vlo, submitted_on=TODAY)
    assert "submitted_on" in error.value.message_dict


def test_submitting_the_vps_completes_its_task(vlo, case):
    review = review_for(case, hearing_on=dt.date(2026, 8, 12))
    statement = services.vps_invite(
        actor=vlo, case=case, review=review, invited_on=TODAY, disclosure_explained_on=TODAY
    )
    progress(statement, vlo, received_on=TODAY, submitted_on=TODAY, wants_to_read_at_hearing=True)
    task = Task.objects.get(kind=TaskKind.VPS_DUE)
    assert task.status == TaskStatus.DONE
    assert task.outcome == "VPS submitted to the Parole Board on 10 June 2026"


def test_vps_sweep_raises_one_high_priority_overdue_task_and_a_rerun_is_a_no_op(vlo, case):
    StatementFactory(case=case, review=review_for(case, hearing_on=dt.date(2026, 7, 1)))  # due 3 June
    assert vps_sweep(as_of=TODAY)["overdue-statement tasks created"] == 1
    assert vps_sweep(as_of=TODAY)["overdue-statement tasks created"] == 0
    task = Task.objects.get(kind=TaskKind.VPS_OVERDUE)
    assert task.priority == Priority.HIGH
    assert task.owner == case.officer
    assert task.dedupe_key.startswith("vps-overdue:")
    assert "3 June 2026" in task.title


def test_vps_sweep_leaves_submitted_statements_and_future_deadlines_alone(make_case, vlo, case):
    StatementFactory(
        case=case,
        review=review_for(case, hearing_on=dt.date(2026, 7, 1)),
        disclosure_explained_on=dt.date(2026, 4, 10),
        received_on=dt.date(2026, 5, 1),
        submitted_on=dt.date(2026, 5, 2),
    )
    later = make_case(vlo)
    StatementFactory(
        case=later, review=review_for(later, hearing_on=dt.date(2026, 7, 8))
    )  # due 10 June: today
    assert vps_sweep(as_of=TODAY)["overdue-statement tasks created"] == 0


def test_vps_sweep_skips_closed_and_opted_out_cases(make_case, vlo):
    for status in (CaseStatus.OPTED_OUT, CaseStatus.CLOSED):
        case = make_case(vlo, status=status, closure_reason="other" if status == CaseStatus.CLOSED else "")
        StatementFactory(case=case, review=review_for(case, hearing_on=dt.date(2026, 7, 1)))
    assert vps_sweep(as_of=TODAY)["overdue-statement tasks created"] == 0


def test_the_overdue_task_is_dated_the_day_after_the_deadline_whichever_day_it_is_made(vlo, case):
    StatementFactory(case=case, review=review_for(case, hearing_on=dt.date(2026, 7, 1)))  # due 3 June
    vps_sweep(as_of=dt.date(2026, 6, 20))
    assert Task.objects.get(kind=TaskKind.VPS_OVERDUE).due_on == dt.date(2026, 6, 4)


def test_the_overdue_task_closes_once_the_hearing_has_passed(vlo, case):
    StatementFactory(case=case, review=review_for(case, hearing_on=dt.date(2026, 7, 1)))
    vps_sweep(as_of=TODAY)
    result = vps_sweep(as_of=dt.date(2026, 7, 2))
    task = Task.objects.get(kind=TaskKind.VPS_OVERDUE)
    assert result["statement tasks closed"] == 1
    assert (task.status, task.outcome) == (TaskStatus.CANCELLED, "The hearing (1 July 2026) has passed")


def test_a_catch_up_after_the_hearing_raises_no_overdue_task(vlo, case):
    StatementFactory(case=case, review=review_for(case, hearing_on=dt.date(2026, 7, 1)))
    assert vps_sweep(as_of=dt.date(2026, 7, 2))["overdue-statement tasks created"] == 0


def test_a_decision_closes_the_reviews_vps_tasks(vlo, case):
    review = review_for(case, hearing_on=dt.date(2026, 8, 12))
    services.vps_invite(actor=vlo, case=case, review=review, invited_on=TODAY)
    services.parole_decision_record(
        actor=vlo, review=review, outcome=ParoleOutcome.NO_RELEASE, decision_on=TODAY
    )
    task = Task.objects.get(kind=TaskKind.VPS_DUE)
    assert (task.status, task.outcome) == (
        TaskStatus.CANCELLED,
        "The parole review was decided on 10 June 2026",
    )


def test_vps_sweep_runs_for_the_given_day_and_twice_is_safe(vlo, case):
    StatementFactory(case=case, review=review_for(case, hearing_on=dt.date(2026, 7, 1)))
    created = "overdue-statement tasks created"
    assert vps_sweep(as_of=dt.date(2026, 6, 2))[created] == 0  # the deadline (3 June) had not passed
    assert vps_sweep(as_of=dt.date(2026, 6, 10))[created] == 1
    assert vps_sweep(as_of=dt.date(2026, 6, 10))[created] == 0


# --- decisions and reconsideration ----------------------------------------------------------


def test_reconsideration_eligible_types_are_indeterminate_extended_and_sopc():
    assert {
        SentenceType.LIFE,
        SentenceType.IPP,
        SentenceType.DETENTION_PLEASURE,
        SentenceType.EXTENDED,
        SentenceType.SOPC,
    } == RECONSIDERATION_ELIGIBLE_TYPES


def test_reconsideration_window_ends_21_days_after_the_decision(case):
    status = selectors.reconsideration_status(review=decided_review(case), on=TODAY)
    assert status.window.due == dt.date(2026, 6, 22)
    assert status.available


def test_reconsideration_within_21_days_is_recorded(vlo, case):
    review = decided_review(case)
    request = services.reconsideration_request_record(actor=vlo, case=case, review=review, requested_on=TODAY)
    assert request.recorded_by == vlo


def test_reconsideration_after_21_days_is_refused(vlo, case):
    review = decided_review(case, decision_on=dt.date(2026, 5, 1))
    with pytest.raises(ValidationError) as error:
        services.reconsideration_request_record(actor=vlo, case=case, review=review, requested_on=TODAY)
    assert "closed on 22 May 2026" in error.value.message_dict["requested_on"][0]
    assert not ReconsiderationRequest.objects.exists()


def test_reconsideration_of_an_open_conditions_recommendation_is_refused(vlo, case):
    review = decided_review(case, outcome=ParoleOutcome.OPEN_RECOMMENDED)
    with pytest.raises(ValidationError) as error:
        services.reconsideration_request_record(actor=vlo, case=case, review=review, requested_on=TODAY)
    assert error.value.message_dict["requested_on"] == [
        "A recommendation for open conditions cannot be reconsidered."
    ]


def test_reconsideration_for_a_determinate_sentence_is_refused(make_case, vlo):
    case = make_case(vlo, sentence_type=SentenceType.DETERMINATE)
    review = decided_review(case)
    with pytest.raises(ValidationError) as error:
        services.reconsideration_request_record(actor=vlo, case=case, review=review, requested_on=TODAY)
    assert "cannot be reconsidered" in error.value.message_dict["requested_on"][0]
    assert not ReconsiderationRequest.objects.exists()


def test_reconsideration_for_an_extended_sentence_is_recorded(make_case, vlo):
    case = make_case(vlo, sentence_type=SentenceType.EXTENDED)
    services.reconsideration_request_record(
        actor=vlo, case=case, review=decided_review(case), requested_on=TODAY
    )
    assert ReconsiderationRequest.objects.count() == 1


def test_parole_review_for_a_hospital_order_is_refused(make_case, vlo):
    case = make_case(vlo, sentence_type=SentenceType.HOSPITAL_S37_41)
    with pytest.raises(ValidationError):
        services.parole_review_create(
            actor=vlo, sentence=case.sentence, referred_on=TODAY, kind=ReviewKind.ORAL
        )
    assert not ParoleReview.objects.exists()


def test_decision_before_the_referral_is_refused(vlo, case):
    review = review_for(case)
    with pytest.raises(ValidationError) as error:
        services.parole_decision_record(
            actor=vlo, review=review, outcome=ParoleOutcome.RELEASE, decision_on=dt.date(2026, 1, 1)
        )
    assert "decision_on" in error.value.message_dict


# --- licence conditions ---------------------------------------------------------------------


def test_condition_not_imposed_needs_a_reason(vlo, case):
    condition = ConditionFactory(case=case)
    with pytest.raises(ValidationError) as error:
        services.licence_condition_outcome_record(
            actor=vlo,
            condition=condition,
            outcome=ConditionOutcome.NOT_IMPOSED,
            outcome_on=TODAY,
            reason="  ",
        )
    assert "outcome_reason" in error.value.message_dict
    condition.refresh_from_db()
    assert condition.outcome == ConditionOutcome.REQUESTED
    assert not Task.objects.exists()


def test_condition_not_imposed_creates_exactly_one_task_even_if_recorded_twice(vlo, case):
    condition = ConditionFactory(case=case, kind=ConditionKind.EXCLUSION_ZONE, description="The town centre")
    for _ in range(2):
        services.licence_condition_outcome_record(
            actor=vlo,
            condition=condition,
            outcome=ConditionOutcome.NOT_IMPOSED,
            outcome_on=TODAY,
            reason="Not necessary and proportionate",
        )
    task = Task.objects.get(kind=TaskKind.CONDITION_REFUSED)
    assert task.title == "Explain to the victim why the exclusion zone was not imposed"
    assert task.dedupe_key == f"condition:{condition.pk}"
    assert task.due_on == dt.date(2026, 6, 17)


def test_condition_corrected_to_imposed_cancels_the_explanation_task(vlo, case):
    condition = ConditionFactory(case=case)
    services.licence_condition_outcome_record(
        actor=vlo,
        condition=condition,
        outcome=ConditionOutcome.NOT_IMPOSED,
        outcome_on=TODAY,
        reason="Refused",
    )
    services.licence_condition_outcome_record(
        actor=vlo, condition=condition, outcome=ConditionOutcome.IMPOSED, outcome_on=TODAY
    )
    assert Task.objects.get(kind=TaskKind.CONDITION_REFUSED).status == TaskStatus.CANCELLED


def test_exclusion_zone_needs_a_description(vlo, case):
    with pytest.raises(ValidationError) as error:
        services.licence_condition_request(
            actor=vlo, case=case, kind=ConditionKind.EXCLUSION_ZONE, description="", requested_on=TODAY
        )
    assert "description" in error.value.message_dict
    assert not LicenceConditionRequest.objects.exists()


@pytest.mark.parametrize("text", ["Around ZZ9 9ZZ", "Near 17 Xylophone Crescent", "call 07700 900 982"])
def test_condition_description_with_the_victims_contact_details_is_refused(vlo, case, text):
    case.victim.phone = "07700900982"
    case.victim.save()
    AddressFactory(victim=case.victim, line_1="17 Xylophone Crescent", postcode="ZZ9 9ZZ")
    with pytest.raises(ValidationError) as error:
        services.licence_condition_request(
            actor=vlo, case=case, kind=ConditionKind.EXCLUSION_ZONE, description=text, requested_on=TODAY
        )
    assert "offender manager" in error.value.message_dict["description"][0]


def test_imposed_share_is_imposed_over_decided(make_case, vlo, other_team_vlo):
    first, second = make_case(vlo), make_case(vlo)
    outsider_case = make_case(other_team_vlo)
    for outcome in ("imposed", "imposed", "not_imposed", "requested"):
        ConditionFactory(case=first, outcome=outcome)
    ConditionFactory(case=second, outcome="not_imposed")
    ConditionFactory(case=outsider_case, outcome="imposed")  # not in the cases asked about
    share = selectors.conditions_imposed_share(cases_qs=Case.objects.filter(pk__in=[first.pk, second.pk]))
    assert (share.imposed, share.decided, share.share, share.percent) == (2, 4, 0.5, 50)


def test_imposed_share_with_nothing_decided_is_none(case):
    ConditionFactory(case=case)
    share = selectors.conditions_imposed_share(cases_qs=Case.objects.filter(pk=case.pk))
    assert share.decided == 0 and share.share is None


# --- Mental Health Tribunal -----------------------------------------------------------------


@pytest.fixture
def restricted_case(make_case, vlo):
    return make_case(vlo, sentence_type=SentenceType.HOSPITAL_S37_41, sentence_date=dt.date(2023, 1, 10))


def test_victim_impact_statement_is_refused_for_an_application_before_25_june_2025(vlo, restricted_case):
    with pytest.raises(ValidationError) as error:
        services.tribunal_hearing_create(
            actor=vlo,
            case=restricted_case,
            applied_on=dt.date(2025, 6, 24),
            victim_impact_statement="I ask for a condition not to enter the town.",
        )
    message = error.value.message_dict["victim_impact_statement"][0]
    assert "on or after 25 June 2025" in message
    assert not TribunalHearing.objects.exists()


def test_victim_impact_statement_is_accepted_from_25_june_2025(vlo, restricted_case):
    hearing = services.tribunal_hearing_create(
        actor=vlo,
        case=restricted_case,
        applied_on=dt.date(2025, 6, 25),
        victim_impact_statement="Conditions only",
    )
    assert hearing.victim_impact_statement == "Conditions only"


def test_victim_impact_statement_start_date_is_a_setting(vlo, restricted_case, settings):
    settings.VCS_VIS_TRIBUNAL_FROM = "2025-07-01"
    with pytest.raises(ValidationError):
        services.tribunal_hearing_create(
            actor=vlo, case=restricted_case, applied_on=dt.date(2025, 6, 30), victim_impact_statement="x"
        )


def test_tribunal_application_in_the_first_six_months_of_a_restricted_order_is_refused(make_case, vlo):
    case = make_case(vlo, sentence_type=SentenceType.HOSPITAL_S37_41, sentence_date=dt.date(2026, 1, 15))
    with pytest.raises(ValidationError) as error:
        services.tribunal_hearing_create(actor=vlo, case=case, applied_on=dt.date(2026, 6, 1))
    assert "15 July 2026" in error.value.message_dict["applied_on"][0]


def test_unrestricted_patient_is_routed_to_the_hospital_managers(make_case, vlo):
    case = make_case(vlo, sentence_type=SentenceType.HOSPITAL_S37, sentence_date=dt.date(2024, 1, 10))
    assert selectors.tribunal_route(case) == selectors.ROUTE_HOSPITAL_MANAGERS
    with pytest.raises(ValidationError):
        services.tribunal_hearing_create(actor=vlo, case=case, applied_on=dt.date(2025, 1, 10))
    referral = services.hospital_managers_referral_record(
        actor=vlo, case=case, referred_on=TODAY, hospital="Riverside Hospital", contact_name="Ward manager"
    )
    assert referral.hospital == "Riverside Hospital"
    assert not TribunalHearing.objects.exists()


def test_restricted_patient_is_not_referred_to_the_hospital_managers(vlo, restricted_case):
    with pytest.raises(ValidationError):
        services.hospital_managers_referral_record(
            actor=vlo, case=restricted_case, referred_on=TODAY, hospital="Riverside Hospital"
        )
    assert not HospitalManagersReferral.objects.exists()


def test_wales_region_defaults_to_the_welsh_tribunal(make_case, outsider):
    case = make_case(outsider, sentence_type=SentenceType.HOSPITAL_S37_41, sentence_date=dt.date(2023, 1, 10))
    hearing = services.tribunal_hearing_create(actor=outsider, case=case, applied_on=dt.date(2026, 1, 5))
    assert hearing.tribunal == Tribunal.WALES


def test_english_region_defaults_to_the_first_tier_tribunal(vlo, restricted_case):
    hearing = services.tribunal_hearing_create(
        actor=vlo, case=restricted_case, applied_on=dt.date(2026, 1, 5)
    )
    assert hearing.tribunal == Tribunal.ENGLAND


def test_tribunal_decision_needs_its_date(vlo, restricted_case):
    hearing = TribunalHearingFactory(case=restricted_case)
    fields = {name: getattr(hearing, name) for name in services.TRIBUNAL_FIELDS}
    with pytest.raises(ValidationError) as error:
        services.tribunal_hearing_update(actor=vlo, hearing=hearing, **{**fields, "decision": "conditional"})
    assert "decision_on" in error.value.message_dict


# --- meetings -------------------------------------------------------------------------------


def test_mappa_meeting_needs_a_level(vlo, case):
    with pytest.raises(ValidationError) as error:
        services.meeting_record(
            actor=vlo, case=case, kind=MeetingKind.MAPPA, held_on=TODAY, level="", views_put_forward="Views"
        )
    assert "level" in error.value.message_dict


def test_marac_meeting_has_no_level(vlo, case):
    meeting = services.meeting_record(
        actor=vlo, case=case, kind=MeetingKind.MARAC, held_on=TODAY, level="2", views_put_forward="Views"
    )
    assert meeting.level == ""


# --- audit: every write ---------------------------------------------------------------------


def _writes(vlo, case, restricted, unrestricted):
    review = review_for(case, hearing_on=dt.date(2026, 8, 12))
    decided = decided_review(case)
    statement = StatementFactory(case=case, review=review_for(case, referred_on=dt.date(2026, 2, 2)))
    condition = ConditionFactory(case=case)
    hearing = TribunalHearingFactory(case=restricted)
    hearing_fields = {name: getattr(hearing, name) for name in services.TRIBUNAL_FIELDS}
    return {
        "parole_review_create": (
            lambda: services.parole_review_create(
                actor=vlo, sentence=case.sentence, referred_on=TODAY, kind=ReviewKind.PAPER
            ),
            AuditAction.CREATE,
            "parole.ParoleReview",
        ),
        "parole_review_update": (
            lambda: services.parole_review_update(
                actor=vlo,
                review=review,
                referred_on=review.referred_on,
                kind=ReviewKind.ORAL,
                hearing_on=None,
            ),
            AuditAction.UPDATE,
            "parole.ParoleReview",
        ),
        "parole_decision_record": (
            lambda: services.parole_decision_record(
                actor=vlo, review=review, outcome=ParoleOutcome.NO_RELEASE, decision_on=TODAY
            ),
            AuditAction.UPDATE,
            "parole.ParoleReview",
        ),
        "reconsideration_request_record": (
            lambda: services.reconsideration_request_record(
                actor=vlo, case=case, review=decided, requested_on=TODAY
            ),
            AuditAction.CREATE,
            "parole.ReconsiderationRequest",
        ),
        "vps_invite": (
            lambda: services.vps_invite(actor=vlo, case=case, review=review, invited_on=TODAY),
            AuditAction.CREATE,
            "parole.VictimPersonalStatement",
        ),
        "vps_progress_record": (
            lambda: progress(statement, vlo, disclosure_explained_on=TODAY),
            AuditAction.UPDATE,
            "parole.VictimPersonalStatement",
        ),
        "licence_condition_request": (
            lambda: services.licence_condition_request(
                actor=vlo, case=case, kind=ConditionKind.NO_CONTACT, description="", requested_on=TODAY
            ),
            AuditAction.CREATE,
            "parole.LicenceConditionRequest",
        ),
        "licence_condition_send": (
            lambda: services.licence_condition_send(actor=vlo, condition=condition, sent_on=TODAY),
            AuditAction.UPDATE,
            "parole.LicenceConditionRequest",
        ),
        "licence_condition_outcome_record": (
            lambda: services.licence_condition_outcome_record(
                actor=vlo, condition=condition, outcome=ConditionOutcome.IMPOSED, outcome_on=TODAY
            ),
            AuditAction.UPDATE,
            "parole.LicenceConditionRequest",
        ),
        "tribunal_hearing_create": (
            lambda: services.tribunal_hearing_create(
                actor=vlo, case=restricted, applied_on=dt.date(2026, 2, 1)
            ),
            AuditAction.CREATE,
            "parole.TribunalHearing",
        ),
        "tribunal_hearing_update": (
            lambda: services.tribunal_hearing_update(
                actor=vlo,
                hearing=hearing,
                **{**hearing_fields, "representations_summary": "Asked for a zone"},
            ),
            AuditAction.UPDATE,
            "parole.TribunalHearing",
        ),
        "hospital_managers_referral_record": (
            lambda: services.hospital_managers_referral_record(
                actor=vlo, case=unrestricted, referred_on=TODAY, hospital="Riverside Hospital"
            ),
            AuditAction.CREATE,
            "parole.HospitalManagersReferral",
        ),
        "meeting_record": (
            lambda: services.meeting_record(
                actor=vlo,
                case=case,
                kind=MeetingKind.MARAC,
                held_on=TODAY,
                level="",
                views_put_forward="Views",
            ),
            AuditAction.CREATE,
            "parole.MultiAgencyMeeting",
        ),
    }


WRITES = [
    "parole_review_create",
    "parole_review_update",
    "parole_decision_record",
    "reconsideration_request_record",
    "vps_invite",
    "vps_progress_record",
    "licence_condition_request",
    "licence_condition_send",
    "licence_condition_outcome_record",
    "tribunal_hearing_create",
    "tribunal_hearing_update",
    "hospital_managers_referral_record",
    "meeting_record",
]


@pytest.mark.parametrize("name", WRITES)
def test_every_write_leaves_an_audit_record(make_case, vlo, case, name):
    restricted = make_case(
        vlo, sentence_type=SentenceType.HOSPITAL_S37_41, sentence_date=dt.date(2023, 1, 10)
    )
    unrestricted = make_case(vlo, sentence_type=SentenceType.HOSPITAL_S37, sentence_date=dt.date(2023, 1, 10))
    write, action, object_type = _writes(vlo, case, restricted, unrestricted)[name]
    before = audited(action, object_type)
    obj = write()
    assert audited(action, object_type) == before + 1
    event = AuditEvent.objects.filter(action=action, object_type=object_type).order_by("-id").first()
    assert event.object_id == str(obj.pk) and event.actor == vlo


def test_refused_write_leaves_no_audit_record(vlo, case):
    condition = ConditionFactory(case=case)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.licence_condition_outcome_record(
            actor=vlo, condition=condition, outcome=ConditionOutcome.NOT_IMPOSED, outcome_on=TODAY
        )
    assert AuditEvent.objects.count() == before


# --- the case timeline ----------------------------------------------------------------------


def test_case_timeline_shows_hearings_decisions_vps_conditions_meetings_and_tribunal(vlo, case):
    review = decided_review(case)
    StatementFactory(
        case=case,
        review=review,
        disclosure_explained_on=dt.date(2026, 4, 10),
        received_on=dt.date(2026, 4, 14),
        submitted_on=dt.date(2026, 4, 15),
    )
    ConditionFactory(
        case=case, outcome="not_imposed", outcome_on=dt.date(2026, 6, 1), outcome_reason="No need"
    )
    MeetingFactory(case=case)
    titles = [entry.title for entry in case_timeline(case=case)]
    for title in (
        "Parole hearing",
        "Parole decision: Release",
        "VPS invited",
        "VPS: disclosure explained",
        "VPS received",
        "VPS submitted to the Parole Board",
        "Licence condition requested: No contact with the victim",
        "Licence condition not imposed: No contact with the victim",
        "MAPPA meeting, level 2",
    ):
        assert title in titles


def test_case_timeline_shows_tribunal_milestones(vlo, restricted_case):
    TribunalHearingFactory(
        case=restricted_case,
        hearing_on=dt.date(2026, 3, 1),
        decision="conditional",
        decision_on=dt.date(2026, 3, 2),
    )
    titles = [entry.title for entry in case_timeline(case=restricted_case)]
    assert {"Tribunal application", "Tribunal hearing", "Tribunal decision: Conditional discharge"} <= set(
        titles
    )
