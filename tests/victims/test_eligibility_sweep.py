"""The stored assessments: reassessing one sentence, the daily sweep, and flagging cases for review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from offenders.eligibility import sentences_sweep
from offenders.models import (
    Concurrency,
    Eligibility,
    EligibilityAssessment,
    EligibilityRecheck,
    EligibilitySweep,
    Sentence,
    SentenceType,
)
from tests.offenders.factories import OffenceFactory, SentenceFactory, SentenceOffenceFactory
from tests.victims.factories import CaseFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from vcs_portal.operations.tasks import daily_jobs_task
from victims.eligibility import eligibility_sweep, sentence_reassess
from victims.models import Case, CaseStatus, ClosureReason

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 22)
NEXT_DAY = dt.date(2026, 11, 23)


def wounding_sentence(**fields) -> Sentence:
    """A determinate sentence (4 years unless told) for wounding with intent, a specified violent offence."""
    sentence = SentenceFactory(**fields)
    SentenceOffenceFactory(sentence=sentence, offence=OffenceFactory(specified_violent=True))
    return sentence


def theft_sentence() -> Sentence:
    sentence = SentenceFactory(years=3)
    SentenceOffenceFactory(sentence=sentence, offence=OffenceFactory(specified_violent=False))
    return sentence


def case_on(sentence: Sentence, **fields) -> Case:
    return CaseFactory(sentence=sentence, offender=sentence.offender, team=sentence.offender.team, **fields)


def appeal_to_eight_months(sentence: Sentence) -> None:
    sentence.years, sentence.months = None, 8
    sentence.save()


def run(day: dt.date, **kwargs) -> EligibilitySweep:
    """Run the sweep for ``day`` and return the day's summary row, with its tallies."""
    eligibility_sweep(as_of=day, **kwargs)
    return EligibilitySweep.objects.get(run_on=day)


def review_audits(case: Case):
    return AuditEvent.objects.filter(
        object_type="victims.Case", object_id=str(case.pk), summary="flagged for eligibility review"
    )


# --- the sweep ---------------------------------------------------------------------------------


def test_first_run_stores_one_assessment_per_sentence():
    sentences = [wounding_sentence(), wounding_sentence(), theft_sentence()]
    run(DAY)
    assert sorted(EligibilityAssessment.objects.values_list("sentence_id", flat=True)) == sorted(
        s.pk for s in sentences
    )


def test_first_run_records_a_summary():
    wounding_sentence()
    wounding_sentence()
    theft_sentence()
    sweep = run(DAY)
    assert (sweep.sentences_checked, sweep.statutory, sweep.discretionary, sweep.not_eligible) == (3, 2, 0, 1)
    assert sweep.changed == 3
    assert sweep.finished_at is not None


def test_assessment_rows_carry_the_run_date_and_reasons():
    wounding_sentence()
    run(DAY)
    row = EligibilityAssessment.objects.get()
    assert (row.outcome, row.rule, row.assessed_on) == (Eligibility.STATUTORY, "custody_12_months", DAY)
    assert any("Schedule 18" in reason for reason in row.reasons)


def test_second_run_the_same_day_is_a_no_op():
    wounding_sentence()
    first = run(DAY)
    appeal_to_eight_months(Sentence.objects.get())  # Even a change waits for the next day's run.
    second = run(DAY)
    assert second.pk == first.pk
    assert (second.sentences_checked, second.changed, second.finished_at) == (1, 1, first.finished_at)
    assert EligibilityAssessment.objects.count() == 1


def test_next_day_with_no_changes_checks_nothing_but_records_a_new_summary():
    wounding_sentence()
    theft_sentence()
    first = run(DAY)
    second = run(NEXT_DAY)
    assert second.pk != first.pk
    assert (first.whole, second.whole) == (True, False)
    assert (second.sentences_checked, second.changed) == (0, 0)
    assert second.finished_at is not None
    assert EligibilityAssessment.objects.count() == 2


# --- what queues a sentence for the next day ---------------------------------------------------


def test_a_bulk_update_outside_the_services_is_checked_the_next_day():
    """The triggers see a change however it was made: here an UPDATE that calls no service."""
    sentence = wounding_sentence()
    case = case_on(sentence, statutory=True)
    wounding_sentence()
    run(DAY)
    Sentence.objects.filter(pk=sentence.pk).update(years=None, months=8)
    sweep = run(NEXT_DAY)
    assert (sweep.sentences_checked, sweep.changed, sweep.flagged_for_review) == (1, 1, 1)
    case.refresh_from_db()
    assert case.needs_review


def test_a_count_added_or_removed_is_checked_the_next_day():
    sentence = SentenceFactory(years=3)
    theft = SentenceOffenceFactory(sentence=sentence, offence=OffenceFactory(specified_violent=False))
    run(DAY)
    SentenceOffenceFactory(sentence=sentence, offence=OffenceFactory(specified_violent=True), position=2)
    assert run(NEXT_DAY).changed == 1
    assert EligibilityAssessment.objects.filter(sentence=sentence).first().outcome == Eligibility.STATUTORY
    sentence.counts.exclude(pk=theft.pk).delete()
    later = run(NEXT_DAY + dt.timedelta(days=1))
    assert (later.sentences_checked, later.changed) == (1, 1)
    assert EligibilityAssessment.objects.filter(sentence=sentence).first().outcome == Eligibility.NOT_ELIGIBLE


def test_an_offender_date_of_birth_queues_each_of_their_sentences():
    sentence = wounding_sentence()
    SentenceFactory(offender=sentence.offender)
    wounding_sentence()
    run(DAY)
    offender = sentence.offender
    offender.date_of_birth = dt.date(1990, 1, 1)
    offender.save()
    assert run(NEXT_DAY).sentences_checked == 2


def test_a_changed_offence_in_the_catalogue_queues_the_sentences_that_name_it():
    sentence = theft_sentence()
    theft_sentence()
    run(DAY)
    offence = sentence.counts.get().offence
    offence.specified_violent = True
    offence.save()
    sweep = run(NEXT_DAY)
    assert (sweep.sentences_checked, sweep.changed, sweep.whole) == (1, 1, False)


def test_a_new_custody_threshold_checks_every_sentence(settings):
    wounding_sentence(years=None, months=18)
    theft_sentence()
    run(DAY)
    settings.VCS_ELIGIBILITY_MIN_CUSTODY_MONTHS = 24
    sweep = run(NEXT_DAY)
    assert (sweep.whole, sweep.sentences_checked, sweep.changed) == (True, 2, 1)


def test_a_queued_sentence_since_deleted_is_dropped():
    doomed = wounding_sentence()
    run(DAY)
    Sentence.objects.filter(pk=doomed.pk).update(months=2)
    doomed.delete()
    sweep = run(NEXT_DAY)
    assert (sweep.sentences_checked, sweep.finished_at is not None) == (0, True)
    assert not EligibilityRecheck.objects.exists()


def test_a_change_made_while_its_sentence_is_checked_waits_for_the_next_day():
    """The sweep takes a sentence off the queue before reading it: a change in the same moment
    (here, in the sweep's own transaction, as the case flagging runs) queues it again."""
    sentence = wounding_sentence()
    run(DAY)
    Sentence.objects.filter(pk=sentence.pk).update(court="Leeds Crown Court")
    for _sweep, chunk, _changes in sentences_sweep(run_on=NEXT_DAY):
        assert [s.pk for s, _ in chunk] == [sentence.pk]
        assert not EligibilityRecheck.objects.exists()
        Sentence.objects.filter(pk=sentence.pk).update(years=None, months=8)
    assert list(EligibilityRecheck.objects.values_list("sentence_id", flat=True)) == [sentence.pk]
    assert run(NEXT_DAY + dt.timedelta(days=1)).changed == 1


def test_a_crashed_day_of_the_queue_goes_on_from_where_it_stopped():
    for _ in range(3):
        wounding_sentence()
    run(DAY)
    Sentence.objects.update(months=1)
    sweeping = sentences_sweep(run_on=NEXT_DAY, chunk_size=2)
    next(sweeping)
    next(sweeping)  # the first chunk is stored; the worker dies while the second is checked
    sweeping.close()
    assert EligibilityRecheck.objects.count() == 1
    assert run(NEXT_DAY, chunk_size=2).sentences_checked == 1
    assert not EligibilityRecheck.objects.exists()


def test_a_crashed_run_is_redone():
    wounding_sentence()
    EligibilitySweep.objects.create(run_on=DAY, sentences_checked=7)  # finished_at left empty
    sweep = run(DAY)
    assert sweep.finished_at is not None
    assert sweep.sentences_checked == 1
    assert EligibilityAssessment.objects.count() == 1


def test_sweep_covers_every_chunk():
    for _ in range(5):
        wounding_sentence()
    sweep = run(DAY, chunk_size=2)
    assert sweep.sentences_checked == 5
    assert EligibilityAssessment.objects.count() == 5


def one_of_each_kind() -> None:
    """Sentences that reach every rule, each with an open case recorded as statutory."""
    life = SentenceFactory(sentence_type=SentenceType.LIFE, years=None)
    hospital = SentenceFactory(sentence_type=SentenceType.HOSPITAL_S37, years=None)
    suspended = SentenceFactory(sentence_type=SentenceType.SUSPENDED, years=2)
    counted = SentenceFactory(years=None)
    for sentence in (life, hospital, suspended):
        SentenceOffenceFactory(sentence=sentence, offence=OffenceFactory(specified_violent=True))
    for concurrency in (Concurrency.CONCURRENT, Concurrency.CONSECUTIVE):
        SentenceOffenceFactory(sentence=counted, months=8, concurrency=concurrency)
    coercive = SentenceFactory(years=2)
    abuse = OffenceFactory(specified_violent=False, domestic_abuse=True)
    SentenceOffenceFactory(sentence=coercive, offence=abuse)
    short = wounding_sentence(years=None, months=8)
    for sentence in (life, hospital, suspended, counted, coercive, short, theft_sentence()):
        case_on(sentence)


def test_sweep_queries_do_not_grow_with_the_number_of_sentences():
    """Neither the walk of every sentence nor a day's queue makes a query per sentence."""
    one_of_each_kind()
    with CaptureQueriesContext(connection) as few_walked:
        assert run(DAY).flagged_for_review == 4
    one_of_each_kind()
    with CaptureQueriesContext(connection) as few_queued:
        assert run(NEXT_DAY).flagged_for_review == 4
    for _ in range(5):
        one_of_each_kind()
    with CaptureQueriesContext(connection) as many_queued:
        assert run(NEXT_DAY + dt.timedelta(days=1)).flagged_for_review == 20
    EligibilitySweep.objects.all().delete()  # no finished sweep: the next walks every sentence
    Case.objects.update(needs_review=False)
    EligibilityAssessment.objects.all().delete()
    with CaptureQueriesContext(connection) as many_walked:
        assert run(DAY).flagged_for_review == 28
    assert len(many_queued) == len(few_queued)
    assert len(many_walked) == len(few_walked)


# --- an appeal that takes the sentence below 12 months ----------------------------------------


def test_appeal_below_12_months_flags_the_open_case_in_the_sweep():
    sentence = wounding_sentence()
    case = case_on(sentence, status=CaseStatus.OPTED_IN)
    run(DAY)
    appeal_to_eight_months(sentence)
    sweep = run(NEXT_DAY)
    case.refresh_from_db()
    assert case.needs_review
    assert case.review_reason == (
        "Eligibility changed from statutory to not eligible (custody under 12 months). "
        "Review the case; it has not been closed."
    )
    assert (sweep.changed, sweep.flagged_for_review) == (1, 1)


def test_appeal_below_12_months_keeps_the_case_open_with_its_status():
    sentence = wounding_sentence()
    case = case_on(sentence, status=CaseStatus.OPTED_IN)
    run(DAY)
    appeal_to_eight_months(sentence)
    run(NEXT_DAY)
    case.refresh_from_db()
    assert (case.status, case.closure_reason, case.statutory) == (CaseStatus.OPTED_IN, "", True)


def test_appeal_below_12_months_audits_the_flag_in_the_sweep():
    sentence = wounding_sentence()
    case = case_on(sentence)
    run(DAY)
    appeal_to_eight_months(sentence)
    run(NEXT_DAY)
    event = review_audits(case).get()
    assert (event.action, event.actor) == (AuditAction.UPDATE, None)


def test_appeal_below_12_months_adds_a_new_assessment_and_keeps_the_old():
    sentence = wounding_sentence()
    run(DAY)
    appeal_to_eight_months(sentence)
    run(NEXT_DAY)
    assert list(sentence.assessments.values_list("outcome", flat=True)) == [
        Eligibility.NOT_ELIGIBLE,
        Eligibility.STATUTORY,
    ]


def test_closed_case_is_not_flagged():
    sentence = wounding_sentence()
    case = case_on(sentence, status=CaseStatus.CLOSED, closure_reason=ClosureReason.SENTENCE_ENDED)
    run(DAY)
    appeal_to_eight_months(sentence)
    run(NEXT_DAY)
    case.refresh_from_db()
    assert not case.needs_review
    assert not review_audits(case).exists()


def test_unchanged_sentence_leaves_its_case_alone():
    case = case_on(wounding_sentence())
    run(DAY)
    run(NEXT_DAY)
    case.refresh_from_db()
    assert not case.needs_review


def test_first_assessment_flags_a_case_recorded_as_statutory_on_an_ineligible_sentence():
    case = case_on(theft_sentence())
    run(DAY)
    case.refresh_from_db()
    assert case.needs_review
    assert "but the case is recorded as statutory" in case.review_reason


# --- reassessing one sentence ------------------------------------------------------------------


def test_reassess_returns_false_when_nothing_changed(vlo):
    sentence = wounding_sentence()
    sentence_reassess(sentence=sentence, actor=vlo, today=DAY)
    assert sentence_reassess(sentence=sentence, actor=vlo, today=NEXT_DAY) is False
    assert sentence.assessments.count() == 1


def test_reassess_stores_a_new_row_when_the_outcome_changes(vlo):
    sentence = wounding_sentence()
    assert sentence_reassess(sentence=sentence, actor=vlo, today=DAY) is True
    first = sentence.assessments.get()
    appeal_to_eight_months(sentence)
    assert sentence_reassess(sentence=sentence, actor=vlo, today=NEXT_DAY) is True
    second = sentence.assessments.order_by("-assessed_at", "-pk").first()
    assert (second.outcome, second.rule, second.assessed_on) == (
        Eligibility.NOT_ELIGIBLE,
        "custody_under_12_months",
        NEXT_DAY,
    )
    assert EligibilityAssessment.objects.filter(pk=first.pk).exists()


def test_reassess_after_appeal_flags_the_open_case_and_audits_the_actor(vlo):
    sentence = wounding_sentence()
    case = case_on(sentence, status=CaseStatus.OFFER_SENT)
    sentence_reassess(sentence=sentence, today=DAY)
    appeal_to_eight_months(sentence)
    sentence_reassess(sentence=sentence, actor=vlo, today=NEXT_DAY)
    case.refresh_from_db()
    assert (case.needs_review, case.status) == (True, CaseStatus.OFFER_SENT)
    assert review_audits(case).get().actor == vlo


def test_becoming_statutory_makes_the_case_statutory_and_flags_it(manager):
    sentence = wounding_sentence(years=None, months=8)
    case = case_on(sentence, statutory=False, discretionary_approved_by=manager)
    sentence_reassess(sentence=sentence, today=DAY)
    sentence.months = 14  # e.g. a reference by the Attorney General for an unduly lenient sentence
    sentence.save()
    sentence_reassess(sentence=sentence, today=NEXT_DAY)
    case.refresh_from_db()
    assert (case.statutory, case.needs_review) == (True, True)
    assert "from not eligible to statutory" in case.review_reason


# --- the daily jobs ----------------------------------------------------------------------------


def test_the_daily_jobs_run_the_sweep_for_the_given_day():
    wounding_sentence()
    lines = daily_jobs_task(as_of="2026-11-22")
    assert "Eligibility sweep: 1 sentences checked, 1 changed, 0 cases flagged for review" in lines
    sweep = EligibilitySweep.objects.get(run_on=DAY)
    assert (sweep.run_on, sweep.sentences_checked) == (DAY, 1)


def test_the_daily_jobs_run_twice_sweep_once():
    wounding_sentence()
    first = daily_jobs_task(as_of="2026-11-22")
    assert daily_jobs_task(as_of="2026-11-22")[0] == first[0]
    assert EligibilityAssessment.objects.count() == 1


# --- a victim's age decides ----------------------------------------------------------------------


def child_route_sentence(**fields) -> Sentence:
    """Supplying a Class A drug, which qualifies only when the victim was a child (Sch 4 CJCSA 2000)."""
    from offenders.models import Offence

    sentence = SentenceFactory(years=3, **fields)
    offence = Offence.objects.get(code="MDA71_S4_3_CLASS_A")
    SentenceOffenceFactory(sentence=sentence, offence=offence, offence_date=dt.date(2025, 3, 3))
    return sentence


def test_an_unknown_victim_age_flags_the_case_with_the_question_to_answer():
    sentence = child_route_sentence()
    case = case_on(sentence, statutory=False, victim__date_of_birth=None)
    run(DAY)
    case.refresh_from_db()
    assert case.needs_review
    assert "Was the victim under 18 on 3 March 2025?" in case.review_reason


def test_a_child_victim_makes_the_case_statutory_by_their_own_date_of_birth():
    sentence = child_route_sentence()
    child = case_on(sentence, statutory=False, victim__date_of_birth=dt.date(2012, 1, 1))
    adult = case_on(sentence, statutory=False, victim__date_of_birth=dt.date(1990, 1, 1))
    run(DAY)
    child.refresh_from_db()
    adult.refresh_from_db()
    assert (child.statutory, child.needs_review) == (True, True)
    assert (adult.statutory, adult.needs_review) == (False, False)
