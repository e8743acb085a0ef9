"""Worked examples for the catalogue's citations and conditions, with catalogue offences (DOMAIN.md s.2)."""

from __future__ import annotations

import datetime as dt

import pytest

from offenders.eligibility import RULE_REVIEW_OFFENDER_AGE, RULE_REVIEW_VICTIM_AGE, assess
from offenders.models import Concurrency, Eligibility, Offence, Sentence, SentenceType
from tests.offenders.factories import SentenceFactory, SentenceOffenceFactory

pytestmark = pytest.mark.django_db

OFFENCE_DATE = dt.date(2025, 3, 3)


def sentence_of(
    code: str,
    *,
    years: int | None = None,
    months: int | None = None,
    sentence_type: str = SentenceType.DETERMINATE,
    offender_born: dt.date | None = dt.date(1985, 6, 1),
    offence_date: dt.date | None = OFFENCE_DATE,
) -> Sentence:
    """A sentence (26 March 2026) with one count of the catalogue offence ``code``."""
    sentence = SentenceFactory(
        sentence_type=sentence_type, years=years, months=months, offender__date_of_birth=offender_born
    )
    SentenceOffenceFactory(
        sentence=sentence, offence=Offence.objects.get(code=code), offence_date=offence_date
    )
    return sentence


# --- the reason names the paragraph -------------------------------------------------------------


def test_death_by_disqualified_driving_is_statutory():
    result = assess(sentence_of("RTA88_S3ZC", years=3))
    assert (result.outcome, result.rule) == (Eligibility.STATUTORY, "custody_12_months")


def test_death_by_disqualified_driving_cites_schedule_15_para_48a():
    result = assess(sentence_of("RTA88_S3ZC", years=3))
    assert (
        "a specified violent offence (Schedule 15 Part 1 para 48A, Criminal Justice Act 2003"
        in result.reasons[0]
    )


def test_wounding_with_intent_cites_schedule_18_part_1_para_4c():
    result = assess(sentence_of("OAPA_S18", years=4))
    assert result.reasons[0] == (
        "Wounding or causing grievous bodily harm with intent (Offences against the Person Act 1861 s.18) is "
        "a specified violent offence (Schedule 18 Part 1 para 4(c), Sentencing Act 2020)."
    )


def test_terrorism_offence_is_named_a_specified_terrorism_offence():
    reason = assess(sentence_of("TA00_S57", years=3)).reasons[0]
    assert "a specified terrorism offence (Schedule 15 Part 3 para 158" in reason
    assert "violent" not in reason


def test_offence_before_it_came_into_force_is_pointed_out():
    result = assess(sentence_of("RTA88_S3ZC", years=3, offence_date=dt.date(2014, 1, 10)))
    assert any("came into force on 13 April 2015" in reason for reason in result.reasons)


# --- Schedule 3 thresholds (the offender's age at conviction and the sentence) -------------------


def test_extreme_pornography_eighteen_months_is_not_eligible():
    result = assess(sentence_of("CJIA08_S63", months=18))
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "no_qualifying_offence")


def test_extreme_pornography_eighteen_months_says_which_condition_failed():
    reasons = " ".join(assess(sentence_of("CJIA08_S63", months=18)).reasons)
    assert (
        "requires notification only if the offender was 18 or over and sentenced to at least 2 years "
        "(Schedule 3 para 35A, Sexual Offences Act 2003); that is not met." in reasons
    )


def test_extreme_pornography_two_years_adult_is_statutory():
    result = assess(sentence_of("CJIA08_S63", years=2))
    assert result.outcome == Eligibility.STATUTORY
    assert "(Schedule 3 para 35A, Sexual Offences Act 2003)" in result.reasons[0]


def test_extreme_pornography_two_years_offender_17_at_conviction_is_not_eligible():
    result = assess(sentence_of("CJIA08_S63", years=2, offender_born=dt.date(2008, 6, 1)))
    assert result.outcome == Eligibility.NOT_ELIGIBLE


def test_unknown_offender_age_where_it_decides_is_needs_review():
    result = assess(sentence_of("CJIA08_S63", years=2, offender_born=None))
    assert (result.outcome, result.rule) == (Eligibility.NEEDS_REVIEW, RULE_REVIEW_OFFENDER_AGE)
    assert (
        "Was the offender 18 or over when convicted (sentenced on 26 March 2026)? Record their date of birth."
        in result.reasons
    )


def test_offender_date_of_birth_passed_in_is_used():
    result = assess(
        sentence_of("CJIA08_S63", years=2, offender_born=None), offender_born_on=dt.date(1990, 1, 1)
    )
    assert result.outcome == Eligibility.STATUTORY


def test_unknown_offender_age_that_cannot_change_the_outcome_is_not_asked():
    # 18 months fails the 2-year limb whatever the offender's age.
    result = assess(sentence_of("CJIA08_S63", months=18, offender_born=None))
    assert result.outcome == Eligibility.NOT_ELIGIBLE


def test_paedophile_manual_hospital_order_needs_an_adult_offender():
    adult = assess(sentence_of("SCA15_S69", sentence_type=SentenceType.HOSPITAL_S37))
    child = assess(
        sentence_of("SCA15_S69", sentence_type=SentenceType.HOSPITAL_S37, offender_born=dt.date(2009, 1, 1))
    )
    assert (adult.outcome, child.outcome) == (Eligibility.STATUTORY, Eligibility.NOT_ELIGIBLE)


# --- victim-was-a-child conditions (the victim's date of birth at the offence date) ---------------


def test_buggery_with_a_16_year_old_by_an_adult_is_statutory():
    result = assess(sentence_of("SOA56_S12", years=2), victim_born_on=dt.date(2009, 1, 1))
    assert result.outcome == Eligibility.STATUTORY
    assert "(Schedule 3 para 5, Sexual Offences Act 2003)" in result.reasons[0]


def test_buggery_with_an_adult_is_not_eligible():
    result = assess(sentence_of("SOA56_S12", years=2), victim_born_on=dt.date(2000, 1, 1))
    assert result.outcome == Eligibility.NOT_ELIGIBLE


def test_unknown_victim_age_asks_the_question_with_the_offence_date():
    result = assess(sentence_of("SOA56_S12", years=2))
    assert (result.outcome, result.rule) == (Eligibility.NEEDS_REVIEW, RULE_REVIEW_VICTIM_AGE)
    assert "Was the victim under 18 on 3 March 2025? Record their date of birth." in result.reasons


def test_victim_age_with_no_offence_date_asks_for_the_date():
    result = assess(sentence_of("SOA56_S12", years=2, offence_date=None), victim_born_on=dt.date(2009, 1, 1))
    assert result.rule == RULE_REVIEW_VICTIM_AGE
    assert any("Record the offence date." in reason for reason in result.reasons)


def test_victim_turning_18_the_day_before_the_offence_is_not_a_child():
    result = assess(sentence_of("SOA56_S12", years=2), victim_born_on=dt.date(2007, 3, 3))
    assert result.outcome == Eligibility.NOT_ELIGIBLE


def test_supplying_class_a_to_a_child_is_statutory_under_schedule_4_para_3():
    result = assess(sentence_of("MDA71_S4_3_CLASS_A", years=3), victim_born_on=dt.date(2010, 5, 1))
    assert result.outcome == Eligibility.STATUTORY
    assert (
        "as the victim was under 18 (Schedule 4 para 3(s), Criminal Justice and Court Services Act 2000"
        in (result.reasons[0])
    )


def test_supplying_class_a_to_an_adult_is_not_eligible():
    result = assess(sentence_of("MDA71_S4_3_CLASS_A", years=3), victim_born_on=dt.date(1990, 5, 1))
    assert result.outcome == Eligibility.NOT_ELIGIBLE


def test_supplying_class_a_with_no_victim_date_of_birth_needs_review():
    result = assess(sentence_of("MDA71_S4_3_CLASS_A", years=3))
    assert (result.outcome, result.rule) == (Eligibility.NEEDS_REVIEW, RULE_REVIEW_VICTIM_AGE)


def test_needs_review_is_not_raised_when_the_sentence_could_not_qualify():
    result = assess(sentence_of("MDA71_S4_3_CLASS_A", months=6))
    assert (result.outcome, result.rule) == (Eligibility.NOT_ELIGIBLE, "no_qualifying_offence")


def test_victim_age_is_not_asked_when_the_offence_qualifies_anyway():
    result = assess(sentence_of("OAPA_S18", years=4))
    assert result.outcome == Eligibility.STATUTORY


# --- "offence against a child" is Schedule 4, no wider ------------------------------------------


@pytest.mark.parametrize("code", ["FGMA03_S3A", "CYPA33_S11"])
def test_offences_outside_schedule_4_are_not_offences_against_a_child(code):
    assert assess(sentence_of(code, years=3)).outcome == Eligibility.NOT_ELIGIBLE


def test_child_cruelty_cites_schedule_4_para_1a():
    reason = assess(sentence_of("CYPA33_S1", years=3)).reasons[0]
    assert (
        "an offence against a child (Schedule 4 para 1(a), Criminal Justice and Court Services Act 2000"
        in reason
    )


# --- aggregates ---------------------------------------------------------------------------------


def test_concurrent_terms_take_the_longest_and_list_each_count():
    sentence = SentenceFactory(years=None)
    for position, months in ((1, 8), (2, 14)):
        SentenceOffenceFactory(
            sentence=sentence,
            offence=Offence.objects.get(code="OAPA_S20"),
            months=months,
            concurrency=Concurrency.CONCURRENT,
            position=position,
        )
    reason = assess(sentence).reasons[-1]
    assert reason.startswith(
        "The aggregate custodial term is 1 year 2 months (two concurrent terms, so the longest"
    )
    assert (
        "count 1, " in reason
        and ": 8 months; count 2, " in reason
        and "1 year 2 months, concurrent" in reason
    )


def test_conditions_cost_no_queries_when_the_dates_of_birth_are_passed(django_assert_num_queries):
    sentence_of("CJIA08_S63", years=2)
    sentence = Sentence.objects.prefetch_related("counts__offence").get()
    with django_assert_num_queries(0):
        assess(sentence, offender_born_on=dt.date(1985, 6, 1), victim_born_on=None)
