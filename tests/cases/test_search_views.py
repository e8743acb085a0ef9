"""The case search page behind the header's search box."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.victims.factories import CaseFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from victims.models import CaseStatus, ClosureReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(vlo):
    return CaseFactory(team=vlo.team, officer=vlo, reference="VCS-2026-000042", victim__last_name="Brontë")


def search(client, q):
    return client.get(reverse("cases:search"), {"q": q})


def test_anonymous_is_sent_to_sign_in(client):
    response = search(client, "bronte")
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


def test_outsider_finds_nothing(outsider_client, case):
    response = search(outsider_client, "VCS-2026-000042")
    assert response.status_code == 200 and response.context["page"].paginator.count == 0


def test_the_results_say_why_each_case_matched(vlo_client, case):
    text = search(vlo_client, "bronte").content.decode()
    assert f'href="{reverse("cases:detail", args=[case.pk])}"' in text
    assert "Matched on</dt><dd>Victim&#x27;s name</dd>" in text


def test_a_search_is_audited_without_its_term(vlo, vlo_client, case):
    search(vlo_client, "bronte")
    searched = AuditEvent.objects.get(actor=vlo, action=AuditAction.SEARCH)
    listed = AuditEvent.objects.get(actor=vlo, action=AuditAction.VIEW, summary__startswith="case search")
    assert "bronte" not in searched.summary.lower()
    assert listed.summary == f"case search: {case.pk}"


def test_an_empty_search_shows_the_form_and_audits_nothing(vlo, vlo_client):
    response = vlo_client.get(reverse("cases:search"))
    assert '<h1 class="govuk-heading-l">Search cases</h1>' in response.content.decode()
    assert not AuditEvent.objects.filter(actor=vlo, action=AuditAction.SEARCH).exists()


def test_the_header_search_box_is_on_every_signed_in_page(vlo_client):
    text = vlo_client.get(reverse("contacts:my_tasks")).content.decode()
    assert f'action="{reverse("cases:search")}"' in text


def test_the_header_keeps_the_term_searched_for(vlo_client, case):
    assert 'value="bronte"' in search(vlo_client, "bronte").content.decode()


@pytest.mark.parametrize("rows", [1, 20])
def test_search_query_count_does_not_grow_with_rows(vlo, vlo_client, django_assert_num_queries, rows):
    for n in range(rows):
        CaseFactory(team=vlo.team, officer=vlo, victim__last_name=f"Searchable{n}")
    search(vlo_client, "searchable")  # warm up the session
    # Session, user, device; matching victims, offenders, aliases, PNC or prison numbers; the ids of
    # the matching cases and the page's rows; two audit rows; the open-task count.
    with django_assert_num_queries(12):
        response = search(vlo_client, "searchable")
    assert len(response.context["rows"]) == rows


def test_names_with_markup_are_escaped_in_the_results(vlo, vlo_client):
    CaseFactory(
        team=vlo.team,
        officer=vlo,
        victim__first_name="<script>alert(1)</script>",
        victim__last_name="Hostile",
        offender__last_name='"><img src=x>',
        offender__pnc_number="",
    )
    text = search(vlo_client, "hostile").content.decode()
    assert "<script>alert(1)</script>" not in text and "<img src=x>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Hostile" in text
    assert "&quot;&gt;&lt;img src=x&gt;" in text


def test_results_are_paged_open_cases_by_victim_name_then_closed_ones(vlo, vlo_client):
    closed = CaseFactory(
        team=vlo.team,
        officer=vlo,
        victim__first_name="Paged",
        victim__last_name="Aaron",
        status=CaseStatus.CLOSED,
        closure_reason=ClosureReason.OTHER,
    )
    named = [
        CaseFactory(team=vlo.team, officer=vlo, victim__first_name="Paged", victim__last_name=f"Name{n:02d}")
        for n in range(26)
    ]
    first = search(vlo_client, "paged")
    assert first.context["page"].paginator.count == 27
    assert [row["case"].pk for row in first.context["rows"]] == [c.pk for c in named[:25]]
    second = vlo_client.get(reverse("cases:search"), {"q": "paged", "page": 2})
    assert [row["case"].pk for row in second.context["rows"]] == [named[25].pk, closed.pk]
    assert "showing 26 to 27" in second.content.decode()
