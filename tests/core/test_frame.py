"""The frame of every page: the service navigation by role, the task count, the footer's pages."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from tests.contacts.factories import TaskFactory
from tests.victims.factories import CaseFactory
from vcs_portal.core.context_processors import navigation_items
from vcs_portal.core.forms import AutocompleteSelect

pytestmark = pytest.mark.django_db


def labels(user, path="/caseload/"):
    return [item["label"] for item in navigation_items(user, path)]


def test_a_vlo_sees_caseload_tasks_and_letters(vlo):
    assert labels(vlo) == ["My caseload", "My tasks", "Letters"]


def test_a_team_manager_sees_their_team_and_the_audit(manager):
    assert labels(manager) == ["My caseload", "My tasks", "Letters", "Team", "Audit"]


def test_a_regional_manager_sees_the_region_instead_of_a_team(regional_manager):
    assert labels(regional_manager) == ["My caseload", "My tasks", "Letters", "Region", "Audit"]


def test_an_admin_sees_the_audit_subject_access_and_admin(admin_user):
    assert labels(admin_user) == ["My caseload", "Audit", "Subject access", "Admin"]


def test_the_page_itself_is_current_and_a_page_below_it_active(vlo):
    caseload = navigation_items(vlo, "/caseload/")[0]
    below = navigation_items(vlo, "/letters/12/")[2]
    assert caseload["current"] and not caseload["active"]
    assert below["active"] and not below["current"]


def test_my_tasks_carries_the_count_of_my_open_tasks(vlo, vlo_client):
    case = CaseFactory(team=vlo.team, officer=vlo)
    TaskFactory.create_batch(3, case=case, owner=vlo)
    text = vlo_client.get(reverse("victims:caseload")).content.decode()
    assert '<span class="moj-notification-badge" data-testid="open-task-count">3' in text


def test_no_badge_without_open_tasks(vlo_client):
    assert "open-task-count" not in vlo_client.get(reverse("victims:caseload")).content.decode()


def test_the_user_and_sign_out_are_in_the_service_navigation(vlo_client):
    text = vlo_client.get(reverse("victims:caseload")).content.decode()
    assert 'data-testid="signed-in-user"' in text and ">Sign out</button>" in text
    assert "moj-primary-navigation" not in text


@pytest.mark.parametrize("name", ["core:help", "core:accessibility", "core:privacy"])
def test_the_footer_pages_are_open_to_anyone(client, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ["core:help", "core:accessibility", "core:privacy"])
def test_the_footer_links_to_each_page(client, name):
    assert f'href="{reverse(name)}"' in client.get(reverse("core:login")).content.decode()


def test_the_help_page_gives_the_support_contact_as_a_link(client, settings):
    settings.VCS_SUPPORT_CONTACT = "vcs-support@example.gov.uk"
    text = client.get(reverse("core:help")).content.decode()
    assert 'href="mailto:vcs-support@example.gov.uk"' in text


def test_the_privacy_notice_says_how_long_records_are_kept(client, settings):
    settings.VCS_RETENTION_YEARS = 7
    assert "for 7 years after it closes" in client.get(reverse("core:privacy")).content.decode()


def test_a_half_signed_in_user_can_read_the_help_page(client, vlo):
    client.force_login(vlo)  # password done, no second factor yet
    assert client.get(reverse("core:help")).status_code == 200


def test_an_autocomplete_select_is_marked_for_the_script():
    field = forms.ChoiceField(
        choices=[("", "Choose an offence"), ("a", "Assault")], widget=AutocompleteSelect
    )
    html = field.widget.render("offence", "", attrs={"id": "id_offence", "class": "govuk-select"})
    assert html.startswith(
        '<select name="offence" data-module="app-autocomplete" id="id_offence" class="govuk-select">'
    )
    assert '<option value="a">Assault</option>' in html
