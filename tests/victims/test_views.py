"""The caseload, the case page and the forms that change a case: access, behaviour, audit, queries."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offenders.models import (
    EligibilityAssessment,
    EventKind,
    KeyDate,
    KeyDateKind,
    SecurityCategory,
    SecurityCategoryChange,
    SentenceEvent,
)
from tests.factories import ManagerFactory
from tests.offenders.factories import SentenceOffenceFactory
from tests.victims.factories import AddressFactory
from vcs_portal.cases.selectors import case_timeline
from vcs_portal.core.models import AuditAction, AuditEvent
from victims.models import Case, CaseStatus, CaseStatusChange, ClosureReason, ContactLevel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2026, 5, 20)


@pytest.fixture
def make_case(make_case):
    """A case held by Alice, with a qualifying offence and a safe address."""
    return partial(make_case, offence=True, address=True)


@pytest.fixture
def case(make_case):
    return make_case(
        victim__first_name="Sam",
        victim__last_name="Reed",
        offender__first_name="Dan",
        offender__last_name="Marsh",
        offender__pnc_number="85/0000001A",
        reference="VCS-2026-000001",
    )


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    """A GOV.UK date input's three boxes, as crispy-forms-gds names them."""
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def row_counts() -> tuple[int, ...]:
    return (
        Case.objects.count(),
        CaseStatusChange.objects.count(),
        SentenceEvent.objects.count(),
        SecurityCategoryChange.objects.count(),
        KeyDate.objects.count(),
        AuditEvent.objects.exclude(action__in=[AuditAction.VIEW, AuditAction.DENIED]).count(),
    )


def assert_error_page(response, message: str) -> None:
    text = page_text(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in text
    assert "<title>Error: " in text
    assert message in text


# --- access: every view -------------------------------------------------------

# Every page about one case, by its URL name.
CASE_PAGES = [
    "cases:detail",
    "victims:case_status",
    "contacts:event_new",
    "contacts:key_date_new",
    "contacts:appeal",
    "victims:case_review",
]


def page_url(name: str, case) -> str:
    return reverse("victims:caseload") if name == "caseload" else reverse(name, args=[case.pk])


@pytest.mark.parametrize("name", ["caseload", *CASE_PAGES])
def test_anonymous_is_sent_to_sign_in(client, case, name):
    response = client.get(page_url(name, case))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


@pytest.mark.parametrize("name", CASE_PAGES)
def test_outsider_gets_404(outsider_client, case, name):
    assert outsider_client.get(page_url(name, case)).status_code == 404


@pytest.mark.parametrize("name", CASE_PAGES[1:])
def test_outsider_post_gets_404_and_changes_nothing(outsider_client, case, name):
    before = row_counts()
    assert outsider_client.post(page_url(name, case), {}).status_code == 404
    assert row_counts() == before


def test_outsider_sees_no_cases_in_caseload(outsider_client, case):
    response = outsider_client.get(reverse("victims:caseload"))
    assert response.status_code == 200
    assert case.reference not in response.content.decode()


@pytest.mark.parametrize("name", ["caseload", *CASE_PAGES])
def test_vlo_gets_200(vlo_client, case, name):
    assert vlo_client.get(page_url(name, case)).status_code == 200


def test_teammate_can_see_a_team_case(signed_in, teammate, case):
    assert signed_in(teammate).get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_vlo_in_another_team_of_the_region_gets_404(signed_in, other_team_vlo, case):
    assert signed_in(other_team_vlo).get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_manager_of_the_team_can_see_the_case(manager_client, case):
    assert manager_client.get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_unknown_case_is_404(vlo_client, db):
    assert vlo_client.get(reverse("cases:detail", args=[999999])).status_code == 404


@pytest.fixture
def waiting_case(case):
    """A case whose sentence is not statutory, with domestic abuse recorded: waiting for a manager."""
    case.statutory, case.discretionary_context = False, "domestic_abuse"
    case.save()
    return case


def test_anonymous_decision_page_is_sent_to_sign_in(client, waiting_case):
    response = client.get(reverse("victims:case_discretion", args=[waiting_case.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


def test_decision_page_is_404_for_a_vlo(vlo_client, waiting_case):
    url = reverse("victims:case_discretion", args=[waiting_case.pk])
    assert vlo_client.get(url).status_code == 404
    assert vlo_client.post(url, {"decision": "approve", "reason": "x"}).status_code == 404
    waiting_case.refresh_from_db()
    assert waiting_case.discretionary_approved_by is None


def test_decision_page_is_404_for_a_manager_of_another_region(signed_in, team_b1, waiting_case):
    outsider_manager = ManagerFactory(region=team_b1.region, managed_teams=[team_b1])
    url = reverse("victims:case_discretion", args=[waiting_case.pk])
    assert signed_in(outsider_manager).get(url).status_code == 404


def test_decision_page_is_404_for_a_case_not_waiting(manager_client, case):
    assert manager_client.get(reverse("victims:case_discretion", args=[case.pk])).status_code == 404


def test_decision_page_shows_for_the_manager(manager_client, waiting_case):
    response = manager_client.get(reverse("victims:case_discretion", args=[waiting_case.pk]))
    assert response.status_code == 200
    assert "a context of domestic abuse" in page_text(response)


# --- caseload -----------------------------------------------------------------


def caseload(client, **params):
    return client.get(reverse("victims:caseload"), params)


def test_caseload_lists_open_cases_with_a_link_to_each(vlo_client, case):
    text = page_text(caseload(vlo_client))
    assert "<title>My caseload" in text
    assert f'href="{reverse("cases:detail", args=[case.pk])}"' in text
    assert "Sam Reed" in text and "Dan Marsh" in text


def test_caseload_rows_escape_every_name_and_show_the_tags(vlo_client, make_case):
    # The rows are built in Python (vcs_tags.caseload_rows), not by the template's autoescaping.
    case = make_case(reference="VCS-<b>1</b>", victim__last_name="O'Neil <script>x</script>")
    case.offender.first_name = 'A "B" & C'
    case.offender.save()
    text = caseload(vlo_client).content.decode()
    assert "O&#x27;Neil &lt;script&gt;x&lt;/script&gt;" in text and "<script>x" not in text
    assert "A &quot;B&quot; &amp; C" in text and "VCS-&lt;b&gt;1&lt;/b&gt;</a>" in text
    assert f'href="{reverse("cases:detail", args=[case.pk])}"' in text
    assert 'class="govuk-tag' in text


def test_caseload_hides_closed_cases_by_default(vlo_client, make_case):
    make_case(reference="VCS-CLOSED", status=CaseStatus.CLOSED, closure_reason=ClosureReason.OTHER)
    assert "VCS-CLOSED" not in caseload(vlo_client).content.decode()


def test_caseload_all_statuses_includes_closed_cases(vlo_client, make_case):
    make_case(reference="VCS-CLOSED", status=CaseStatus.CLOSED, closure_reason=ClosureReason.OTHER)
    assert "VCS-CLOSED" in caseload(vlo_client, status="all").content.decode()


def test_caseload_searches_by_victim_surname(vlo_client, case, make_case):
    make_case(reference="VCS-OTHER", victim__last_name="Quill")
    text = caseload(vlo_client, q="reed").content.decode()
    assert case.reference in text and "VCS-OTHER" not in text


def test_caseload_searches_by_offender_pnc(vlo_client, case, make_case):
    make_case(reference="VCS-OTHER")
    text = caseload(vlo_client, q="85/0000001a").content.decode()
    assert case.reference in text and "VCS-OTHER" not in text


def test_caseload_searches_by_reference(vlo_client, case, make_case):
    make_case(reference="VCS-OTHER")
    text = caseload(vlo_client, q="vcs-2026-000001").content.decode()
    assert case.reference in text and "VCS-OTHER" not in text


def test_caseload_filters_by_status(vlo_client, case, make_case):
    make_case(reference="VCS-IN", status=CaseStatus.OPTED_IN, contact_level=ContactLevel.ANNUAL)
    text = caseload(vlo_client, status=CaseStatus.OPTED_IN).content.decode()
    assert "VCS-IN" in text and case.reference not in text


def test_caseload_filters_overdue_first_contact(vlo_client, make_case):
    make_case(reference="VCS-LATE", first_contact_due=dt.date(2026, 5, 1))
    make_case(reference="VCS-SOON", first_contact_due=dt.date(2026, 6, 30))
    make_case(
        reference="VCS-MET", first_contact_due=dt.date(2026, 5, 1), first_contact_on=dt.date(2026, 4, 20)
    )
    text = caseload(vlo_client, deadline="overdue").content.decode()
    assert "VCS-LATE" in text
    assert "VCS-SOON" not in text and "VCS-MET" not in text


def test_caseload_shows_the_deadline_state_tag(vlo_client, make_case):
    make_case(reference="VCS-LATE", first_contact_due=dt.date(2026, 5, 1))
    text = page_text(caseload(vlo_client))
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in text


def test_caseload_shows_a_vlo_their_own_cases_by_default(vlo_client, teammate, case, make_case):
    make_case(reference="VCS-BOBS", officer=teammate)
    mine = caseload(vlo_client).content.decode()
    assert "VCS-BOBS" not in mine and case.reference in mine


def test_caseload_switches_to_the_teams_cases(vlo_client, teammate, case, make_case):
    make_case(reference="VCS-BOBS", officer=teammate)
    team = caseload(vlo_client, whose="team").content.decode()
    assert "VCS-BOBS" in team and case.reference in team
    assert '<a class="moj-sub-navigation__link" href="?whose=mine">My cases</a>' in team


def test_caseload_shows_a_manager_every_case_in_scope(manager_client, vlo, teammate, make_case):
    make_case(reference="VCS-BOBS", officer=teammate)
    text = caseload(manager_client).content.decode()
    assert "VCS-BOBS" in text and "moj-sub-navigation" not in text


def test_caseload_sorts_by_victim_both_ways(vlo_client, make_case):
    make_case(reference="VCS-A", victim__last_name="Abbott")
    make_case(reference="VCS-Z", victim__last_name="Zeller")
    ascending = caseload(vlo_client, sort="victim").content.decode()
    descending = caseload(vlo_client, sort="-victim").content.decode()
    assert ascending.index("VCS-A") < ascending.index("VCS-Z")
    assert descending.index("VCS-Z") < descending.index("VCS-A")


def test_caseload_marks_the_sorted_column(vlo_client, case):
    text = page_text(caseload(vlo_client, sort="-reference"))
    assert re.search(r'aria-sort="descending">\s*<a [^>]*href="\?sort=reference"', text)


def test_caseload_ignores_an_unknown_sort_key(vlo_client, case):
    response = caseload(vlo_client, sort="victim__team__region__name")
    assert response.status_code == 200
    assert 'aria-sort="ascending"' in response.content.decode()


def test_caseload_paginates_25_a_page_and_keeps_the_filters(vlo_client, make_case):
    for n in range(26):
        make_case(reference=f"VCS-P{n:03d}")
    first = page_text(caseload(vlo_client, status="referred", sort="reference"))
    second = page_text(caseload(vlo_client, status="referred", sort="reference", page=2))
    assert first.count('<tr class="govuk-table__row">') == 26  # the header row and 25 cases
    assert "VCS-P025" not in first and "VCS-P025" in second
    assert 'href="?status=referred&amp;sort=reference&amp;page=2"' in first
    assert 'class="govuk-pagination"' in first


def test_caseload_empty_state_offers_to_record_a_referral(vlo_client, db):
    text = page_text(caseload(vlo_client))
    assert "You have no open cases" in text
    assert f'href="{reverse("victims:referral_start")}"' in text
    assert "Record a referral" in text


def test_caseload_search_writes_an_audit_row_without_the_term(vlo_client, vlo, case):
    caseload(vlo_client, q="Reed")
    row = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert row.actor == vlo and row.object_type == "victims.Case" and row.summary == "caseload search"
    assert "reed" not in f"{row.summary} {row.object_id} {row.path}".lower()


def test_caseload_without_search_writes_no_audit_row(vlo_client, case):
    caseload(vlo_client, status="all")
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_caseload_query_count_does_not_grow_with_rows(vlo_client, make_case, django_assert_num_queries):
    make_case()
    caseload(vlo_client)  # Warm up: the first request of a session does one-off work.
    with CaptureQueriesContext(connection) as one_row:
        caseload(vlo_client)
    for _ in range(19):
        make_case()
    with django_assert_num_queries(len(one_row)):
        response = caseload(vlo_client)
    assert page_text(response).count('<tr class="govuk-table__row">') == 21


def test_caseload_reads_no_victim_contact_details(vlo_client, case):
    """A list shows names only: victims' phone, email and safe times are not even read."""
    with CaptureQueriesContext(connection) as queries:
        response = caseload(vlo_client)
    assert case.victim.full_name in page_text(response)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    for column in ("phone", "email", "safe_times_to_call", "accessibility_needs"):
        assert f'"victims_victim"."{column}"' not in sql


# --- case page ----------------------------------------------------------------


def case_page(client, case):
    return client.get(reverse("cases:detail", args=[case.pk]))


def test_case_page_shows_reference_victim_and_sections(vlo_client, case):
    text = page_text(case_page(vlo_client, case))
    assert "Case VCS-2026-000001" in text and "Sam Reed" in text
    for heading in ("Case", "Victim", "Offender", "Sentence", "Deadlines", "Key dates", "Eligibility"):
        assert f'<h2 class="govuk-summary-card__title">{heading}</h2>' in text
    assert "Where held (never tell the victim)" in text
    assert '<div class="moj-timeline">' in text or "Nothing recorded yet" in text


def test_case_page_writes_view_audit_rows_for_case_and_victim(vlo_client, vlo, case):
    case_page(vlo_client, case)
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=vlo)
    assert set(views.values_list("object_type", "object_id")) == {
        ("victims.Case", str(case.pk)),
        ("victims.Victim", str(case.victim_id)),
    }


def test_case_page_marks_former_addresses_do_not_use(vlo_client, case):
    case.victim.addresses.update(is_current=False, do_not_use=True, valid_to=dt.date(2026, 5, 1))
    AddressFactory(victim=case.victim, line_1="9 New Road", recorded_by=case.officer)
    text = page_text(case_page(vlo_client, case))
    assert "9 New Road" in text
    assert "Former addresses" in text and "Do not use" in text


def test_case_page_names_the_guardian_for_a_child_victim(vlo_client, case):
    victim = case.victim
    victim.date_of_birth = dt.date(2015, 1, 1)
    victim.guardian_first_name, victim.guardian_last_name = "Pat", "Reed"
    victim.guardian_relationship = "mother"
    victim.save()
    text = page_text(case_page(vlo_client, case))
    assert "Pat Reed (mother)" in text
    assert "18th birthday on 1 January 2033" in text


def test_case_page_shows_current_key_date_with_history(vlo_client, vlo, case):
    KeyDate.objects.create(
        sentence=case.sentence,
        kind=KeyDateKind.CRD,
        date=dt.date(2028, 3, 1),
        source="Court record",
        recorded_by=vlo,
        recorded_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
    )
    KeyDate.objects.create(
        sentence=case.sentence,
        kind=KeyDateKind.CRD,
        date=dt.date(2028, 4, 2),
        source="Prison calculation",
        recorded_by=vlo,
    )
    text = page_text(case_page(vlo_client, case))
    assert "2 April 2028" in text and "Source: Prison calculation" in text
    assert "govuk-details" in text and "1 March 2028" in text


def test_case_page_shows_the_latest_stored_statutory_eligibility(vlo_client, case):
    EligibilityAssessment.objects.create(
        sentence=case.sentence,
        outcome="not_eligible",
        rule="custody_under_12_months",
        reasons=["An old reason"],
    )
    EligibilityAssessment.objects.create(
        sentence=case.sentence, outcome="statutory", rule="custody_12_months", reasons=["A newer reason"]
    )
    text = page_text(case_page(vlo_client, case))
    assert "A newer reason" in text and "An old reason" not in text
    assert "Not stored yet" not in text


def test_case_page_assesses_eligibility_when_none_is_stored(vlo_client, case):
    text = page_text(case_page(vlo_client, case))
    assert "Statutory</strong>" in text
    assert "Not stored yet" in text


def test_case_page_lists_next_actions_for_a_referred_case(vlo_client, case):
    text = page_text(case_page(vlo_client, case))
    assert "Send the offer letter" in text
    assert "Make first contact by 29 April 2026" in text


def test_case_page_shows_the_timeline(vlo_client, vlo, case):
    SentenceEvent.objects.create(
        sentence=case.sentence, kind=EventKind.TRANSFER, occurred_on=dt.date(2026, 4, 10), recorded_by=vlo
    )
    text = page_text(case_page(vlo_client, case))
    assert '<h3 class="moj-timeline__title">Transfer</h3>' in text
    assert '<time datetime="2026-04-10">10 April 2026</time>' in text


def test_case_page_warns_of_review(vlo_client, case):
    case.needs_review, case.review_reason = True, "The sentence changed on appeal."
    case.save()
    text = page_text(case_page(vlo_client, case))
    assert "govuk-warning-text" in text and "The sentence changed on appeal." in text
    assert "Resolve the review" in text


def test_case_page_offers_a_context_when_a_statutory_case_no_longer_qualifies(vlo_client, case):
    case.needs_review, case.review_reason = True, "Eligibility changed from statutory to not eligible."
    case.save()
    case.sentence.years, case.sentence.months = None, 6
    case.sentence.save()
    assert reverse("victims:case_context", args=[case.pk]) in page_text(case_page(vlo_client, case))


def test_case_page_offers_the_decision_to_a_manager_only(manager_client, vlo_client, waiting_case):
    url = reverse("victims:case_discretion", args=[waiting_case.pk])
    assert url in page_text(case_page(manager_client, waiting_case))
    text = page_text(case_page(vlo_client, waiting_case))
    assert url not in text
    assert "Wait for a manager&#x27;s decision on the discretionary offer" in text


def test_case_page_query_count_does_not_grow_with_events(vlo_client, vlo, case, django_assert_num_queries):
    def add_event():
        SentenceEvent.objects.create(
            sentence=case.sentence, kind=EventKind.TRANSFER, occurred_on=dt.date(2026, 4, 10), recorded_by=vlo
        )

    add_event()
    case_page(vlo_client, case)  # Warm up: the first request of a session does one-off work.
    with CaptureQueriesContext(connection) as one_event:
        case_page(vlo_client, case)
    for _ in range(4):
        add_event()
    with django_assert_num_queries(len(one_event)):
        response = case_page(vlo_client, case)
    assert page_text(response).count('class="moj-timeline__item"') == 5


def add_events(case, by, n):
    SentenceEvent.objects.bulk_create(
        SentenceEvent(
            sentence=case.sentence,
            kind=EventKind.TRANSFER,
            occurred_on=dt.date(2020, 1, 1) + dt.timedelta(days=i),
            detail=f"Move {i + 1}",
            recorded_by=by,
        )
        for i in range(n)
    )


def test_case_page_shows_the_newest_timeline_entries_and_links_to_the_whole_history(vlo_client, vlo, case):
    add_events(case, vlo, 30)
    text = page_text(case_page(vlo_client, case))
    entries = text.count('class="moj-timeline__item"')
    assert entries == 20
    assert "Move 30" in text and "Move 1<" not in text  # newest first
    assert "Showing the latest 20 entries." in text
    assert reverse("cases:history", args=[case.pk]) in text


def test_case_page_with_a_short_history_has_no_history_link(vlo_client, case):
    text = page_text(case_page(vlo_client, case))
    assert "See the full history" not in text  # the History tab is always there


def test_case_history_lists_every_entry_a_page_at_a_time_and_is_audited(vlo_client, vlo, case):
    add_events(case, vlo, 60)
    total = len(case_timeline(case=case))
    url = reverse("cases:history", args=[case.pk])
    first = page_text(vlo_client.get(url))
    second = page_text(vlo_client.get(url, {"page": 2}))
    assert first.count('class="moj-timeline__item"') == 50
    assert second.count('class="moj-timeline__item"') == total - 50
    assert "Move 60" in first and "Move 1\n" not in first
    assert re.search(r"Move 1\b", second)
    assert f"entries 51 to {total} of {total}" in second
    assert (
        AuditEvent.objects.filter(
            actor=vlo, action=AuditAction.VIEW, object_id=str(case.pk), summary="case history"
        ).count()
        == 2
    )


def test_case_history_of_a_case_outside_scope_is_a_404(outsider_client, case):
    assert outsider_client.get(reverse("cases:history", args=[case.pk])).status_code == 404


def test_case_page_reads_each_kind_of_row_once(vlo_client, case):
    """The timeline and the cards beside it share their rows: no table is read twice per page."""
    import re
    from collections import Counter

    case_page(vlo_client, case)  # Warm up: the first request of a session does one-off work.
    with CaptureQueriesContext(connection) as queries:
        case_page(vlo_client, case)
    # A prepared statement's SQL rides along in a comment (``EXECUTE name(...) /* SELECT ... */``).
    sqls = [
        q["sql"].split("/* ", 1)[-1] if q["sql"].startswith("EXECUTE") else q["sql"]
        for q in queries.captured_queries
    ]
    tables = Counter(
        match.group(1)
        for sql in sqls
        # The open-task count in the service navigation is the page frame's, not the case's rows.
        if sql.lstrip().startswith("SELECT") and '"in_scope"' not in sql
        for match in [re.search(r'\bFROM "(\w+)"', sql)]
        if match
    )
    shared = [
        "offenders_keydate",
        "contacts_task",
        "contacts_referralout",
        "parole_parolereview",
        "parole_victimpersonalstatement",
        "parole_licenceconditionrequest",
        "parole_multiagencymeeting",
        "victims_victimrestriction",
    ]
    assert {table: tables[table] for table in shared} == dict.fromkeys(shared, 1)


# --- change status ------------------------------------------------------------


def post_status(client, case, **data):
    payload = {**date_fields("changed_on", dt.date(2026, 5, 18)), **data}
    return client.post(reverse("victims:case_status", args=[case.pk]), payload)


def test_status_page_offers_only_allowed_transitions(vlo_client, case):
    text = page_text(vlo_client.get(reverse("victims:case_status", args=[case.pk])))
    assert 'value="offer_sent"' in text and 'value="closed"' in text
    assert 'value="opted_out"' not in text and 'value="referred"' not in text


def test_opting_in_changes_the_status_and_audits(vlo_client, vlo, case):
    response = post_status(
        vlo_client,
        case,
        to_status=CaseStatus.OPTED_IN,
        contact_level=ContactLevel.ALL_KEY_STAGES,
        how_received="phone",
    )
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.status == CaseStatus.OPTED_IN and case.contact_level == ContactLevel.ALL_KEY_STAGES
    assert case.first_contact_on == dt.date(2026, 5, 18)
    assert CaseStatusChange.objects.filter(
        case=case, to_status=CaseStatus.OPTED_IN, how_received="phone"
    ).exists()
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(case.pk), actor=vlo).exists()


def test_status_change_shows_a_success_message(vlo_client, case):
    response = post_status(vlo_client, case, to_status=CaseStatus.OFFER_SENT)
    assert "Status changed" in page_text(vlo_client.get(response.url))


def test_opting_in_without_a_contact_level_is_refused(vlo_client, case):
    before = row_counts()
    response = post_status(vlo_client, case, to_status=CaseStatus.OPTED_IN)
    assert_error_page(response, "Choose the level of contact the victim wants")
    assert 'href="#id_contact_level_1"' in page_text(response)
    assert 'id="id_contact_level_1"' in page_text(response)
    assert row_counts() == before


def test_closing_without_a_reason_is_refused(vlo_client, case):
    before = row_counts()
    response = post_status(vlo_client, case, to_status=CaseStatus.CLOSED)
    assert_error_page(response, "Choose why the case is closing")
    assert row_counts() == before


def test_closing_with_a_reason_closes_the_case(vlo_client, case):
    post_status(vlo_client, case, to_status=CaseStatus.CLOSED, closure_reason=ClosureReason.DUPLICATE)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closure_reason == ClosureReason.DUPLICATE


def test_an_illegal_transition_is_refused(vlo_client, case):
    before = row_counts()
    response = post_status(vlo_client, case, to_status=CaseStatus.OPTED_OUT)
    assert_error_page(response, "Choose one of the statuses shown")
    assert 'href="#id_to_status_1"' in page_text(response)
    assert row_counts() == before


def test_a_future_status_date_is_refused(vlo_client, case):
    before = row_counts()
    response = post_status(
        vlo_client, case, to_status=CaseStatus.OFFER_SENT, **date_fields("changed_on", TODAY.replace(day=25))
    )
    assert_error_page(response, "The date must be today or in the past")
    assert row_counts() == before


def test_an_impossible_date_is_refused(vlo_client, case):
    response = post_status(
        vlo_client, case, to_status=CaseStatus.OFFER_SENT, changed_on_0="31", changed_on_1="2"
    )
    assert_error_page(response, "The date the status changed must be a real date")


def test_a_missing_date_is_refused(vlo_client, case):
    response = vlo_client.post(
        reverse("victims:case_status", args=[case.pk]), {"to_status": CaseStatus.OFFER_SENT}
    )
    assert_error_page(response, "Enter the date the status changed")


def test_a_closed_case_has_no_status_form(vlo_client, make_case):
    closed = make_case(status=CaseStatus.CLOSED, closure_reason=ClosureReason.OTHER)
    text = page_text(vlo_client.get(reverse("victims:case_status", args=[closed.pk])))
    assert "A closed case cannot change status" in text and "<form" not in text.split("<main", 1)[1]


# --- sentence events ----------------------------------------------------------


def post_event(client, case, day=dt.date(2026, 5, 1), **data):
    return client.post(
        reverse("contacts:event_new", args=[case.pk]), {**date_fields("occurred_on", day), **data}
    )


def test_recording_a_recategorisation_saves_the_event_and_category(vlo_client, vlo, case):
    response = post_event(
        vlo_client,
        case,
        kind=EventKind.RECATEGORISATION,
        security_category=SecurityCategory.D,
        location="HMP Leyhill",
    )
    assert response.status_code == 302
    event = SentenceEvent.objects.get(sentence=case.sentence, kind=EventKind.RECATEGORISATION)
    assert event.occurred_on == dt.date(2026, 5, 1) and event.location == "HMP Leyhill"
    change = SecurityCategoryChange.objects.get(offender=case.offender)
    assert change.category == SecurityCategory.D and change.effective_on == dt.date(2026, 5, 1)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(event.pk), actor=vlo).exists()
    assert AuditEvent.objects.filter(summary="security category", actor=vlo).exists()


def test_a_release_before_the_sentence_is_refused(vlo_client, case):
    before = row_counts()
    response = post_event(vlo_client, case, day=dt.date(2026, 1, 5), kind=EventKind.RELEASE)
    assert_error_page(
        response, "The date of the release on licence must be on or after the sentence date (26 March 2026)"
    )
    assert 'href="#id_occurred_on_0"' in page_text(response)
    assert row_counts() == before


def test_a_release_in_the_future_is_refused(vlo_client, case):
    before = row_counts()
    response = post_event(vlo_client, case, day=dt.date(2026, 6, 5), kind=EventKind.RELEASE)
    assert_error_page(response, "The date must be today or in the past")
    assert row_counts() == before


def test_a_recategorisation_needs_a_category(vlo_client, case):
    before = row_counts()
    response = post_event(vlo_client, case, kind=EventKind.RECATEGORISATION)
    assert_error_page(response, "Choose the new security category")
    assert row_counts() == before


def test_an_event_and_its_category_are_saved_together_or_not_at_all(vlo_client, case):
    before = row_counts()
    # A parole hearing may be in the future; a category change may not, so both are refused.
    response = post_event(
        vlo_client,
        case,
        day=dt.date(2026, 7, 1),
        kind=EventKind.PAROLE_HEARING,
        security_category=SecurityCategory.C,
    )
    assert_error_page(response, "The date the category changed must be today or in the past")
    assert row_counts() == before


def test_an_event_without_a_kind_is_refused(vlo_client, case):
    response = post_event(vlo_client, case)
    assert_error_page(response, "Choose what happened")


# --- key dates ----------------------------------------------------------------


def post_key_date(client, case, day=dt.date(2028, 3, 1), **data):
    return client.post(reverse("contacts:key_date_new", args=[case.pk]), {**date_fields("on", day), **data})


def test_recording_a_key_date_saves_it_and_audits(vlo_client, vlo, case):
    response = post_key_date(vlo_client, case, kind=KeyDateKind.CRD, source="Prison calculation")
    assert response.status_code == 302
    key_date = KeyDate.objects.get(sentence=case.sentence)
    assert key_date.date == dt.date(2028, 3, 1) and key_date.source == "Prison calculation"
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(key_date.pk), actor=vlo
    ).exists()


def test_a_key_date_without_a_source_is_refused(vlo_client, case):
    before = row_counts()
    response = post_key_date(vlo_client, case, kind=KeyDateKind.CRD, source="  ")
    assert_error_page(response, "Enter where the date came from")
    assert row_counts() == before


def test_a_key_date_before_the_sentence_is_refused(vlo_client, case):
    before = row_counts()
    response = post_key_date(vlo_client, case, day=dt.date(2025, 1, 1), kind=KeyDateKind.CRD, source="Court")
    assert_error_page(response, "The date must be on or after the sentence date (26 March 2026)")
    assert 'href="#id_on_0"' in page_text(response)
    assert row_counts() == before


# --- appeal -------------------------------------------------------------------


def post_appeal(client, case, **data):
    return client.post(
        reverse("contacts:appeal", args=[case.pk]),
        {**date_fields("decided_on", dt.date(2026, 5, 15)), **data},
    )


def test_recording_an_appeal_changes_the_term_and_adds_an_event(vlo_client, vlo, case):
    response = post_appeal(vlo_client, case, years="3", months="6", detail="Court of Appeal")
    assert response.status_code == 302
    case.sentence.refresh_from_db()
    assert (case.sentence.years, case.sentence.months) == (3, 6)
    event = SentenceEvent.objects.get(sentence=case.sentence, kind=EventKind.APPEAL)
    assert "from 4 years to 3 years, 6 months" in event.detail
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(event.pk), actor=vlo).exists()


def test_an_appeal_without_a_length_is_refused(vlo_client, case):
    before = row_counts()
    response = post_appeal(vlo_client, case)
    assert_error_page(response, "Enter the length of the sentence after the appeal")
    assert 'href="#id_years"' in page_text(response)
    assert row_counts() == before
    case.sentence.refresh_from_db()
    assert case.sentence.years == 4


def test_an_appeal_with_a_negative_length_is_refused(vlo_client, case):
    response = post_appeal(vlo_client, case, years="-1")
    assert_error_page(response, "Years must be 0 or more")


# --- review and approval ------------------------------------------------------


@pytest.fixture
def review_case(case):
    case.needs_review, case.review_reason = True, "The sentence changed on appeal."
    case.save()
    return case


def test_a_vlo_cannot_clear_a_discretionary_flag(vlo_client, case):
    case.needs_review, case.statutory, case.review_reason = True, False, "Discretionary candidate."
    case.save()
    response = vlo_client.post(reverse("victims:case_review", args=[case.pk]), {"note": "Fine"})
    assert_error_page(response, "A manager must approve a discretionary offer first")
    case.refresh_from_db()
    assert case.needs_review


def test_resolving_a_review_clears_the_flag_and_audits(vlo_client, vlo, review_case):
    response = vlo_client.post(
        reverse("victims:case_review", args=[review_case.pk]), {"note": "Manager agreed"}
    )
    assert response.status_code == 302
    review_case.refresh_from_db()
    assert not review_case.needs_review
    assert CaseStatusChange.objects.filter(case=review_case, reason="Review: Manager agreed").exists()
    assert AuditEvent.objects.filter(summary="review resolved", actor=vlo).exists()


def test_resolving_a_review_without_a_note_is_refused(vlo_client, review_case):
    before = row_counts()
    response = vlo_client.post(reverse("victims:case_review", args=[review_case.pk]), {"note": ""})
    assert_error_page(response, "Say what you decided")
    assert row_counts() == before


def test_manager_approves_a_discretionary_case(manager_client, manager, waiting_case):
    response = manager_client.post(
        reverse("victims:case_discretion", args=[waiting_case.pk]),
        {"decision": "approve", "reason": "Repeat victim of domestic abuse"},
    )
    assert response.url == reverse("cases:detail", args=[waiting_case.pk])
    waiting_case.refresh_from_db()
    assert waiting_case.discretionary_approved_by == manager and not waiting_case.statutory
    assert AuditEvent.objects.filter(summary="discretionary approved", actor=manager).exists()
    text = page_text(case_page(manager_client, waiting_case))
    assert "Discretionary: approved by a manager" in text and "Repeat victim of domestic abuse" in text
    assert "Send the offer letter" in text


def test_manager_declines_a_discretionary_case_and_it_closes(manager_client, manager, waiting_case):
    manager_client.post(
        reverse("victims:case_discretion", args=[waiting_case.pk]),
        {"decision": "decline", "reason": "No continuing risk"},
    )
    waiting_case.refresh_from_db()
    assert waiting_case.status == CaseStatus.CLOSED
    assert waiting_case.closure_reason == ClosureReason.DISCRETION_DECLINED
    text = page_text(case_page(manager_client, waiting_case))
    assert "closed without a letter" in text and "Nothing to do now" in text


def test_a_decision_without_a_reason_is_an_error(manager_client, waiting_case):
    before = row_counts()
    response = manager_client.post(
        reverse("victims:case_discretion", args=[waiting_case.pk]), {"decision": "approve", "reason": ""}
    )
    assert_error_page(response, "Give the reason for your decision")
    assert row_counts() == before


def test_vlo_records_a_context_on_a_not_eligible_case(vlo_client, vlo, not_eligible_case):
    response = vlo_client.post(
        reverse("victims:case_context", args=[not_eligible_case.pk]),
        {"context": "other", "detail": "Threats from a neighbour"},
    )
    assert response.url == reverse("cases:detail", args=[not_eligible_case.pk])
    not_eligible_case.refresh_from_db()
    assert not_eligible_case.context_text == "Threats from a neighbour"
    assert AuditEvent.objects.filter(summary="discretionary context recorded", actor=vlo).exists()


def test_another_context_without_saying_what_is_an_error(vlo_client, not_eligible_case):
    response = vlo_client.post(
        reverse("victims:case_context", args=[not_eligible_case.pk]), {"context": "other"}
    )
    assert_error_page(response, "Say what the other context is")


def test_context_page_is_404_for_an_outsider(outsider_client, not_eligible_case):
    assert (
        outsider_client.get(reverse("victims:case_context", args=[not_eligible_case.pk])).status_code == 404
    )


# --- one voice: where a case stands ------------------------------------------------------------


@pytest.fixture
def not_eligible_case(case):
    """Custody under 12 months, no context recorded: the rules do not cover it."""
    case.statutory = False
    case.save()
    case.sentence.years, case.sentence.months = None, 10
    case.sentence.save()
    return case


def eligibility_section(text: str) -> str:
    return text.split("Eligibility</h2>")[1].split("</dl>")[0]


def next_actions_section(text: str) -> str:
    return text.split("Next actions</h2>")[1].split("Timeline</h2>")[0]


def test_a_not_eligible_case_says_so_everywhere(vlo_client, not_eligible_case):
    text = page_text(case_page(vlo_client, not_eligible_case))
    header = text.split('<div class="govuk-button-group">')[0]
    assert "Not eligible</strong>" in header and "Discretionary" not in header
    assert "Not eligible</strong>" in eligibility_section(text)
    actions = next_actions_section(text)
    assert "Close the case: it is not eligible" in actions and "Or record the context" in actions
    assert "Send the offer letter" not in actions and "Make first contact" not in actions
    row = page_text(vlo_client.get(reverse("victims:caseload")))
    assert "Not eligible</strong>" in row


def test_a_not_eligible_theft_case_says_so_everywhere(vlo_client, not_eligible_case):
    not_eligible_case.sentence.counts.update(
        offence=SentenceOffenceFactory(offence__specified_violent=False).offence
    )
    text = page_text(case_page(vlo_client, not_eligible_case))
    assert "Not eligible</strong>" in eligibility_section(text)
    assert "None of the offences is a sexual or violent offence" in text
    assert "Close the case: it is not eligible" in next_actions_section(text)


def test_a_waiting_case_says_so_everywhere(vlo_client, waiting_case):
    waiting_case.sentence.years, waiting_case.sentence.months = None, 10
    waiting_case.sentence.save()
    text = page_text(case_page(vlo_client, waiting_case))
    assert "Discretionary: waiting for a manager&#x27;s decision</strong>" in text
    assert "Discretionary candidate</strong>" in eligibility_section(text)
    assert "context of domestic abuse" in eligibility_section(text)
    assert "Send the offer letter" not in next_actions_section(text)
    assert "waiting for a manager&#x27;s decision</strong>" in page_text(
        vlo_client.get(reverse("victims:caseload"))
    )


def test_refreshing_a_case_forgets_the_rows_read_for_its_page(vlo, case):
    from victims.selectors import case_key_dates

    before = len(case_key_dates(case=case))
    KeyDate.objects.create(
        sentence=case.sentence, kind=KeyDateKind.PED, date=dt.date(2030, 1, 2), source="x", recorded_by=vlo
    )
    assert len(case_key_dates(case=case)) == before
    case.refresh_from_db()
    assert len(case_key_dates(case=case)) == before + 1


# --- the caseload's CSV and bulk form ------------------------------------------------------------


def test_caseload_downloads_as_csv_without_contact_details_and_is_audited(vlo_client, vlo, case):
    case.victim.phone, case.victim.email = "07700 900123", "sam@example.com"
    case.victim.save()
    response = caseload(vlo_client, format="csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert text.splitlines()[0].startswith("Case reference,Victim,Offender,Status")
    assert case.reference in text and "Sam Reed" in text
    assert "07700 900123" not in text and "sam@example.com" not in text and "Acacia" not in text
    assert AuditEvent.objects.filter(
        actor=vlo, action=AuditAction.EXPORT, summary="caseload, rows=1"
    ).exists()


def test_caseload_csv_defuses_a_formula_in_a_name(vlo_client, case):
    case.victim.first_name = "=cmd|' /C calc'!A0"
    case.victim.save()
    text = caseload(vlo_client, format="csv").content.decode()
    assert "'=cmd|" in text
    assert ",=cmd" not in text


def test_caseload_offers_a_manager_the_bulk_reassign_form(manager_client, vlo_client, case):
    text = page_text(caseload(manager_client))
    assert f'name="case" type="checkbox" value="{case.pk}"' in text
    assert reverse("contacts:cases_reassign") in text
    assert reverse("contacts:cases_reassign") not in page_text(caseload(vlo_client))


# --- the case page's tabs ----------------------------------------------------------------------------

TABS = ["cases:contacts", "cases:letters", "cases:parole", "cases:tasks"]


@pytest.mark.parametrize("name", TABS)
def test_each_case_tab_has_the_identity_bar_and_tabs_and_is_audited(vlo_client, vlo, case, name):
    text = page_text(vlo_client.get(reverse(name, args=[case.pk])))
    assert 'class="moj-identity-bar' in text and "Case VCS-2026-000001" in text
    assert 'aria-current="page"' in text and 'class="moj-sub-navigation' in text
    assert reverse("contacts:contact_new", args=[case.pk]) in text
    assert AuditEvent.objects.filter(actor=vlo, action=AuditAction.VIEW, object_id=str(case.pk)).exists()


@pytest.mark.parametrize("name", TABS)
def test_each_case_tab_is_404_outside_scope(outsider_client, case, name):
    assert outsider_client.get(reverse(name, args=[case.pk])).status_code == 404


def test_case_page_puts_the_primary_actions_in_the_identity_bar(vlo_client, case):
    text = page_text(case_page(vlo_client, case))
    bar = text.split('data-testid="case-identity-bar"')[1].split("moj-sub-navigation")[0]
    for label in ("Log a contact", "Draft a letter", "Add a task"):
        assert label in bar
    assert "Next deadline: first contact due 29 April 2026" in bar


def test_case_page_lists_letters_with_status_and_link(vlo_client, case):
    from vcs_portal.letters.models import Letter, LetterKind

    letter = Letter.objects.create(
        case=case, kind=LetterKind.OFFER, language="en", period_key="t", subject="Offer", body_html="<p>x</p>"
    )
    text = page_text(case_page(vlo_client, case))
    assert reverse("letters:detail", args=[letter.pk]) in text
    assert "Draft</strong>" in text
    letters_tab = page_text(vlo_client.get(reverse("cases:letters", args=[case.pk])))
    assert reverse("letters:detail", args=[letter.pk]) in letters_tab


def test_case_page_next_actions_link_to_the_page_that_does_them(vlo_client, case):
    actions = next_actions_section(page_text(case_page(vlo_client, case)))
    assert f'href="{reverse("letters:case_new", args=[case.pk])}">Send the offer letter' in actions
    assert reverse("contacts:contact_new", args=[case.pk]) in actions
