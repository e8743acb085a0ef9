"""The dashboard pages: who may see them, what they show first, their query counts, and CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.victims.factories import AddressFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from vcs_portal.core.pages import govuk_date_short
from victims.models import CaseStatus

from .conftest import crd, offered, review, task

pytestmark = pytest.mark.django_db

TEAM = reverse("dashboards:team")
REGION = reverse("dashboards:region")
PERFORMANCE = reverse("dashboards:performance")
LIST = reverse("dashboards:list")
NEVER = f"{LIST}?measure=never_offered"
ALL_PAGES = [TEAM, REGION, PERFORMANCE, NEVER]


# --- who may see what -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ALL_PAGES)
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


@pytest.mark.parametrize("url", ALL_PAGES)
def test_vlo_gets_404(vlo_client, url):
    assert vlo_client.get(url).status_code == 404


@pytest.mark.parametrize("url", ALL_PAGES)
def test_admin_gets_404(admin_client_verified, url):
    assert admin_client_verified.get(url).status_code == 404


@pytest.mark.parametrize("url", [TEAM, PERFORMANCE, NEVER])
def test_manager_sees_their_team(manager_client, url):
    assert manager_client.get(url).status_code == 200


def test_team_manager_gets_404_for_the_regional_view(manager_client):
    assert manager_client.get(REGION).status_code == 404


def test_regional_manager_is_taken_from_team_to_region(signed_in, regional_manager):
    client = signed_in(regional_manager)

    assert client.get(TEAM)["Location"] == REGION
    assert client.get(REGION).status_code == 200


def test_regional_manager_can_open_one_team(signed_in, regional_manager, team_a2):
    response = signed_in(regional_manager).get(TEAM, {"team": team_a2.pk})

    assert response.status_code == 200
    assert "Liverpool" in response.content.decode()


@pytest.mark.parametrize("url", [TEAM, PERFORMANCE, NEVER])
def test_outsider_manager_gets_404_for_a_team_in_another_region(signed_in, outsider_manager, team_a1, url):
    joiner = "&" if "?" in url else "?"

    assert signed_in(outsider_manager).get(f"{url}{joiner}team={team_a1.pk}").status_code == 404


def test_manager_gets_404_for_a_team_they_do_not_manage(manager_client, team_a2):
    assert manager_client.get(TEAM, {"team": team_a2.pk}).status_code == 404

    refused = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert (refused.object_type, refused.object_id) == ("core.Team", str(team_a2.pk))


@pytest.mark.parametrize("url", [TEAM, NEVER])
def test_outsider_manager_sees_nothing_of_region_a(make_case, signed_in, outsider_manager, vlo, url):
    case = make_case(vlo, days_overdue=5, victim__last_name="Quillfeather-Zebedee")

    page = signed_in(outsider_manager).get(url).content.decode()

    assert case.reference not in page
    assert case.victim.last_name not in page


def test_unknown_list_is_404(manager_client):
    assert manager_client.get(LIST, {"measure": "everything"}).status_code == 404


def test_officer_from_another_region_is_404(manager_client, outsider):
    assert manager_client.get(NEVER + f"&officer={outsider.pk}").status_code == 404


# --- what the pages show ----------------------------------------------------------------------


def test_missed_offers_come_first_in_red(make_case, manager_client, vlo):
    case = make_case(vlo, days_overdue=12)

    page = manager_client.get(TEAM).content.decode()

    section = page.index('data-testid="never-offered"')
    assert section < page.index("Work that is late") < page.index("Caseload per officer")
    assert re.search(r'govuk-tag--red app-count-tag">\s*1\s*<', page)
    assert page.index(case.reference) < page.index("Work that is late")
    assert "12 days" in page


def test_no_missed_offers_is_said_plainly(manager_client):
    page = manager_client.get(TEAM).content.decode()

    assert "govuk-tag--green app-count-tag" in page
    assert "victims never offered the scheme" in page


def test_each_figure_links_to_its_list(make_case, manager_client, vlo):
    make_case(vlo, days_overdue=3)

    page = manager_client.get(TEAM).content.decode()

    assert f'href="{LIST}?measure=never_offered"' in page


def test_charts_are_accessible_svg_with_the_same_data_in_a_table(make_case, manager_client, vlo):
    make_case(vlo)

    page = manager_client.get(TEAM).content.decode()

    assert '<svg class="app-chart"' in page and 'role="img"' in page
    assert 'aria-labelledby="caseload-chart-title caseload-chart-desc"' in page
    assert '<title id="caseload-chart-title">Open cases per officer</title>' in page
    assert "Alice" in page.split("<desc", 1)[1].split("</desc>", 1)[0]
    assert "<table" in page.split("</svg>", 1)[1]


@pytest.mark.parametrize("url", [TEAM, PERFORMANCE, NEVER])
def test_no_inline_styles(make_case, manager_client, vlo, url):
    make_case(vlo, days_overdue=3)

    assert "style=" not in manager_client.get(url).content.decode()


def test_region_page_breaks_figures_down_by_team(make_case, signed_in, regional_manager, vlo, other_team_vlo):
    make_case(vlo, days_overdue=2)
    make_case(other_team_vlo, days_overdue=2)

    page = signed_in(regional_manager).get(REGION).content.decode()

    assert "Manchester" in page and "Liverpool" in page
    assert "Victims never offered the scheme, per team" in page


def test_performance_page_shows_each_definition_and_benchmark(manager_client):
    page = manager_client.get(PERFORMANCE).content.decode()

    for heading in ("Counted (denominator)", "Met (numerator)", "Left out"):
        assert page.count(heading) == 5
    assert "77%" in page and "87%" in page and "40%" in page


def test_custom_period_must_be_real_dates(manager_client):
    response = manager_client.get(
        PERFORMANCE,
        {"period": "custom", "start_day": "31", "start_month": "2", "start_year": "2026", "end_day": "1",
         "end_month": "3", "end_year": "2026"},
    )  # fmt: skip

    page = response.content.decode()
    assert "There is a problem" in page
    assert "The start date must be a real date" in page
    assert 'href="#id_start_day"' in page


def test_custom_period_end_before_start_is_refused(manager_client):
    page = manager_client.get(
        PERFORMANCE,
        {"period": "custom", "start_day": "1", "start_month": "3", "start_year": "2026", "end_day": "1",
         "end_month": "2", "end_year": "2026"},
    ).content.decode()  # fmt: skip

    assert "The end date must be the same as or after the start date" in page


def test_custom_period_is_used_and_carried_into_the_missed_list(make_case, manager_client, vlo):
    case = make_case(vlo, referral_received_on=dt.date(2026, 1, 5), first_contact_due=dt.date(2026, 2, 2))
    params = {"period": "custom", "start_day": "1", "start_month": "1", "start_year": "2026", "end_day": "31",
              "end_month": "3", "end_year": "2026"}  # fmt: skip

    page = manager_client.get(PERFORMANCE, params).content.decode()
    assert "1 January 2026 to 31 March 2026" in page
    missed = manager_client.get(LIST, {"measure": "first_contact_late", **params}).content.decode()

    assert case.reference in missed


def test_list_is_paginated(make_case, manager_client, vlo):
    for _ in range(27):
        make_case(vlo, days_overdue=4)

    first = manager_client.get(NEVER).content.decode()
    second = manager_client.get(NEVER + "&page=2").content.decode()

    assert "Showing 1 to 25 of 27 cases" in first
    assert "Showing 26 to 27 of 27 cases" in second


def test_list_by_officer(make_case, manager_client, vlo, teammate):
    mine = make_case(vlo, days_overdue=2)
    theirs = make_case(teammate, days_overdue=2)

    page = manager_client.get(NEVER + f"&officer={vlo.pk}").content.decode()

    assert mine.reference in page and theirs.reference not in page


# --- query counts: the same with 1 row and with 20 --------------------------------------------


def _queries(client, url) -> int:
    client.get(url)  # the first request of a session also saves it
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _rows(make_case, vlo, teammate, n: int) -> None:
    today = timezone.localdate()
    for i in range(n):
        officer = vlo if i % 2 else teammate
        case = make_case(officer, days_overdue=3 + i)
        crd(case, 10 + i)
        review(case, today + dt.timedelta(days=20 + i))
        task(case, due_days_ago=2)
        answered = make_case(
            officer,
            referral_received_on=today - dt.timedelta(days=60),
            first_contact_due=today - dt.timedelta(days=30),
        )
        offered(answered, today - dt.timedelta(days=40))


# Session, user, second-factor device, the teams in scope and the open-task count in the service
# navigation: every page starts with these five.
BASE = 5
EXPECTED_QUERIES = {
    # + is the hourly copy fresh, the teams' people, the case and task aggregates, the missed offers
    TEAM: BASE + 6,  # and the consultations' three figures in one aggregate
    NEVER: BASE + 4,  # + count, the page's ids, its rows by id, and the audit row naming them
    PERFORMANCE: BASE + 3,  # + the three aggregates (case measures, parole reviews, conditions)
}
REGION_QUERIES = BASE + 6  # the same figures, and the consultations' aggregate
REGION_PERFORMANCE_QUERIES = BASE + 4  # per team (three) and the region's parole reviews


@pytest.mark.parametrize("url", [TEAM, NEVER, PERFORMANCE])
def test_query_count_does_not_grow_with_rows(make_case, manager_client, vlo, teammate, url):
    _rows(make_case, vlo, teammate, 1)
    one = _queries(manager_client, url)
    _rows(make_case, vlo, teammate, 19)
    twenty = _queries(manager_client, url)

    assert (one, twenty) == (EXPECTED_QUERIES[url], EXPECTED_QUERIES[url])


def test_region_query_count_does_not_grow_with_rows(
    make_case, signed_in, regional_manager, vlo, teammate, other_team_vlo
):
    client = signed_in(regional_manager)
    _rows(make_case, vlo, other_team_vlo, 1)
    one = _queries(client, REGION)
    performance_one = _queries(client, PERFORMANCE)
    _rows(make_case, vlo, other_team_vlo, 19)

    assert (one, _queries(client, REGION)) == (REGION_QUERIES, REGION_QUERIES)
    assert (performance_one, _queries(client, PERFORMANCE)) == (REGION_PERFORMANCE_QUERIES,) * 2


# --- CSV export -------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_csv_has_no_contact_details(make_case, manager_client, vlo):
    case = make_case(vlo, days_overdue=6)
    AddressFactory(victim=case.victim, postcode="M5 4WT")
    victim = case.victim

    response = manager_client.get(NEVER + "&format=csv")
    body = response.content.decode()

    rows = _csv(response)
    assert rows[0][:4] == ["Case reference", "Victim", "Offender", "Officer"]
    assert rows[1][0] == case.reference and rows[1][1] == victim.full_name
    for detail in (victim.phone, victim.email, "M5 4WT", "Acacia Avenue"):
        assert detail and detail not in body


def test_csv_export_is_audited(make_case, manager_client, manager, vlo):
    make_case(vlo, days_overdue=6)
    make_case(vlo, days_overdue=7)

    manager_client.get(NEVER + "&format=csv")

    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == manager
    assert event.object_type == "victims.Case"
    assert event.summary == "measure=never_offered, rows=2"


def test_csv_defuses_formulas(make_case, manager_client, vlo):
    case = make_case(vlo, days_overdue=6)
    case.victim.first_name = '=HYPERLINK("http://evil.example")'
    case.victim.last_name = "@SUM(A1)"
    case.victim.save()
    case.offender.first_name = "+1"
    case.offender.last_name = "-2"
    case.offender.save()

    rows = _csv(manager_client.get(NEVER + "&format=csv"))

    assert rows[1][1] == '\'=HYPERLINK("http://evil.example") @SUM(A1)'
    assert rows[1][2] == "'+1 -2"


def test_csv_export_is_all_rows_not_one_page(make_case, manager_client, vlo):
    for _ in range(30):
        make_case(vlo, days_overdue=3)

    assert len(_csv(manager_client.get(NEVER + "&format=csv&page=2"))) == 31


def test_csv_of_an_outsiders_team_is_refused_and_not_audited(
    make_case, signed_in, outsider_manager, team_a1, vlo
):
    make_case(vlo, days_overdue=3)

    response = signed_in(outsider_manager).get(NEVER + f"&team={team_a1.pk}&format=csv")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_status_shown_in_list(make_case, manager_client, vlo):
    case = make_case(vlo, days_overdue=3, status=CaseStatus.UNABLE_TO_TRACE)

    page = manager_client.get(f"{LIST}?measure=first_contact_overdue").content.decode()

    assert case.reference in page and "Unable to trace" in page


def test_manager_without_teams_is_told_so(signed_in, region_a):
    from tests.factories import ManagerFactory

    lonely = ManagerFactory(email="lone@probation.example.gov.uk", region=region_a)

    response = signed_in(lonely).get(TEAM)

    assert response.status_code == 200
    assert "You do not manage any teams yet" in response.content.decode()
    assert signed_in(lonely).get(NEVER).status_code == 200


def test_a_list_s_rows_escape_every_name_and_keep_their_order_and_dates(make_case, manager_client, vlo):
    # The rows are built in Python (dashboards_tags.list_rows) from a page of ids (page_of_list).
    later = make_case(vlo, days_overdue=3)
    first = make_case(vlo, days_overdue=9)
    first.victim.last_name = "O'Neil <script>x</script>"
    first.victim.save()
    text = manager_client.get(NEVER).content.decode()
    assert "O&#x27;Neil &lt;script&gt;x&lt;/script&gt;" in text and "<script>x" not in text
    assert text.index(first.reference) < text.index(later.reference)  # the longest overdue first
    assert govuk_date_short(first.first_contact_due) in text


def test_the_dashboard_s_never_offered_preview_escapes_names_and_says_how_late(
    make_case, manager_client, vlo
):
    # Built in Python (dashboards_tags.never_offered_rows) from the list's first rows (list_head).
    later = make_case(vlo, days_overdue=3)
    first = make_case(vlo, days_overdue=9)
    first.offender.first_name = '"><b>bold</b>'
    first.offender.save()
    text = manager_client.get(TEAM).content.decode()
    assert "&quot;&gt;&lt;b&gt;bold&lt;/b&gt;" in text and "<b>bold" not in text
    assert text.index(first.reference) < text.index(later.reference)
    assert ">9 days</strong>" in text and ">3 days</strong>" in text
