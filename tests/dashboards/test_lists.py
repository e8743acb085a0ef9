"""The lists behind the figures (selectors/lists.py): each list holds the cases its figure counts."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import timezone

from vcs_portal.dashboards import selectors
from victims.models import CaseStatus

pytestmark = pytest.mark.django_db


def listed(user, key: str) -> set[str]:
    scope = selectors.dashboard_scope(user=user)
    cases = selectors.case_list(key=key, scope=scope, today=timezone.localdate())
    return set(cases.values_list("reference", flat=True))


def test_the_overdue_lists_hold_the_cases_their_figures_count(make_case, vlo, manager):
    make_case(vlo, reference="never", days_overdue=4)
    make_case(vlo, reference="untraced", days_overdue=4, status=CaseStatus.UNABLE_TO_TRACE)
    make_case(vlo, reference="discretionary", days_overdue=4, statutory=False)

    assert (listed(manager, "never_offered"), listed(manager, "first_contact_overdue")) == (
        {"never"},
        {"untraced"},
    )


def test_an_unknown_list_is_a_404(manager):
    with pytest.raises(Http404):
        listed(manager, "no_such_list")


@pytest.mark.parametrize("key", sorted(selectors.PREPARED_LISTS))
@pytest.mark.parametrize("by_officer", [False, True])
def test_a_list_compiled_once_pages_as_the_orm_does(make_case, vlo, teammate, manager, key, by_officer):
    """The lists counted and cut by SQL compiled once give the pages the ORM's queryset gives."""
    for n in range(7):
        make_case(vlo if n % 2 else teammate, days_overdue=n + 1)
    make_case(vlo, days_overdue=2, status=CaseStatus.UNABLE_TO_TRACE)
    make_case(vlo, days_overdue=3, statutory=False)
    scope = selectors.dashboard_scope(user=manager)
    today = timezone.localdate()
    officer_id = vlo.pk if by_officer else None
    cases = selectors.case_list(key=key, scope=scope, today=today, officer_id=officer_id)
    expected = list(cases.values_list("pk", "list_date"))
    assert expected  # each list has something to page through
    for number in (1, 2, 3):
        kwargs = {"number": number, "per_page": 3}
        theirs = selectors.page_of_list(cases, **kwargs)
        ours = selectors.page_of_list(
            cases, key=key, scope=scope, today=today, officer_id=officer_id, **kwargs
        )
        assert [(c.pk, c.list_date) for c in ours] == [(c.pk, c.list_date) for c in theirs]
        assert ours.paginator.count == len(expected) and ours.number == theirs.number


@pytest.mark.parametrize("key", sorted(selectors.PREPARED_LISTS))
def test_a_list_s_head_is_its_first_rows(make_case, vlo, teammate, manager, key):
    for n in range(10):
        status = CaseStatus.REFERRED if n % 2 else CaseStatus.UNABLE_TO_TRACE
        make_case(vlo if n % 3 else teammate, days_overdue=n + 1, status=status)
    scope = selectors.dashboard_scope(user=manager)
    today = timezone.localdate()
    expected = list(selectors.case_list(key=key, scope=scope, today=today)[:4])
    head = selectors.list_head(key=key, scope=scope, today=today, rows=4)
    assert [(c.pk, c.list_date, c.victim.full_name, c.team.name) for c in head] == [
        (c.pk, c.list_date, c.victim.full_name, c.team.name) for c in expected
    ]
    assert len(head) == 4
