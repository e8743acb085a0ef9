"""Today's figures on the dashboards: missed offers, overdue work, and what is coming up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contacts.models import TaskKind, TaskStatus
from vcs_portal.dashboards import selectors, services
from vcs_portal.dashboards.models import UpcomingDate, UpcomingRefresh
from vcs_portal.dashboards.tasks import upcoming_sweep_task
from victims.models import Case, CaseStatus, ClosureReason

from .conftest import crd, review, task

pytestmark = pytest.mark.django_db


def figures(user, **kwargs):
    scope = selectors.dashboard_scope(user=user, **kwargs)
    return selectors.dashboard_figures(scope=scope, today=timezone.localdate(), with_officers=True)


def test_never_offered_counts_statutory_referred_cases_past_their_deadline(make_case, vlo, manager):
    make_case(vlo, days_overdue=3)
    make_case(vlo, days_overdue=40)
    make_case(vlo, days_overdue=3, statutory=False)  # discretionary: no statutory breach
    make_case(vlo, days_overdue=0)  # due today: not yet overdue
    make_case(vlo, days_overdue=3, status=CaseStatus.OFFER_SENT, first_contact_on=timezone.localdate())

    assert figures(manager).total.never_offered == 2


def test_other_overdue_first_contacts_exclude_the_never_offered(make_case, vlo, manager):
    make_case(vlo, days_overdue=5)  # never offered
    make_case(vlo, days_overdue=5, status=CaseStatus.UNABLE_TO_TRACE)
    make_case(vlo, days_overdue=5, status=CaseStatus.CLOSED, closure_reason=ClosureReason.OTHER)

    total = figures(manager).total

    assert (total.never_offered, total.first_contact_overdue) == (1, 1)


def test_a_referred_case_with_a_contact_recorded_is_not_never_offered(make_case, vlo, manager):
    make_case(vlo, days_overdue=5, first_contact_on=timezone.localdate() - dt.timedelta(days=1))

    total = figures(manager).total

    assert (total.never_offered, total.first_contact_overdue) == (0, 0)


def test_the_two_overdue_figures_add_up_to_the_caseloads_overdue_filter(make_case, vlo, manager):
    make_case(vlo, days_overdue=5)
    make_case(vlo, days_overdue=5, status=CaseStatus.OFFER_SENT)
    make_case(vlo, days_overdue=5, status=CaseStatus.UNABLE_TO_TRACE)
    make_case(vlo, days_overdue=5, statutory=False)
    make_case(vlo, days_overdue=5, first_contact_on=timezone.localdate())

    total = figures(manager).total
    caseload = Case.objects.filter(team=vlo.team).first_contact_overdue(timezone.localdate()).count()

    assert (total.never_offered, total.first_contact_overdue, caseload) == (1, 2, 3)


def test_releases_use_the_current_crd_of_each_sentence(make_case, vlo, manager):
    soon = make_case(vlo)
    crd(soon, 10)
    later = make_case(vlo)
    crd(later, 60)
    moved = make_case(vlo)
    crd(moved, 5, recorded_days_ago=30)
    crd(moved, 200, recorded_days_ago=2)  # recalculated: no longer coming up
    brought_forward = make_case(vlo)
    crd(brought_forward, 300, recorded_days_ago=30)
    crd(brought_forward, 20, recorded_days_ago=2)
    closed = make_case(vlo, status=CaseStatus.CLOSED, closure_reason=ClosureReason.OTHER)
    crd(closed, 10)

    total = figures(manager).total

    assert (total.releases_30, total.releases_90) == (2, 3)


def test_hearings_in_the_next_30_and_90_days(make_case, vlo, manager):
    today = timezone.localdate()
    review(make_case(vlo), today + dt.timedelta(days=7))
    review(make_case(vlo), today + dt.timedelta(days=45))
    review(make_case(vlo), today - dt.timedelta(days=1))  # already heard
    review(make_case(vlo), None)  # not listed yet

    total = figures(manager).total

    assert (total.hearings_30, total.hearings_90) == (1, 2)


def test_the_hourly_copy_gives_the_same_figures_as_the_live_query(make_case, vlo, manager):
    case = make_case(vlo)
    crd(case, 10)
    review(case, timezone.localdate() + dt.timedelta(days=50))
    live = figures(manager)
    assert not live.snapshot

    services.upcoming_sweep(as_of=timezone.localdate())
    copied = figures(manager)

    assert copied.snapshot
    assert copied.total.counts == live.total.counts


def test_upcoming_sweep_twice_is_the_same_as_once(make_case, vlo):
    crd(make_case(vlo), 10)
    today = timezone.localdate()

    first = services.upcoming_sweep(as_of=today)["rows written"]
    second = services.upcoming_sweep(as_of=today)["rows written"]

    assert first == second == UpcomingDate.objects.count() == 1
    assert UpcomingRefresh.objects.get().rows == 1


def test_a_stale_copy_is_not_used(make_case, vlo, manager):
    services.upcoming_sweep(as_of=timezone.localdate())
    UpcomingRefresh.objects.update(refreshed_at=timezone.now() - dt.timedelta(days=1))
    crd(make_case(vlo), 10)  # recorded after the copy

    result = figures(manager)

    assert not result.snapshot
    assert result.total.releases_30 == 1


def test_overdue_annual_letters_and_tasks(make_case, vlo, teammate, manager):
    letter_due = make_case(vlo)
    task(letter_due, due_days_ago=3, kind=TaskKind.ANNUAL_LETTER)
    task(make_case(vlo), due_days_ago=3, kind=TaskKind.ANNUAL_LETTER, status=TaskStatus.DONE)
    task(make_case(vlo), due_days_ago=0, kind=TaskKind.ANNUAL_LETTER)  # due today: not overdue
    task(make_case(teammate), due_days_ago=1)
    task(make_case(teammate), due_days_ago=9, owner=manager)  # an escalation held by the manager

    result = figures(manager)

    assert (result.total.annual_letters_overdue, result.total.overdue_tasks) == (1, 3)
    loads = {o.officer.first_name: o for o in result.officers}
    assert (loads["Alice"].overdue_tasks, loads["Bob"].overdue_tasks, loads["Mo"].overdue_tasks) == (1, 1, 1)


def test_caseload_per_officer_lists_every_vlo_in_the_team(make_case, vlo, teammate, manager):
    make_case(vlo, days_overdue=2)
    make_case(vlo)
    make_case(vlo, status=CaseStatus.CLOSED, closure_reason=ClosureReason.OTHER)

    loads = {o.officer.first_name: o for o in figures(manager).officers}

    assert (loads["Alice"].open_cases, loads["Alice"].never_offered) == (2, 1)
    assert loads["Bob"].open_cases == 0  # in the team, no cases yet: still listed


def test_region_figures_are_per_team_and_add_up(make_case, vlo, other_team_vlo, regional_manager):
    make_case(vlo, days_overdue=2)
    make_case(other_team_vlo, days_overdue=2)
    make_case(other_team_vlo, days_overdue=2)

    result = figures(regional_manager, whole_region=True)

    by_team = {f.team.name: f.never_offered for f in result.per_team}
    assert by_team == {"Liverpool": 2, "Manchester": 1}
    assert result.total.never_offered == 3


def test_refresh_task_is_safe_to_run_twice(make_case, vlo):
    review(make_case(vlo), timezone.localdate() + dt.timedelta(days=3))

    assert upcoming_sweep_task() == upcoming_sweep_task() == "Upcoming dates: 1 rows written"
    assert UpcomingDate.objects.count() == 1
