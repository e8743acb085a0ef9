"""The case queryset's one rule for "first contact overdue", with worked examples.

Today is Wednesday 20 May 2026 in every example; the deadline of the case is in its name.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.victims.factories import CaseFactory
from victims.models import Case, CaseStatus, ClosureReason

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 20)


def overdue() -> set[str]:
    return set(Case.objects.first_contact_overdue(TODAY).values_list("reference", flat=True))


def test_a_statutory_case_past_its_deadline_with_no_contact_is_overdue():
    CaseFactory(reference="due-19-may", status=CaseStatus.OFFER_SENT, first_contact_due=dt.date(2026, 5, 19))

    assert overdue() == {"due-19-may"}


def test_a_referred_case_never_offered_the_scheme_is_overdue():
    CaseFactory(reference="due-1-may", status=CaseStatus.REFERRED, first_contact_due=dt.date(2026, 5, 1))

    assert overdue() == {"due-1-may"}


def test_a_case_due_today_is_not_yet_overdue():
    CaseFactory(reference="due-20-may", first_contact_due=TODAY)

    assert overdue() == set()


def test_a_discretionary_case_is_never_overdue():
    # Approved as discretionary: no statutory deadline breach, however long past the date.
    CaseFactory(reference="due-1-jan", statutory=False, first_contact_due=dt.date(2026, 1, 1))

    assert overdue() == set()


def test_a_case_contacted_late_is_not_overdue():
    CaseFactory(
        reference="due-1-may",
        status=CaseStatus.REFERRED,  # contact recorded, status not yet moved on
        first_contact_due=dt.date(2026, 5, 1),
        first_contact_on=dt.date(2026, 5, 12),
    )

    assert overdue() == set()


def test_a_closed_case_is_not_overdue():
    CaseFactory(
        reference="due-1-may",
        status=CaseStatus.CLOSED,
        closure_reason=ClosureReason.DUPLICATE,
        first_contact_due=dt.date(2026, 5, 1),
    )

    assert overdue() == set()


def test_the_queryset_agrees_with_each_cases_first_contact_state():
    CaseFactory(reference="overdue", first_contact_due=dt.date(2026, 5, 19))
    CaseFactory(reference="discretionary", statutory=False, first_contact_due=dt.date(2026, 5, 19))
    CaseFactory(reference="met", first_contact_due=dt.date(2026, 5, 19), first_contact_on=dt.date(2026, 5, 1))

    states = {c.reference: c.first_contact_state(TODAY) for c in Case.objects.all()}

    assert {ref for ref, state in states.items() if state == "overdue"} == overdue() == {"overdue"}


def test_needs_escalation_adds_cases_past_their_escalation_date_only():
    CaseFactory(reference="first-contact-late", first_contact_due=dt.date(2026, 5, 19))
    CaseFactory(  # referred late: no contact since sentence 40 working days ago, first contact not yet due
        reference="escalation-late",
        first_contact_due=dt.date(2026, 6, 1),
        escalation_due=dt.date(2026, 5, 19),
    )
    CaseFactory(
        reference="discretionary",
        statutory=False,
        first_contact_due=dt.date(2026, 5, 1),
        escalation_due=dt.date(2026, 5, 1),
    )
    CaseFactory(
        reference="in-time", first_contact_due=dt.date(2026, 6, 1), escalation_due=dt.date(2026, 7, 9)
    )

    escalated = set(Case.objects.needs_escalation(TODAY).values_list("reference", flat=True))

    assert escalated == {"first-contact-late", "escalation-late"}
