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
