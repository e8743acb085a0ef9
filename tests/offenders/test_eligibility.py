"""Worked examples for the eligibility rules (DOMAIN.md section 2), each with the reason a VLO reads."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from offenders.eligibility import Assessment, aggregate_term, assess
from offenders.models import Concurrency, Eligibility, Offence, Sentence, SentenceType
from tests.offenders.factories import OffenceFactory, SentenceFactory, SentenceOffenceFactory

pytestmark = pytest.mark.django_db

# --- offences, with their flags spelt out rather than read from the catalogue ------------------


def wounding_with_intent() -> Offence:
    return OffenceFactory(
        title="Wounding with intent",
        statute="Offences against the Person Act 1861",
        section="s.18",
        specified_violent=True,
    )


def unlawful_wounding() -> Offence:
    return OffenceFactory(
        title="Unlawful wounding",
        statute="Offences against the Person Act 1861",
        section="s.20",
        specified_violent=True,
    )


def robbery() -> Offence:
    return OffenceFactory(title="Robbery", statute="Theft Act 1968", section="s.8(1)", specified_violent=True)


def murder() -> Offence:
    return OffenceFactory(
        title="Murder", statute="Common law", section="", specified_violent=False, murder=True, homicide=True
    )


def rape() -> Offence:
    return OffenceFactory(
        title="Rape",
        statute="Sexual Offences Act 2003",
        section="s.1",
        specified_violent=False,
        specified_sexual=True,
        sex_offender_notification=True,
    )


def sexual_activity_with_a_child() -> Offence:
    return OffenceFactory(
        title="Sexual activity with a child",
        statute="Sexual Offences Act 2003",
        section="s.9",
        specified_violent=False,
        specified_sexual=True,
        sex_offender_notification=True,
        against_child=True,
    )


def coercive_control() -> Offence:
    return OffenceFactory(
        title="Controlling or coercive behaviour",
        statute="Serious Crime Act 2015",
        section="s.76",
        specified_violent=False,
        domestic_abuse=True,
    )


def fear_of_violence() -> Offence:
    return OffenceFactory(
        title="Putting people in fear of violence",
        statute="Protection from Harassment Act 1997",
        section="s.4",
        specified_violent=True,
        stalking_harassment=True,
    )


def theft() -> Offence:
    return OffenceFactory(title="Theft", statute="Theft Act 1968", section="s.1", specified_violent=False)


def death_by_careless_driving() -> Offence:
    return OffenceFactory(
        title="Causing death by careless driving",
        statute="Road Traffic Act 1988",
        section="s.2B",
        specified_violent=False,
        homicide=True,
    )


def sentence_for(
    *offences: Offence,
    sentence_type: str = SentenceType.DETERMINATE,
    years: int | None = None,
    months: int | None = None,
    days: int | None = None,
    sentence_date: dt.date = dt.date(2026, 3, 26),
) -> Sentence:
    """A sentence of the given type and length, one count (no term of its own) per offence."""
    sentence = SentenceFactory(
        sentence_type=sentence_type, years=years, months=months, days=days, sentence_date=sentence_date
    )
    for position, offence in enumerate(offences, start=1):
        SentenceOffenceFactory(sentence=sentence, offence=offence, position=position)
    return sentence


def with_counts(*terms: tuple[Offence, int, str], total_months: int | None = None) -> Sentence:
    """A determinate sentence whose counts carry (offence, months, concurrency); no total unless given."""
    sentence = SentenceFactory(years=None, months=total_months)
    for position, (offence, months, concurrency) in enumerate(terms, start=1):
        SentenceOffenceFactory(
            sentence=sentence, offence=offence, months=months, concurrency=concurrency, position=position
        )
    return sentence


# --- custody of 12 months or more (s.35) -------------------------------------------------------


def test_wounding_with_intent_four_years_is_statutory():
    result = assess(sentence_for(wounding_with_intent(), years=4))
    assert (result.outcome, result.rule) == (Eligibility.STATUTORY, "custody_12_months")


def test_statutory_reason_names_the_offence_and_schedule_18():
    result = assess(sentence_for(wounding_with_intent(), years=4))
    assert result.reasons[0] == (
        "Wounding with intent (Offences against the Person Act 1861 s.18) is a specified violent "
        "offence (Schedule 18, Sentencing Act 2020)."
    )


def test_statutory_reason_names_the_term_and_section_35():
    result = assess(sentence_for(wounding_with_intent(), years=4))
    assert result.reasons[-1] == (
        "The custodial term is 4 years, which is 12 months or more "
        "(s.35 Domestic Violence, Crime and Victims Act 2004)."
    )


def test_robbery_eleven_months_is_not_eligible():
    result = assess(sentence_for(robbery(), months=11))
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "custody_under_12_months")


def test_robbery_eleven_months_says_the_term_is_under_12_months():
    result = assess(sentence_for(robbery(), months=11))
    assert "The custodial term is 11 months, which is less than 12 months" in result.reasons[-1]


def test_exactly_12_months_is_statutory():
    result = assess(sentence_for(robbery(), months=12))
    assert result.outcome == Eligibility.STATUTORY


def test_one_year_is_statutory():
    result = assess(sentence_for(robbery(), years=1))
    assert result.outcome == Eligibility.STATUTORY


def test_eleven_months_thirty_days_is_not_eligible():
    # From 15 January 2026: 11 months is 15 December, 30 days more is 14 January 2027, one day
    # short of 12 months (15 January 2027). Lengths are compared on the calendar from the
    # sentence date, so from a date before a short February the same term would reach 12 months.
    result = assess(sentence_for(robbery(), months=11, days=30, sentence_date=dt.date(2026, 1, 15)))
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "custody_under_12_months")


def test_two_consecutive_eight_month_terms_are_statutory():
    sentence = with_counts(
        (wounding_with_intent(), 8, Concurrency.CONCURRENT),
        (unlawful_wounding(), 8, Concurrency.CONSECUTIVE),
    )
    result = assess(sentence)
    assert (result.outcome, result.rule) == (Eligibility.STATUTORY, "custody_12_months")


def test_two_consecutive_terms_reason_gives_the_aggregate():
    sentence = with_counts(
        (wounding_with_intent(), 8, Concurrency.CONCURRENT),
        (unlawful_wounding(), 8, Concurrency.CONSECUTIVE),
    )
    assert assess(sentence).reasons[-1] == (
        "The aggregate custodial term is 1 year 4 months (two consecutive terms, added together: "
        "count 1, Wounding with intent (Offences against the Person Act 1861 s.18): 8 months; "
        "count 2, Unlawful wounding (Offences against the Person Act 1861 s.20): 8 months, consecutive), "
        "which is 12 months or more (s.35 Domestic Violence, Crime and Victims Act 2004)."
    )


def test_two_concurrent_eight_month_terms_are_not_eligible():
    sentence = with_counts(
        (wounding_with_intent(), 8, Concurrency.CONCURRENT),
        (unlawful_wounding(), 8, Concurrency.CONCURRENT),
    )
    result = assess(sentence)
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "custody_under_12_months")


def test_threshold_comes_from_the_setting(settings):
    settings.VCS_ELIGIBILITY_MIN_CUSTODY_MONTHS = 24
    result = assess(sentence_for(wounding_with_intent(), months=18))
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "custody_under_12_months")
    assert "less than 24 months" in result.reasons[-1]


def test_no_recorded_term_asks_for_one():
    result = assess(sentence_for(wounding_with_intent(), years=None))
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "term_not_recorded")
    assert "record the term" in result.reasons[-1]


# --- aggregate term ----------------------------------------------------------------------------


def test_aggregate_adds_consecutive_terms():
    sentence = with_counts(
        (robbery(), 8, Concurrency.CONCURRENT),
        (robbery(), 8, Concurrency.CONSECUTIVE),
    )
    assert aggregate_term(sentence, list(sentence.counts.all())) == relativedelta(years=1, months=4)


def test_aggregate_of_concurrent_terms_is_the_longest():
    sentence = with_counts(
        (robbery(), 8, Concurrency.CONCURRENT),
        (robbery(), 10, Concurrency.CONCURRENT),
    )
    assert aggregate_term(sentence, list(sentence.counts.all())) == relativedelta(months=10)


def test_aggregate_is_the_whole_period_when_a_long_concurrent_term_outlasts_consecutive_ones():
    # 6 months, then 6 consecutive (ends at 12), alongside 20 months concurrent from the start.
    sentence = with_counts(
        (robbery(), 6, Concurrency.CONCURRENT),
        (robbery(), 6, Concurrency.CONSECUTIVE),
        (robbery(), 20, Concurrency.CONCURRENT),
    )
    assert aggregate_term(sentence, list(sentence.counts.all())) == relativedelta(years=1, months=8)


def test_consecutive_count_starts_after_everything_before_it():
    # 10 months alongside 4 concurrent, then 5 consecutive to both: 15 months in all.
    sentence = with_counts(
        (robbery(), 10, Concurrency.CONCURRENT),
        (robbery(), 4, Concurrency.CONCURRENT),
        (robbery(), 5, Concurrency.CONSECUTIVE),
    )
    assert aggregate_term(sentence, list(sentence.counts.all())) == relativedelta(years=1, months=3)


def test_recorded_total_wins_over_the_counts():
    # An appeal amends the total; counts still saying 8 + 8 consecutive must not hide it.
    sentence = with_counts(
        (wounding_with_intent(), 8, Concurrency.CONCURRENT),
        (unlawful_wounding(), 8, Concurrency.CONSECUTIVE),
        total_months=11,
    )
    result = assess(sentence)
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "custody_under_12_months")


def test_counts_that_disagree_with_the_total_are_pointed_out():
    sentence = with_counts(
        (wounding_with_intent(), 8, Concurrency.CONCURRENT),
        (unlawful_wounding(), 8, Concurrency.CONSECUTIVE),
        total_months=11,
    )
    note = assess(sentence).reasons[-2]
    assert note.startswith(
        "The counts' own terms come to 1 year 4 months (two consecutive terms, added together: "
    )
    assert note.endswith("not the recorded total of 11 months; the total is used. Check the sentence record.")


def test_counts_that_agree_with_the_total_add_no_note():
    sentence = with_counts(
        (wounding_with_intent(), 8, Concurrency.CONCURRENT),
        (unlawful_wounding(), 8, Concurrency.CONSECUTIVE),
        total_months=16,
    )
    assert not any("Check the sentence record" in reason for reason in assess(sentence).reasons)


def test_aggregate_uses_the_sentence_length_when_no_count_has_one():
    sentence = sentence_for(robbery(), years=3, months=6)
    assert aggregate_term(sentence, list(sentence.counts.all())) == relativedelta(years=3, months=6)


def test_aggregate_is_none_for_a_hospital_order():
    sentence = sentence_for(unlawful_wounding(), sentence_type=SentenceType.HOSPITAL_S37)
    assert aggregate_term(sentence, list(sentence.counts.all())) is None


# --- indeterminate sentences -------------------------------------------------------------------


def test_murder_life_sentence_is_statutory():
    result = assess(sentence_for(murder(), sentence_type=SentenceType.LIFE))
    assert (result.outcome, result.rule) == (Eligibility.STATUTORY, "indeterminate")


def test_murder_reason_names_section_45():
    result = assess(sentence_for(murder(), sentence_type=SentenceType.LIFE))
    assert result.reasons[0] == (
        "Murder (Common law) is murder, named in s.45 Domestic Violence, Crime and Victims Act 2004."
    )


def test_ipp_is_statutory():
    result = assess(sentence_for(rape(), sentence_type=SentenceType.IPP))
    assert (result.outcome, result.rule) == (Eligibility.STATUTORY, "indeterminate")


def test_detention_at_his_majestys_pleasure_is_statutory():
    result = assess(sentence_for(murder(), sentence_type=SentenceType.DETENTION_PLEASURE))
    assert (result.outcome, result.rule) == (Eligibility.STATUTORY, "indeterminate")


# --- hospital orders ---------------------------------------------------------------------------


def test_s37_hospital_order_for_wounding_with_no_length_is_statutory():
    result = assess(sentence_for(unlawful_wounding(), sentence_type=SentenceType.HOSPITAL_S37))
    assert (result.outcome, result.rule) == (Eligibility.STATUTORY, "hospital_order")
    assert "hospital order (s37 MHA 1983)" in result.reasons[-1]


def test_restricted_hospital_order_after_insanity_finding_is_statutory():
    # Not guilty by reason of insanity ends in a hospital order; the qualifying offence is what was charged.
    result = assess(sentence_for(wounding_with_intent(), sentence_type=SentenceType.HOSPITAL_S37_41))
    assert (result.outcome, result.rule) == (Eligibility.STATUTORY, "hospital_order")


def test_hospital_and_limitation_direction_is_statutory():
    result = assess(sentence_for(rape(), sentence_type=SentenceType.HOSPITAL_S45A))
    assert (result.outcome, result.rule) == (Eligibility.STATUTORY, "hospital_order")


def test_transfer_from_prison_to_hospital_is_statutory():
    result = assess(sentence_for(robbery(), sentence_type=SentenceType.TRANSFER_S47_49))
    assert (result.outcome, result.rule) == (Eligibility.STATUTORY, "hospital_order")


def test_hospital_order_for_theft_is_not_eligible():
    result = assess(sentence_for(theft(), sentence_type=SentenceType.HOSPITAL_S37))
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "no_qualifying_offence")


# --- the offence -------------------------------------------------------------------------------


def test_theft_three_years_is_not_eligible():
    result = assess(sentence_for(theft(), years=3))
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "no_qualifying_offence")


def test_theft_reason_names_the_offence_and_section_45():
    result = assess(sentence_for(theft(), years=3))
    assert result.reasons == (
        "None of the offences is a sexual or violent offence (s.45 Domestic Violence, Crime and "
        "Victims Act 2004): Theft (Theft Act 1968 s.1).",
    )


def test_death_by_careless_driving_is_not_statutory():
    result = assess(sentence_for(death_by_careless_driving(), years=3))
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "no_qualifying_offence")


def test_death_by_careless_driving_says_a_death_alone_does_not_qualify():
    result = assess(sentence_for(death_by_careless_driving(), years=3))
    assert "caused a death, but that alone does not make it a sexual or violent offence" in result.reasons[-1]


def test_sexual_activity_with_a_child_12_months_is_statutory():
    result = assess(sentence_for(sexual_activity_with_a_child(), months=12))
    assert (result.outcome, result.rule) == (Eligibility.STATUTORY, "custody_12_months")


def test_sexual_activity_with_a_child_names_every_ground():
    result = assess(sentence_for(sexual_activity_with_a_child(), months=12))
    assert result.reasons[0] == (
        "Sexual activity with a child (Sexual Offences Act 2003 s.9) is a specified sexual offence "
        "(Schedule 18, Sentencing Act 2020), an offence that requires notification as a sex offender "
        "(Part 2 and Schedule 3, Sexual Offences Act 2003) and an offence against a child "
        "(s.45 Domestic Violence, Crime and Victims Act 2004)."
    )


def test_an_offence_against_a_child_qualifies_on_its_own():
    cruelty = OffenceFactory(title="Child cruelty", specified_violent=False, against_child=True)
    assert assess(sentence_for(cruelty, years=2)).outcome == Eligibility.STATUTORY


def test_one_qualifying_count_among_others_is_enough():
    result = assess(sentence_for(theft(), wounding_with_intent(), years=2))
    assert result.outcome == Eligibility.STATUTORY


def test_no_offences_recorded_is_not_eligible():
    result = assess(sentence_for(years=4))
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "no_qualifying_offence")
    assert "No offences are recorded" in result.reasons[0]


# --- non-custodial sentences -------------------------------------------------------------------


def test_suspended_sentence_for_wounding_with_intent_is_not_eligible():
    result = assess(sentence_for(wounding_with_intent(), sentence_type=SentenceType.SUSPENDED, years=2))
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "non_custodial")
    assert result.reasons[0].startswith("A suspended sentence is not custody")


def test_community_order_is_not_eligible():
    result = assess(sentence_for(wounding_with_intent(), sentence_type=SentenceType.COMMUNITY, years=1))
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "non_custodial")


# --- discretionary cases -----------------------------------------------------------------------


def test_coercive_control_two_years_is_a_discretionary_candidate():
    result = assess(sentence_for(coercive_control(), years=2))
    assert (result.outcome, result.rule) == (Eligibility.DISCRETIONARY, "discretionary_context")


def test_discretionary_reason_mentions_manager_approval():
    result = assess(sentence_for(coercive_control(), years=2))
    assert "flagged as domestic abuse" in " ".join(result.reasons)
    assert "with a manager's approval" in result.reasons[-1]


def test_harassment_with_fear_of_violence_six_months_is_discretionary_not_statutory():
    result = assess(sentence_for(fear_of_violence(), months=6))
    assert (result.outcome, result.rule) == (Eligibility.DISCRETIONARY, "discretionary_context")


def test_discretionary_reasons_also_say_why_it_is_not_statutory():
    result = assess(sentence_for(fear_of_violence(), months=6))
    assert any("less than 12 months" in reason for reason in result.reasons)


def test_statutory_outcome_takes_precedence_over_discretionary_context():
    result = assess(sentence_for(fear_of_violence(), years=2))
    assert (result.outcome, result.rule) == (Eligibility.STATUTORY, "custody_12_months")


def test_discretionary_context_applies_to_a_suspended_sentence():
    result = assess(sentence_for(coercive_control(), sentence_type=SentenceType.SUSPENDED, years=1))
    assert result.outcome == Eligibility.DISCRETIONARY


# --- the context a case recorded at referral (``context=``) -------------------------------------


def test_a_recorded_domestic_abuse_context_makes_10_months_discretionary():
    result = assess(sentence_for(unlawful_wounding(), months=10), context="domestic abuse")
    assert (result.outcome, result.rule) == (Eligibility.DISCRETIONARY, "discretionary_context")
    assert "The referral records that the offence happened in a context of domestic abuse." in result.reasons
    assert any("less than 12 months" in reason for reason in result.reasons)


def test_a_theft_with_a_recorded_hate_crime_context_is_discretionary():
    result = assess(sentence_for(theft(), months=4), context="hate crime")
    assert result.outcome == Eligibility.DISCRETIONARY


def test_a_case_with_no_context_is_not_eligible_whatever_the_flags():
    result = assess(sentence_for(fear_of_violence(), months=6), context="")
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "custody_under_12_months")
    assert "flagged as stalking or harassment: if the offence happened in that context" in result.reasons[-1]


def test_a_case_with_no_context_and_no_flag_is_not_eligible_with_no_hint():
    result = assess(sentence_for(theft(), months=6), context="")
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "no_qualifying_offence")
    assert not any("flagged" in reason for reason in result.reasons)


def test_a_recorded_context_changes_nothing_for_a_statutory_sentence():
    result = assess(sentence_for(wounding_with_intent(), years=4), context="stalking")
    assert result.outcome == Eligibility.STATUTORY


# --- purity and prefetching --------------------------------------------------------------------


def test_assess_returns_an_assessment_with_a_tuple_of_reasons():
    result = assess(sentence_for(wounding_with_intent(), years=4))
    assert isinstance(result, Assessment)
    assert isinstance(result.reasons, tuple)


def test_assess_makes_no_queries_once_counts_are_prefetched(django_assert_num_queries):
    sentence_for(wounding_with_intent(), robbery(), years=4)
    sentence = Sentence.objects.prefetch_related("counts__offence").get()
    with django_assert_num_queries(0):
        assess(sentence)
