"""Contact work pages: access, behaviour, GOV.UK errors, audit and query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import (
    Contact,
    ContactWith,
    Direction,
    Method,
    Priority,
    ReferralOut,
    ReferralOutcome,
    ReferralService,
    Task,
    TaskKind,
    TaskStatus,
)
from tests.contacts.factories import ContactFactory, ReferralOutFactory, TaskFactory
from tests.factories import ManagerFactory
from tests.victims.factories import CaseFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from victims.models import Case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2026, 5, 20)


@pytest.fixture
def case(team_a1, vlo):
    return CaseFactory(
        team=team_a1,
        officer=vlo,
        reference="VCS-2026-000001",
        victim__first_name="Sam",
        victim__last_name="Reed",
    )


@pytest.fixture
def task(case):
    return TaskFactory(case=case, title="Ring the victim back", due_on=dt.date(2026, 5, 22))


@pytest.fixture
def contact(case):
    return ContactFactory(case=case)


@pytest.fixture
def referral(case):
    return ReferralOutFactory(case=case, referred_on=dt.date(2026, 5, 1))


@pytest.fixture
def urls(case, task, contact, referral):
    """Every page of the app, by name, for the access trio."""
    return {
        "my_tasks": reverse("contacts:my_tasks"),
        "task_complete": reverse("contacts:task_complete", args=[task.pk]),
        "task_reassign": reverse("contacts:task_reassign", args=[task.pk]),
        "task_new": reverse("contacts:task_new", args=[case.pk]),
        "case_reassign": reverse("contacts:case_reassign", args=[case.pk]),
        "case_contacts": reverse("contacts:case_contacts", args=[case.pk]),
        "contact_new": reverse("contacts:contact_new", args=[case.pk]),
        "contact_correct": reverse("contacts:contact_correct", args=[contact.pk]),
        "referral_out_new": reverse("contacts:referral_out_new", args=[case.pk]),
        "referral_out_outcome": reverse("contacts:referral_out_outcome", args=[referral.pk]),
    }


ALL_PAGES = [
    "my_tasks",
    "task_complete",
    "task_reassign",
    "task_new",
    "case_reassign",
    "case_contacts",
    "contact_new",
    "contact_correct",
    "referral_out_new",
    "referral_out_outcome",
]
SCOPED_PAGES = [name for name in ALL_PAGES if name != "my_tasks"]
FORM_PAGES = [name for name in SCOPED_PAGES if name != "case_contacts"]


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def writes() -> tuple[int, ...]:
    """Rows a form could write: nothing may change when a form is refused."""
    return (
        Contact.objects.count(),
        Task.objects.filter(status=TaskStatus.OPEN).count(),
        Task.objects.count(),
        ReferralOut.objects.exclude(outcome=ReferralOutcome.PENDING).count(),
        ReferralOut.objects.count(),
        AuditEvent.objects.exclude(action__in=[AuditAction.VIEW, AuditAction.DENIED]).count(),
    )


def assert_error_page(response, message: str) -> None:
    text = page_text(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in text
    assert "<title>Error: " in text
    assert message in text


# --- access: every view -------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PAGES)
def test_anonymous_is_sent_to_sign_in(client, urls, name):
    response = client.get(urls[name])
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


@pytest.mark.parametrize("name", SCOPED_PAGES)
def test_outsider_gets_404(outsider_client, urls, name):
    assert outsider_client.get(urls[name]).status_code == 404


@pytest.mark.parametrize("name", FORM_PAGES)
def test_outsider_post_gets_404_and_writes_nothing(outsider_client, urls, name):
    before = writes()
    assert outsider_client.post(urls[name], {"outcome": "x"}).status_code == 404
    assert writes() == before


def test_outsider_sees_none_of_the_tasks_in_my_tasks(outsider_client, urls, task):
    response = outsider_client.get(urls["my_tasks"])
    assert response.status_code == 200
    assert task.title not in response.content.decode()


@pytest.mark.parametrize("name", [n for n in ALL_PAGES if n != "case_reassign"])
def test_vlo_gets_200(vlo_client, urls, name):
    assert vlo_client.get(urls[name]).status_code == 200


@pytest.mark.parametrize("name", ALL_PAGES)
def test_manager_of_the_team_gets_200(manager_client, urls, name):
    assert manager_client.get(urls[name]).status_code == 200


def test_vlo_in_another_team_gets_404_for_a_task(signed_in, other_team_vlo, urls):
    assert signed_in(other_team_vlo).get(urls["task_complete"]).status_code == 404


def test_case_reassign_is_404_for_a_vlo(vlo_client, urls):
    assert vlo_client.get(urls["case_reassign"]).status_code == 404


def test_case_reassign_is_404_for_a_manager_of_another_region(signed_in, team_b1, urls):
    outsider_manager = ManagerFactory(region=team_b1.region, managed_teams=[team_b1])
    assert signed_in(outsider_manager).get(urls["case_reassign"]).status_code == 404


def test_unknown_task_is_404(vlo_client, db):
    assert vlo_client.get(reverse("contacts:task_complete", args=[999999])).status_code == 404


def test_navigation_shows_my_tasks(vlo_client):
    text = page_text(vlo_client.get(reverse("victims:caseload")))
    assert f'href="{reverse("contacts:my_tasks")}"> My tasks </a>' in text


# --- log a contact ----------------------------------------------------------------------


def contact_data(**overrides) -> dict[str, str]:
    data = {
        **date_fields("occurred_on", dt.date(2026, 5, 19)),
        "occurred_time": "14:30",
        "method": Method.PHONE,
        "direction": Direction.OUTGOING,
        "with_whom": ContactWith.VICTIM,
        "summary": "Explained the scheme.",
        "outcome": "",
    }
    data.update(overrides)
    return data


def post_contact(client, case, **overrides):
    return client.post(reverse("contacts:contact_new", args=[case.pk]), contact_data(**overrides))


def test_log_a_contact_page_asks_every_question(vlo_client, case):
    text = page_text(vlo_client.get(reverse("contacts:contact_new", args=[case.pk])))
    assert '<h1 class="govuk-heading-l">Log a contact</h1>' in text
    for question in (
        "When was the contact?",
        "What time? (optional)",
        "How was the contact made?",
        "Who made the contact?",
        "Who was the contact with?",
        "Summary",
        "Follow-up date (optional)",
    ):
        assert question in text
    assert "novalidate" in text


def test_logging_a_contact_saves_it_and_goes_back_to_the_case(vlo_client, vlo, case):
    response = post_contact(vlo_client, case, follow_up_on_0="1", follow_up_on_1="6", follow_up_on_2="2026")
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[case.pk])
    contact = Contact.objects.get(summary="Explained the scheme.")
    assert contact.author == vlo
    assert f"{contact.occurred_at.astimezone(dt.timezone(dt.timedelta(hours=1))):%H:%M}" == "14:30"
    assert Task.objects.get(kind=TaskKind.FOLLOW_UP).due_on == dt.date(2026, 6, 1)


def test_logging_a_contact_shows_a_success_message(vlo_client, case):
    response = post_contact(vlo_client, case)
    text = page_text(vlo_client.get(response.url))
    assert "Contact logged" in text


def test_a_contact_in_the_future_shows_an_error_and_writes_nothing(vlo_client, case):
    before = writes()
    response = post_contact(vlo_client, case, **date_fields("occurred_on", TODAY + dt.timedelta(days=1)))
    assert_error_page(response, "The date of the contact must be today or in the past")
    assert 'href="#id_occurred_on_0"' in page_text(response)
    assert writes() == before


def test_a_time_later_today_shows_an_error_on_the_time(vlo_client, case):
    response = post_contact(vlo_client, case, **date_fields("occurred_on", TODAY), occurred_time="23:00")
    assert_error_page(response, "The time of the contact must be in the past")
    assert 'href="#id_occurred_time"' in page_text(response)


def test_a_contact_without_a_summary_shows_an_error_and_writes_nothing(vlo_client, case):
    before = writes()
    response = post_contact(vlo_client, case, summary="")
    assert_error_page(response, "Enter a summary of the contact")
    assert writes() == before


def test_a_time_that_is_not_a_time_shows_an_error(vlo_client, case):
    response = post_contact(vlo_client, case, occurred_time="25:99")
    assert_error_page(response, "Enter the time in the 24-hour clock, for example 14:30")


def test_a_missing_method_shows_an_error_linked_to_the_first_radio(vlo_client, case):
    response = post_contact(vlo_client, case, method="")
    assert_error_page(response, "Choose how the contact was made")
    assert 'href="#id_method_1"' in page_text(response)


# --- correct a contact ------------------------------------------------------------------


def test_correct_page_says_the_author_edits_in_place_on_the_day(vlo_client, contact):
    text = page_text(vlo_client.get(reverse("contacts:contact_correct", args=[contact.pk])))
    assert "your changes will replace it" in text


def test_correct_page_says_a_teammate_adds_a_correction(signed_in, teammate, contact):
    text = page_text(signed_in(teammate).get(reverse("contacts:contact_correct", args=[contact.pk])))
    assert "added to the timeline as a new entry" in text


def test_correct_page_is_filled_in_with_the_contact(vlo_client, contact):
    text = page_text(vlo_client.get(reverse("contacts:contact_correct", args=[contact.pk])))
    assert "Explained the scheme and what happens next." in text


def test_author_correcting_on_the_day_edits_in_place(vlo_client, contact):
    response = vlo_client.post(
        reverse("contacts:contact_correct", args=[contact.pk]), contact_data(summary="Left a voicemail.")
    )
    assert response.status_code == 302
    assert Contact.objects.count() == 1
    contact.refresh_from_db()
    assert contact.summary == "Left a voicemail."


def test_correcting_the_next_day_adds_an_entry(signed_in, vlo, contact, frozen_today):
    frozen_today.move_to(dt.datetime(2026, 5, 21, 9, 0, tzinfo=dt.UTC))
    response = signed_in(vlo).post(
        reverse("contacts:contact_correct", args=[contact.pk]), contact_data(summary="Left a voicemail.")
    )
    assert response.status_code == 302
    assert Contact.objects.filter(corrects=contact).count() == 1


# --- my tasks -------------------------------------------------------------------------


def my_tasks(client, **params):
    return client.get(reverse("contacts:my_tasks"), params)


def test_my_tasks_lists_my_open_tasks_with_the_case(vlo_client, task, case):
    text = page_text(my_tasks(vlo_client))
    assert "<caption" in text and "Your open tasks" in text
    assert "Ring the victim back" in text
    assert f'href="{reverse("cases:detail", args=[case.pk])}">VCS-2026-000001</a>' in text


def test_my_tasks_shows_overdue_first_with_an_overdue_tag(vlo_client, case):
    TaskFactory(case=case, title="Later task", due_on=dt.date(2026, 6, 1))
    TaskFactory(case=case, title="Overdue task", due_on=dt.date(2026, 5, 1))
    text = page_text(my_tasks(vlo_client))
    assert text.index("Overdue task") < text.index("Later task")
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in text


def test_my_tasks_shows_the_priority_tag(vlo_client, case):
    TaskFactory(case=case, priority=Priority.HIGH)
    assert '<strong class="govuk-tag govuk-tag--orange">High</strong>' in page_text(my_tasks(vlo_client))


def test_my_tasks_leaves_out_a_teammates_tasks(vlo_client, teammate, case):
    TaskFactory(case=case, title="Bob's task", owner=teammate)
    assert "Bob&#x27;s task" not in my_tasks(vlo_client).content.decode()


def test_my_tasks_leaves_out_done_tasks(vlo_client, case):
    TaskFactory(case=case, title="Finished task", status=TaskStatus.DONE, outcome="Done")
    assert "Finished task" not in my_tasks(vlo_client).content.decode()


def test_my_tasks_filters_overdue_only(vlo_client, case):
    TaskFactory(case=case, title="Later task", due_on=dt.date(2026, 6, 1))
    TaskFactory(case=case, title="Overdue task", due_on=dt.date(2026, 5, 1))
    text = my_tasks(vlo_client, overdue="1").content.decode()
    assert "Overdue task" in text and "Later task" not in text


def test_my_tasks_filters_by_kind(vlo_client, case):
    TaskFactory(case=case, title="Annual letter task", kind=TaskKind.ANNUAL_LETTER, dedupe_key="annual:2026")
    TaskFactory(case=case, title="Manual task")
    text = my_tasks(vlo_client, kind=TaskKind.ANNUAL_LETTER).content.decode()
    assert "Annual letter task" in text and "Manual task" not in text


def test_my_tasks_ignores_a_bad_kind(vlo_client, task):
    assert "Ring the victim back" in my_tasks(vlo_client, kind="nonsense").content.decode()


def test_manager_team_view_lists_the_teams_tasks_with_owner(manager_client, teammate, case):
    TaskFactory(case=case, title="Bob's task", owner=teammate)
    text = page_text(my_tasks(manager_client, view="team"))
    assert "Open tasks in your teams" in text
    assert "Bob&#x27;s task" in text
    assert teammate.get_full_name() in text


def test_team_view_is_mine_only_for_a_vlo(vlo_client, teammate, case):
    TaskFactory(case=case, title="Bob's task", owner=teammate)
    text = page_text(my_tasks(vlo_client, view="team"))
    assert "Bob&#x27;s task" not in text
    assert "You have no open tasks." in text


def test_my_tasks_query_count_does_not_grow_with_rows(vlo_client, case, django_assert_num_queries):
    TaskFactory(case=case)
    my_tasks(vlo_client)  # Warm up: the first request of a session does one-off work.
    with CaptureQueriesContext(connection) as one_row:
        my_tasks(vlo_client)
    for _ in range(19):
        TaskFactory(case=CaseFactory(team=case.team, officer=case.officer))
    with django_assert_num_queries(len(one_row)):
        response = my_tasks(vlo_client)
    assert page_text(response).count('<tr class="govuk-table__row">') == 21


def test_team_view_query_count_does_not_grow_with_rows(
    manager_client, case, teammate, django_assert_num_queries
):
    TaskFactory(case=case)
    my_tasks(manager_client, view="team")
    with CaptureQueriesContext(connection) as one_row:
        my_tasks(manager_client, view="team")
    for _ in range(19):
        TaskFactory(case=CaseFactory(team=case.team, officer=teammate))
    with django_assert_num_queries(len(one_row)):
        my_tasks(manager_client, view="team")


# --- complete and reassign a task -----------------------------------------------------


def test_completing_a_task_goes_back_to_my_tasks(vlo_client, task):
    response = vlo_client.post(reverse("contacts:task_complete", args=[task.pk]), {"outcome": "Rang back"})
    assert response.status_code == 302
    assert response.url == reverse("contacts:my_tasks")
    task.refresh_from_db()
    assert (task.status, task.outcome) == (TaskStatus.DONE, "Rang back")


def test_completing_a_task_returns_to_the_page_it_came_from(vlo_client, task, case):
    case_url = reverse("cases:detail", args=[case.pk])
    url = reverse("contacts:task_complete", args=[task.pk]) + f"?next={case_url}"
    assert vlo_client.post(url, {"outcome": "Rang back"}).url == case_url


def test_completing_a_task_never_returns_to_another_site(vlo_client, task):
    url = reverse("contacts:task_complete", args=[task.pk]) + "?next=https://evil.example/"
    assert vlo_client.post(url, {"outcome": "Rang back"}).url == reverse("contacts:my_tasks")


def test_completing_without_an_outcome_shows_an_error_and_writes_nothing(vlo_client, task):
    before = writes()
    response = vlo_client.post(reverse("contacts:task_complete", args=[task.pk]), {"outcome": ""})
    assert_error_page(response, "Enter what you did")
    assert writes() == before


def test_a_teammate_completing_my_task_sees_an_error(signed_in, teammate, task):
    response = signed_in(teammate).post(reverse("contacts:task_complete", args=[task.pk]), {"outcome": "x"})
    assert_error_page(response, "Only the person the task is assigned to, or a manager, can complete it")
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_a_done_task_shows_no_form(vlo_client, task):
    task.status, task.outcome = TaskStatus.DONE, "Done"
    task.save()
    text = page_text(vlo_client.get(reverse("contacts:task_complete", args=[task.pk])))
    assert "This task is already done." in text
    assert "Mark as done" not in text


def test_reassign_page_offers_teammates_only(vlo_client, teammate, other_team_vlo, task):
    text = page_text(vlo_client.get(reverse("contacts:task_reassign", args=[task.pk])))
    assert teammate.get_full_name() in text
    assert other_team_vlo.get_full_name() not in text


def test_reassigning_to_a_teammate_moves_the_task(vlo_client, teammate, task):
    response = vlo_client.post(reverse("contacts:task_reassign", args=[task.pk]), {"owner": str(teammate.pk)})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.owner == teammate


def test_reassigning_to_a_vlo_in_another_team_shows_an_error_and_writes_nothing(
    vlo_client, teammate, other_team_vlo, task
):
    before = writes()
    response = vlo_client.post(
        reverse("contacts:task_reassign", args=[task.pk]), {"owner": str(other_team_vlo.pk)}
    )
    assert_error_page(response, "Choose who should do the task from the list")
    task.refresh_from_db()
    assert task.owner != other_team_vlo
    assert writes() == before


# --- add a task, reassign a case --------------------------------------------------------


def test_adding_a_task_saves_it_for_the_officer(signed_in, teammate, vlo, case):
    response = signed_in(teammate).post(
        reverse("contacts:task_new", args=[case.pk]),
        {
            "title": "Ask the OM about licence conditions",
            **date_fields("due_on", dt.date(2026, 5, 29)),
            "priority": Priority.NORMAL,
            "owner": str(vlo.pk),
            "detail": "",
        },
    )
    assert response.status_code == 302
    assert Task.objects.get(kind=TaskKind.MANUAL).owner == vlo


def test_adding_a_task_due_in_the_past_shows_an_error(vlo_client, vlo, case):
    before = writes()
    response = vlo_client.post(
        reverse("contacts:task_new", args=[case.pk]),
        {
            "title": "Late",
            **date_fields("due_on", dt.date(2026, 5, 1)),
            "priority": "normal",
            "owner": vlo.pk,
        },
    )
    assert_error_page(response, "The due date must be today or in the future")
    assert writes() == before


def test_manager_reassigns_a_case_to_another_team_they_manage(
    signed_in, team_a1, team_a2, other_team_vlo, case
):
    manager = ManagerFactory(region=team_a1.region, managed_teams=[team_a1, team_a2])
    response = signed_in(manager).post(
        reverse("contacts:case_reassign", args=[case.pk]), {"officer": str(other_team_vlo.pk)}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.officer, case.team) == (other_team_vlo, team_a2)


def test_case_reassign_offers_only_vlos_in_managed_teams(manager_client, teammate, other_team_vlo, case):
    text = page_text(manager_client.get(reverse("contacts:case_reassign", args=[case.pk])))
    assert teammate.get_full_name() in text
    assert other_team_vlo.get_full_name() not in text


# --- referrals out ----------------------------------------------------------------------


def test_recording_a_referral_out(vlo_client, case):
    response = vlo_client.post(
        reverse("contacts:referral_out_new", args=[case.pk]),
        {"service": ReferralService.VICTIM_SUPPORT, **date_fields("referred_on", TODAY), "notes": ""},
    )
    assert response.status_code == 302
    assert ReferralOut.objects.get().service == ReferralService.VICTIM_SUPPORT


def test_a_referral_to_other_service_without_a_name_shows_an_error(vlo_client, case):
    response = vlo_client.post(
        reverse("contacts:referral_out_new", args=[case.pk]),
        {"service": ReferralService.OTHER, **date_fields("referred_on", TODAY)},
    )
    assert_error_page(response, "Enter the name of the service")
    assert not ReferralOut.objects.exists()


def test_recording_a_referral_outcome(vlo_client, referral):
    response = vlo_client.post(
        reverse("contacts:referral_out_outcome", args=[referral.pk]),
        {"outcome": ReferralOutcome.ACCEPTED, **date_fields("outcome_on", dt.date(2026, 5, 12))},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.ACCEPTED


# --- the case page panel ----------------------------------------------------------------


def case_page(client, case):
    return client.get(reverse("cases:detail", args=[case.pk]))


def test_case_page_has_the_contact_work_buttons(vlo_client, case):
    text = page_text(case_page(vlo_client, case))
    for label in ("Log a contact", "Add a task"):
        assert label in text
    assert "Reassign case" not in text
    assert "Refer to another service" in page_text(case_tab(vlo_client, case, "contacts"))


def test_case_page_offers_a_manager_to_reassign_the_case(manager_client, case):
    assert "Reassign case" in page_text(case_page(manager_client, case))


def case_tab(client, case, tab):
    return client.get(reverse(f"cases:{tab}", args=[case.pk]))


def test_case_tasks_tab_lists_open_tasks(vlo_client, case, task, contact, referral):
    text = page_text(case_tab(vlo_client, case, "tasks"))
    assert "Ring the victim back" in text
    assert reverse("contacts:task_complete", args=[task.pk]) in text
    assert reverse("contacts:contact_correct", args=[contact.pk]) not in text


def test_case_contacts_tab_lists_contacts_and_referrals(vlo_client, case, task, contact, referral):
    text = page_text(case_tab(vlo_client, case, "contacts"))
    assert reverse("contacts:contact_correct", args=[contact.pk]) in text
    assert "Phone call with the victim (from us)" in text
    assert "Waiting for a reply" in text
    assert reverse("contacts:task_complete", args=[task.pk]) not in text


def test_case_contacts_tab_query_count_does_not_grow_with_contact_work(
    vlo_client, case, django_assert_num_queries
):
    def add():
        TaskFactory(case=case)
        ContactFactory(case=case)
        ReferralOutFactory(case=case)

    add()
    case_tab(vlo_client, case, "contacts")
    with CaptureQueriesContext(connection) as once:
        case_tab(vlo_client, case, "contacts")
    for _ in range(25):  # past the tab's 25 contacts
        add()
    with django_assert_num_queries(len(once)):
        response = case_tab(vlo_client, case, "contacts")
    assert "View all contacts" in page_text(response)


# --- bulk reassignment and the CSV of tasks --------------------------------------------------


def test_manager_sees_checkboxes_and_the_reassign_form_on_team_tasks(manager_client, task):
    text = page_text(manager_client.get(reverse("contacts:my_tasks"), {"view": "team"}))
    assert f'name="task" type="checkbox" value="{task.pk}"' in text
    assert reverse("contacts:tasks_reassign") in text and "Reassign selected tasks" in text


def test_vlo_sees_no_bulk_reassign_form(vlo_client, task):
    text = page_text(vlo_client.get(reverse("contacts:my_tasks")))
    assert 'name="task" type="checkbox"' not in text
    assert reverse("contacts:tasks_reassign") not in text


def test_manager_reassigns_ticked_tasks_in_one_step(manager_client, manager, case, teammate):
    tasks = [TaskFactory(case=case) for _ in range(2)]
    response = manager_client.post(
        reverse("contacts:tasks_reassign") + "?next=/contacts/tasks/?view=team",
        {"task": [t.pk for t in tasks], "owner": teammate.pk},
    )
    assert response.status_code == 302 and response.url == "/contacts/tasks/?view=team"
    for task in tasks:
        task.refresh_from_db()
        assert task.owner == teammate
    assert (
        AuditEvent.objects.filter(
            actor=manager, action=AuditAction.UPDATE, object_type="contacts.Task"
        ).count()
        == 2
    )


def test_bulk_task_reassign_without_a_choice_changes_nothing_and_says_why(manager_client, task):
    response = manager_client.post(reverse("contacts:tasks_reassign"), {"task": [task.pk]}, follow=True)
    assert "Choose a VLO in a team you manage" in page_text(response)
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_bulk_reassign_is_404_for_a_vlo(vlo_client, task, teammate):
    assert (
        vlo_client.post(
            reverse("contacts:tasks_reassign"), {"task": [task.pk], "owner": teammate.pk}
        ).status_code
        == 404
    )


def test_manager_reassigns_ticked_cases_from_the_caseload(manager_client, manager, vlo, teammate, team_a1):
    cases = [CaseFactory(team=team_a1, officer=vlo) for _ in range(2)]
    response = manager_client.post(
        reverse("contacts:cases_reassign"),
        {"case": [c.pk for c in cases], "officer": teammate.pk},
        follow=True,
    )
    assert "2 cases reassigned to" in page_text(response)
    assert {c.officer_id for c in Case.objects.filter(pk__in=[c.pk for c in cases])} == {teammate.pk}


def test_bulk_case_reassign_with_a_case_out_of_scope_refuses_all(
    manager_client, vlo, teammate, team_a1, team_b1
):
    mine, theirs = CaseFactory(team=team_a1, officer=vlo), CaseFactory(team=team_b1)
    response = manager_client.post(
        reverse("contacts:cases_reassign"),
        {"case": [mine.pk, theirs.pk], "officer": teammate.pk},
        follow=True,
    )
    assert "Nothing was reassigned" in page_text(response)
    mine.refresh_from_db()
    assert mine.officer == vlo


def test_my_tasks_downloads_as_csv_and_is_audited(vlo_client, vlo, task):
    response = vlo_client.get(reverse("contacts:my_tasks"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Task,Priority,Due")
    assert len(lines) == 2 and task.title in lines[1]
    assert AuditEvent.objects.filter(
        actor=vlo, action=AuditAction.EXPORT, summary="My tasks, rows=1"
    ).exists()
