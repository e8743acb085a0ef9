"""visible_to: the one mechanism that says what each role may see."""

from __future__ import annotations

import pytest
from django.http import Http404

from tests.factories import TeamFactory, UserFactory
from vcs_portal.core.models import Team
from vcs_portal.core.scope import get_visible_or_404, scope_q, teams_visible_to

pytestmark = pytest.mark.django_db


def visible_teams(user) -> set[str]:
    return {t.name for t in teams_visible_to(user)}


def visible_case_teams(user) -> set[str]:
    """The same rules applied through scope_q, as every domain queryset does."""
    return set(Team.objects.filter(scope_q(user, team="cases__team")).values_list("name", flat=True))


def test_vlo_sees_only_their_team(vlo, team_a1, team_a2, team_b1):
    assert visible_teams(vlo) == {team_a1.name}


def test_manager_sees_the_teams_they_manage(manager, team_a1, team_a2, team_b1):
    assert visible_teams(manager) == {team_a1.name}


def test_regional_manager_sees_their_region_only(regional_manager, team_a1, team_a2, team_b1):
    assert visible_teams(regional_manager) == {team_a1.name, team_a2.name}


def test_manager_never_sees_another_regions_team_even_if_assigned(manager, team_b1):
    manager.managed_teams.add(team_b1)
    assert team_b1.name not in visible_teams(manager)


def test_anonymous_and_inactive_users_see_nothing(vlo, team_a1):
    from django.contrib.auth.models import AnonymousUser

    assert visible_teams(AnonymousUser()) == set()
    vlo.is_active = False
    assert visible_teams(vlo) == set()


def test_vlo_without_a_team_sees_nothing(team_a1):
    user = UserFactory(team=team_a1)
    user.team = None
    assert visible_teams(user) == set()


def test_get_visible_or_404_hides_what_exists(vlo, outsider):
    from tests.victims.factories import CaseFactory

    case = CaseFactory(team=vlo.team, officer=vlo)
    from victims.models import Case

    assert get_visible_or_404(Case.objects, vlo, pk=case.pk) == case
    with pytest.raises(Http404):
        get_visible_or_404(Case.objects, outsider, pk=case.pk)
    with pytest.raises(Http404):
        get_visible_or_404(Case.objects, vlo, pk=case.pk + 1000)


def test_own_cases_setting_restricts_vlos_to_their_own(vlo, teammate, settings):
    from tests.victims.factories import CaseFactory
    from victims.models import Case

    mine = CaseFactory(team=vlo.team, officer=vlo)
    theirs = CaseFactory(team=vlo.team, officer=teammate)
    assert set(Case.objects.visible_to(vlo)) == {mine, theirs}
    settings.VCS_VLO_OWN_CASES_ONLY = True
    assert set(Case.objects.visible_to(vlo)) == {mine}


def test_team_in_another_region_is_never_visible_to_a_vlo(vlo):
    other = TeamFactory()
    vlo.team = other  # misconfigured: team outside the user's region
    assert visible_teams(vlo) == set()


def test_a_refused_access_is_audited(outsider):
    from tests.victims.factories import CaseFactory
    from vcs_portal.core.models import AuditAction, AuditEvent
    from victims.models import Case

    case = CaseFactory()
    with pytest.raises(Http404):
        get_visible_or_404(Case.objects, outsider, pk=case.pk)
    event = AuditEvent.objects.get(actor=outsider, action=AuditAction.DENIED)
    assert (event.object_type, event.object_id) == ("victims.Case", str(case.pk))


@pytest.mark.parametrize("own_cases_only", [False, True])
def test_a_scoped_read_compiled_once_sees_what_visible_to_sees_for_every_kind_of_user(
    vlo,
    teammate,
    outsider,
    manager,
    regional_manager,
    admin_user,
    team_a1,
    team_a2,
    team_b1,
    settings,
    own_cases_only,
):
    """ScopedPrepared (the case page's read) against the ORM's visible_to, user by user."""
    from tests.victims.factories import CaseFactory
    from vcs_portal.core.scope import ScopedPrepared
    from victims.models import Case

    settings.VCS_VLO_OWN_CASES_ONLY = own_cases_only
    by_pk: ScopedPrepared[Case] = ScopedPrepared(lambda user, pk: Case.objects.visible_to(user).filter(pk=pk))
    cases = [
        CaseFactory(team=team_a1, officer=vlo),
        CaseFactory(team=team_a1, officer=teammate),
        CaseFactory(team=team_a2, officer=UserFactory(team=team_a2, region=team_a2.region)),
        CaseFactory(team=team_b1, officer=outsider),
    ]
    inactive = UserFactory(team=team_a1, region=team_a1.region, is_active=False)
    no_team = UserFactory.build(pk=10**9, team=None, region=team_a1.region)  # the database forbids one
    for user in (vlo, teammate, outsider, manager, regional_manager, admin_user, inactive, no_team):
        expected = {c.pk for c in Case.objects.visible_to(user)}
        assert {c.pk for c in cases if by_pk.first(user, c.pk) is not None} == expected, user
        assert {c.pk for c in by_pk.all(user, cases[0].pk)} == expected & {cases[0].pk}
