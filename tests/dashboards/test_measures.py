"""Each performance measure's definition, on small hand-built data with known answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contacts.models import ContactWith, Direction, Method
from parole.models import ConditionOutcome
from tests.contacts.factories import ContactFactory
from tests.parole.factories import ConditionFactory
from vcs_portal.dashboards import selectors
from vcs_portal.dashboards.selectors import Period
from victims.models import CaseStatus, ClosureReason

from .conftest import offered, review, statement, status_change

pytestmark = pytest.mark.django_db

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31), "first quarter of 2026")


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


def at(day: dt.date, hour: int = 11) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def measures_for(user, period: Period = Q1) -> dict[str, selectors.Measure]:
    scope = selectors.dashboard_scope(user=user)
    totals, _ = selectors.performance(scope=scope, period=period)
    return {m.key: m for m in totals}


def judged_cases(make_case, vlo):
    """Four statutory cases referred in Q1 whose deadline fell within it."""
    return [
        make_case(vlo, referral_received_on=d(1, 5), first_contact_due=d(2, 2)),
        make_case(vlo, referral_received_on=d(1, 20), first_contact_due=d(2, 17)),
        make_case(vlo, referral_received_on=d(2, 3), first_contact_due=d(3, 3)),
        make_case(vlo, referral_received_on=d(2, 20), first_contact_due=d(3, 20)),
    ]


def test_first_contact_within_deadline_is_three_of_four(make_case, vlo, manager):
    on_time_1, on_time_2, on_the_day, late = judged_cases(make_case, vlo)
    offered(on_time_1, d(1, 10))
    offered(on_time_2, d(2, 1))
    offered(on_the_day, d(3, 3))  # on the deadline itself: in time
    offered(late, d(3, 25))
    # Left out: discretionary, referred before the period, not yet due by its end, closed as a duplicate.
    make_case(vlo, statutory=False, referral_received_on=d(1, 5), first_contact_due=d(2, 2))
    make_case(vlo, referral_received_on=d(12, 1) - dt.timedelta(days=365), first_contact_due=d(1, 5))
    make_case(vlo, referral_received_on=d(3, 25), first_contact_due=d(4, 22))
    make_case(vlo, referral_received_on=d(1, 5), first_contact_due=d(2, 2), status=CaseStatus.CLOSED,
              closure_reason=ClosureReason.DUPLICATE)  # fmt: skip

    m = measures_for(manager)["first_contact_in_time"]

    assert (m.numerator, m.denominator, m.percent) == (3, 4, 75.0)


def test_engaged_counts_conversations_and_replies_with_the_victim_by_the_deadline(make_case, vlo, manager):
    replied, phoned, letter_only, phoned_late = judged_cases(make_case, vlo)
    ContactFactory(case=replied, method=Method.EMAIL, direction=Direction.INCOMING, occurred_at=at(d(1, 20)))
    ContactFactory(
        case=phoned, method=Method.PHONE, direction=Direction.OUTGOING, occurred_at=at(d(2, 17), 16)
    )
    ContactFactory(
        case=letter_only, method=Method.LETTER, direction=Direction.OUTGOING, occurred_at=at(d(2, 10))
    )
    ContactFactory(case=phoned_late, method=Method.PHONE, occurred_at=at(d(3, 21)))
    # A conversation with someone else is not engagement with the victim.
    ContactFactory(
        case=letter_only, method=Method.PHONE, with_whom=ContactWith.REPRESENTATIVE, occurred_at=at(d(2, 11))
    )

    m = measures_for(manager)["engaged"]

    assert (m.numerator, m.denominator, m.percent) == (2, 4, 50.0)
    assert m.definition.benchmark == 77.0


def test_opt_in_rate_is_opted_in_over_offers_in_the_period(make_case, vlo, manager):
    offered(make_case(vlo, referral_received_on=d(1, 2)), d(1, 10), then=CaseStatus.OPTED_IN, then_on=d(2, 1))
    offered(make_case(vlo, referral_received_on=d(1, 2)), d(1, 12), then=CaseStatus.DECLINED, then_on=d(2, 2))
    in_person = make_case(
        vlo, referral_received_on=d(1, 2), status=CaseStatus.OPTED_IN, status_changed_on=d(1, 15)
    )
    status_change(in_person, CaseStatus.OPTED_IN, d(1, 15), from_status=CaseStatus.REFERRED)
    # Offered before the period, opted in during it: no offer in the period, so not counted.
    earlier = make_case(vlo, referral_received_on=d(11, 1) - dt.timedelta(days=365))
    offered(earlier, d(12, 1) - dt.timedelta(days=365), then=CaseStatus.OPTED_IN, then_on=d(1, 20))

    m = measures_for(manager)["opt_in"]

    assert (m.numerator, m.denominator) == (2, 3)
    assert m.percent == 66.7


def test_vps_share_counts_reviews_heard_in_the_period_with_a_submitted_statement(
    make_case, vlo, manager, outsider
):
    cases = [make_case(vlo, referral_received_on=d(1, 2) - dt.timedelta(days=400)) for _ in range(5)]
    reviews = [review(case, d(2, 10 + i)) for i, case in enumerate(cases)]
    statement(cases[0], reviews[0], submitted_on=d(1, 20))
    statement(cases[1], reviews[1], submitted_on=d(1, 21))
    statement(cases[2], reviews[2], submitted_on=None)  # invited, never submitted
    review(cases[3], d(6, 1))  # heard after the period
    review(make_case(outsider), d(2, 1))  # another region's

    m = measures_for(manager)["vps"]

    assert (m.numerator, m.denominator, m.percent) == (2, 5, 40.0)


def test_conditions_imposed_is_imposed_over_decided(make_case, vlo, manager):
    case = make_case(vlo)
    for _ in range(7):
        ConditionFactory(case=case, outcome=ConditionOutcome.IMPOSED, outcome_on=d(2, 1))
    ConditionFactory(
        case=case, outcome=ConditionOutcome.NOT_IMPOSED, outcome_on=d(2, 2), outcome_reason="Not needed"
    )
    ConditionFactory(case=case)  # requested, no decision yet
    ConditionFactory(case=case, outcome=ConditionOutcome.IMPOSED, outcome_on=d(5, 1))  # outside the period

    m = measures_for(manager)["conditions_imposed"]

    assert (m.numerator, m.denominator, m.percent) == (7, 8, 87.5)
    assert not m.below_benchmark


def test_no_cases_gives_no_percentage_rather_than_zero(manager):
    m = measures_for(manager)["first_contact_in_time"]

    assert (m.numerator, m.denominator, m.percent) == (0, 0, None)


def test_region_totals_are_the_sum_of_the_teams(make_case, vlo, other_team_vlo, regional_manager):
    offered(judged_cases(make_case, vlo)[0], d(1, 10))
    late = make_case(other_team_vlo, referral_received_on=d(1, 5), first_contact_due=d(2, 2))
    offered(late, d(2, 20))
    scope = selectors.dashboard_scope(user=regional_manager, whole_region=True)

    totals, per_team = selectors.performance(scope=scope, period=Q1)

    by_team = {team.name: {m.key: m for m in ms} for team, ms in per_team}
    total = {m.key: m for m in totals}["first_contact_in_time"]
    assert (
        by_team["Manchester"]["first_contact_in_time"].numerator,
        by_team["Manchester"]["first_contact_in_time"].denominator,
    ) == (1, 4)
    assert (
        by_team["Liverpool"]["first_contact_in_time"].numerator,
        by_team["Liverpool"]["first_contact_in_time"].denominator,
    ) == (0, 1)
    assert (total.numerator, total.denominator) == (1, 5)


def test_each_measure_states_its_definition_and_missed_list():
    for key, (_title, _short, definition) in selectors.MEASURES.items():
        assert definition.numerator and definition.denominator and definition.excluded, key
        assert selectors.MISSED_LISTS[key] in selectors.LISTS
