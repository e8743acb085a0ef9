"""Letter pages: who may see them, what they do, their audit rows and their query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact
from tests.letters.helpers import pdf_pages, pdf_text
from tests.victims.factories import AddressFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from vcs_portal.letters import services
from vcs_portal.letters.models import Letter, LetterKind, LetterStatus
from victims.models import CaseStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def letter(case):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    return letter


@pytest.fixture
def approved(letter, vlo, teammate):
    return services.letter_approve(actor=teammate, letter=letter)


# --- access: anonymous → sign in, outsider → 404, permitted → 200 ------------------------------------


def urls(letter) -> list[tuple[str, str]]:
    return [
        ("get", reverse("letters:detail", args=[letter.pk])),
        ("get", reverse("letters:pdf", args=[letter.pk])),
        ("get", reverse("letters:case_new", args=[letter.case_id])),
        ("post", reverse("letters:approve", args=[letter.pk])),
        ("post", reverse("letters:mark_sent", args=[letter.pk])),
        ("post", reverse("letters:cancel", args=[letter.pk])),
    ]


def test_anonymous_users_are_sent_to_sign_in(client, approved):
    for method, url in [
        *urls(approved),
        ("get", reverse("letters:list")),
        ("get", reverse("letters:bulk_print")),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], url


def test_outsiders_get_404_for_every_letter_page(outsider_client, other_team_vlo, signed_in, approved):
    for client in (outsider_client, signed_in(other_team_vlo)):
        for method, url in urls(approved):
            assert getattr(client, method)(url).status_code == 404, url
    approved.refresh_from_db()
    assert approved.status == LetterStatus.APPROVED
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).exists()


def test_the_vlo_and_their_team_and_manager_see_the_letter(
    vlo_client, teammate, manager_client, signed_in, letter
):
    url = reverse("letters:detail", args=[letter.pk])
    for client in (vlo_client, signed_in(teammate), manager_client):
        assert client.get(url).status_code == 200


def test_nobody_sees_another_teams_letters_in_the_list(outsider_client, manager_client, letter):
    assert "VCS-2026-000042" not in text(outsider_client.get(reverse("letters:list")))
    assert "VCS-2026-000042" in text(manager_client.get(reverse("letters:list")))


# --- the list --------------------------------------------------------------------------------------


def test_the_list_shows_the_work_to_do_and_filters_by_status(
    vlo_client, vlo, case, letter, approved, teammate
):
    sent, _ = services.letter_draft(case=case, kind=LetterKind.RECALL, period_key="x")
    services.letter_approve(actor=teammate, letter=sent)
    services.letter_mark_sent(actor=vlo, letter=sent, sent_via="posted")
    page = text(vlo_client.get(reverse("letters:list")))
    assert "Letters to approve or send" in page
    assert "Annual contact letter" in page and "recall to prison" not in page
    page = text(vlo_client.get(reverse("letters:list"), {"status": "sent"}))
    assert "recall to prison" in page and "Annual contact letter" not in page


def test_a_vlo_sees_only_letters_on_their_own_cases(signed_in, teammate, letter):
    assert "There are no letters to approve or send" in text(signed_in(teammate).get(reverse("letters:list")))


def test_the_list_flags_an_approved_letter_whose_address_changed(vlo_client, vlo, approved):
    old = approved.case.victim.addresses.get()
    old.is_current, old.do_not_use = False, True
    old.save()
    AddressFactory(victim=approved.case.victim, recorded_by=vlo)
    assert "Address changed" in text(vlo_client.get(reverse("letters:list")))


@pytest.mark.parametrize("rows", [1, 20])
def test_the_list_takes_the_same_queries_for_1_or_20_letters(manager_client, make_case, rows, settings):
    for i in range(rows):
        case = make_case(reference=f"VCS-2026-{i:06d}", key_dates=False, category="")
        services.letter_draft(case=case, kind=LetterKind.OFFER, period_key="x")
    with CaptureQueriesContext(connection) as queries:
        response = manager_client.get(reverse("letters:list"))
    assert response.status_code == 200
    assert text(response).count("Offer of the scheme") == rows
    # 9 reads, the open-task count in the service navigation and 1 audit row naming the listed cases.
    assert len(queries) == 11, "\n".join(q["sql"] for q in queries.captured_queries)


# --- drafting on a case -------------------------------------------------------------------------------


def test_a_vlo_drafts_a_letter_from_the_case(vlo_client, case):
    url = reverse("letters:case_new", args=[case.pk])
    assert "Which letter do you want to draft?" in text(vlo_client.get(url))
    response = vlo_client.post(url, {"kind": LetterKind.RECATEGORISATION})
    letter = Letter.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == reverse("letters:detail", args=[letter.pk])
    assert (
        letter.kind == LetterKind.RECATEGORISATION
        and letter.created_by.email == "alice@probation.example.gov.uk"
    )
    # Twice is the same letter.
    assert vlo_client.post(url, {"kind": LetterKind.RECATEGORISATION})["Location"] == response["Location"]
    assert Letter.objects.count() == 1


def test_choosing_no_letter_shows_the_error(vlo_client, case):
    response = vlo_client.post(reverse("letters:case_new", args=[case.pk]), {})
    assert "Choose a letter" in text(response)
    assert text(response).count("There is a problem") == 1


def test_an_opted_out_victim_is_offered_only_the_confirmation(vlo_client, make_case):
    case = make_case(status=CaseStatus.OPTED_OUT)
    page = text(vlo_client.get(reverse("letters:case_new", args=[case.pk])))
    assert "Confirmation of opting out" in page and "Annual contact letter" not in page
    response = vlo_client.post(reverse("letters:case_new", args=[case.pk]), {"kind": LetterKind.ANNUAL})
    assert "Choose one of the letters shown" in text(response)
    assert not Letter.objects.exists()


# --- the letter page ----------------------------------------------------------------------------------


def test_the_letter_page_previews_the_letter_and_is_audited(vlo_client, vlo, letter):
    page = text(vlo_client.get(reverse("letters:detail", args=[letter.pk])))
    assert "Dear Sam Reed," in page
    assert "The current security category is category C (a closed prison)." in page
    assert "OFFICIAL-SENSITIVE" in page
    assert AuditEvent.objects.filter(
        actor=vlo, action=AuditAction.VIEW, object_type="letters.Letter", object_id=str(letter.pk)
    ).exists()


def test_the_vlo_writes_their_paragraph_and_sees_it_in_the_preview(vlo_client, letter):
    url = reverse("letters:detail", args=[letter.pk])
    response = vlo_client.post(url, {"free_text": "We met in May. <b>Thank you</b>."})
    assert response.status_code == 302
    page = text(vlo_client.get(url))
    assert "We met in May. &lt;b&gt;Thank you&lt;/b&gt;." in page


def test_problems_are_listed_before_approval_and_approval_is_refused(vlo_client, letter):
    url = reverse("letters:detail", args=[letter.pk])
    vlo_client.post(url, {"free_text": "Released on [[date]]"})
    page = text(vlo_client.get(url))
    assert "Before you can approve this letter:" in page
    response = vlo_client.post(reverse("letters:approve", args=[letter.pk]), follow=True)
    assert "The letter cannot be approved yet" in text(response)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT


def test_approve_then_mark_sent_through_the_pages(vlo_client, letter):
    response = vlo_client.post(reverse("letters:approve", args=[letter.pk]), follow=True)
    assert "Letter approved" in text(response)
    assert "Download the letter (PDF)" in text(response)
    response = vlo_client.post(reverse("letters:mark_sent", args=[letter.pk]), {})
    assert "Choose how the letter was sent" in text(response)
    response = vlo_client.post(
        reverse("letters:mark_sent", args=[letter.pk]), {"sent_via": "posted"}, follow=True
    )
    assert "Letter marked as sent and logged as a contact" in text(response)
    assert Contact.objects.get(case=letter.case).summary == "Letter sent: Your yearly update about Dan Marsh"


def test_cancel_through_the_page(vlo_client, letter):
    response = vlo_client.post(reverse("letters:cancel", args=[letter.pk]), follow=True)
    assert "Letter cancelled" in text(response)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.CANCELLED


# --- PDF ------------------------------------------------------------------------------------------------


def test_the_pdf_downloads_for_someone_who_may_see_the_case_and_is_audited(
    vlo_client, manager, manager_client, approved
):
    response = manager_client.get(reverse("letters:pdf", args=[approved.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="VCS-2026-000042-annual.pdf"'
    assert "Your yearly update about Dan Marsh" in pdf_text(response.content)
    assert AuditEvent.objects.filter(
        actor=manager, action=AuditAction.DOWNLOAD, object_type="letters.Letter", object_id=str(approved.pk)
    ).exists()


def test_a_draft_has_no_pdf(vlo_client, letter):
    assert vlo_client.get(reverse("letters:pdf", args=[letter.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).exists()


# --- bulk print -------------------------------------------------------------------------------------------


def test_a_manager_prints_todays_approved_letters_as_one_pdf(
    manager_client, manager, make_case, vlo, teammate
):
    letters = []
    for i in range(3):
        case = make_case(reference=f"VCS-2026-10000{i}", offender__last_name=f"Marsh{i}")
        letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
        letters.append(services.letter_approve(actor=teammate, letter=letter))
    long, _ = services.letter_draft(case=case, kind=LetterKind.RECALL, period_key="x")
    services.letter_update_free_text(
        actor=vlo, letter=long, free_text="\n\n".join(["Words and words. " * 40] * 10)
    )
    letters.append(services.letter_approve(actor=teammate, letter=long))
    services.letter_draft(
        case=case, kind=LetterKind.OFFER, period_key="draft-only"
    )  # not approved: not printed

    response = manager_client.get(reverse("letters:bulk_print"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="letters-2026-11-20.pdf"'
    each = []
    for letter in letters:
        services.letter_pdf_store(letter_id=letter.pk)
        each.append(Letter.objects.get(pk=letter.pk).pdf_pages)
    assert each[:3] == [1, 1, 1] and each[3] > 1
    pages = pdf_pages(response.content)
    assert pages == sum(each)
    content = pdf_text(response.content)
    for i in range(3):
        assert f"Marsh{i}" in content
    # Page numbers count within each letter.
    assert content.count("Page 1 of 1") == 3 and f"Page {each[3]} of {each[3]}" in content
    assert AuditEvent.objects.filter(actor=manager, action=AuditAction.DOWNLOAD).count() == 4
    summary = f"bulk print: 4 letters, {pages} pages"
    assert AuditEvent.objects.get(actor=manager, action=AuditAction.EXPORT).summary == summary


def test_bulk_print_leaves_out_letters_whose_address_changed(manager_client, vlo, approved):
    old = approved.case.victim.addresses.get()
    old.is_current, old.do_not_use = False, True
    old.save()
    AddressFactory(victim=approved.case.victim, recorded_by=vlo)
    response = manager_client.get(reverse("letters:bulk_print"), follow=True)
    assert "There are no letters approved today to print" in text(response)


def test_bulk_print_is_for_managers_only(vlo_client, approved):
    assert vlo_client.get(reverse("letters:bulk_print")).status_code == 404


def test_bulk_print_never_includes_another_teams_letters(signed_in, team_a2, approved):
    from tests.factories import ManagerFactory

    other = ManagerFactory(region=team_a2.region, managed_teams=[team_a2])
    response = signed_in(other).get(reverse("letters:bulk_print"), follow=True)
    assert "There are no letters approved today to print" in text(response)


def test_the_nav_shows_letters(vlo_client):
    page = vlo_client.get(reverse("victims:caseload")).content.decode()
    assert f'href="{reverse("letters:list")}"' in page


def test_a_sent_date_can_be_given_through_the_page(vlo_client, letter):
    vlo_client.post(reverse("letters:approve", args=[letter.pk]))
    letter.__class__.objects.filter(pk=letter.pk).update(
        approved_at=dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
    )
    response = vlo_client.post(
        reverse("letters:mark_sent", args=[letter.pk]),
        {"sent_via": "posted", "sent_on_0": "40", "sent_on_1": "11", "sent_on_2": "2026"},
    )
    assert "The date the letter was sent must be a real date" in text(response)
    response = vlo_client.post(
        reverse("letters:mark_sent", args=[letter.pk]),
        {"sent_via": "posted", "sent_on_0": "17", "sent_on_1": "11", "sent_on_2": "2026"},
        follow=True,
    )
    assert "Letter marked as sent and logged as a contact" in text(response)
    letter.refresh_from_db()
    assert letter.sent_at.date() == dt.date(2026, 11, 17)
