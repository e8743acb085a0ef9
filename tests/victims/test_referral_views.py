"""The referral wizard: question pages, duplicate checks, check your answers, one write at the end."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from offenders.models import Offender, Sentence, SentenceOffence, SentenceType
from tests.offenders.factories import OffenderFactory, SentenceOffenceFactory
from tests.victims.factories import AddressFactory, CaseFactory, VictimFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from victims.models import Address, Case, Standing, Victim
from victims.referrals import SESSION_KEY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.datetime(2027, 1, 5, 10, 0, tzinfo=dt.UTC)  # a Tuesday: the worked example's dates are past
CLOCK_TICKS = True
PNC = "85/7654321B"


def url(step: str) -> str:
    return reverse("victims:referral_step", args=[step])


def date_fields(name: str, day: dt.date | None) -> dict[str, str]:
    if day is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def offender_answers(**changes: Any) -> dict[str, str]:
    data = {
        "first_name": "Darren",
        "last_name": "Hale",
        **date_fields("date_of_birth", dt.date(1985, 6, 1)),
        "pnc_number": "85/7654321b",
        "prison_number": "a1234bc",
        "crn": "X123456",
        "location": "HMP Manchester",
        "mappa_level": "2",
        "offender_manager_name": "Sam Patel",
        "offender_manager_email": "sam.patel@justice.example.gov.uk",
        "offender_manager_phone": "0161 000 0000",
    }
    data.update(changes)
    return data


def sentence_answers(**changes: Any) -> dict[str, str]:
    data = {
        "offence": "OAPA_S18",
        **date_fields("offence_date", dt.date(2026, 8, 1)),
        "sentence_type": SentenceType.DETERMINATE,
        **date_fields("sentence_date", dt.date(2026, 12, 1)),
        "court": "Manchester Crown Court",
        "years": "6",
        "months": "",
        "days": "",
        "offence_2": "",
        **date_fields("offence_2_date", None),
        "offence_2_years": "",
        "offence_2_months": "",
        "offence_2_days": "",
    }
    data.update(changes)
    return data


def victim_answers(**changes: Any) -> dict[str, str]:
    data = {
        "first_name": "Jane",
        "last_name": "Doe",
        **date_fields("date_of_birth", dt.date(1990, 2, 14)),
        "relationship": "direct",
        "guardian_first_name": "",
        "guardian_last_name": "",
        "guardian_relationship": "",
        "line_1": "12 Acacia Avenue",
        "line_2": "",
        "town": "Salford",
        "county": "Greater Manchester",
        "postcode": "m5 4wt",
        "phone": "07700 900123",
        "email": "jane@example.com",
        "preferred_channel": "letter",
        "language": "en",
        "safe_times_to_call": "Weekdays after 6pm",
        "accessibility_needs": "",
        # Monday 14 December 2026: 20 working days later, past Christmas and New Year, is 14 January 2027.
        **date_fields("referral_received_on", dt.date(2026, 12, 14)),
    }
    data.update(changes)
    return data


def answer_all(client: Client) -> None:
    client.get(reverse("victims:referral_start"))
    assert client.post(url("offender"), offender_answers()).url == url("sentence")
    assert client.post(url("sentence"), sentence_answers()).url == url("victim")
    assert client.post(url("victim"), victim_answers()).url == url("check")


def nothing_created() -> bool:
    return not (Offender.objects.exists() or Sentence.objects.exists() or Victim.objects.exists())


@pytest.fixture
def client(vlo_client) -> Client:
    return vlo_client


# --- access ---------------------------------------------------------------------------


def test_anonymous_user_is_sent_to_sign_in():
    response = Client().get(reverse("victims:referral_start"))
    assert response.status_code == 302
    assert reverse("core:login") in response.url


def test_admin_gets_404(admin_client_verified):
    assert admin_client_verified.get(reverse("victims:referral_start")).status_code == 404
    assert admin_client_verified.get(url("offender")).status_code == 404


def test_vlo_starts_on_the_offender_page(client):
    response = client.get(reverse("victims:referral_start"))
    assert response.url == url("offender")
    assert client.get(url("offender")).status_code == 200


def test_unknown_step_is_404(client):
    assert client.get(url("nonsense")).status_code == 404


def test_jumping_ahead_redirects_to_the_first_unanswered_step(client):
    client.get(reverse("victims:referral_start"))
    client.post(url("offender"), offender_answers())
    assert client.get(url("check")).url == url("sentence")
    assert client.get(url("victim")).url == url("sentence")


def test_start_forgets_an_earlier_referral(client):
    client.post(url("offender"), offender_answers())
    client.get(reverse("victims:referral_start"))
    assert client.get(url("sentence")).url == url("offender")


# --- the happy path ----------------------------------------------------------------------


def test_check_page_lists_the_answers(client):
    answer_all(client)
    response = client.get(url("check"))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Check your answers before creating the case",
        "Darren",
        "1 June 1985",
        "85/7654321B",
        "A1234BC",
        "Wounding or causing grievous bodily harm with intent",
        "6 years",
        "Manchester Crown Court",
        "Determinate custody",
        "12 Acacia Avenue",
        "M5 4WT",
        "14 December 2026",
        "Direct victim",
    ):
        assert text in page, text
    assert f'href="{url("sentence")}"' in page
    assert "Create case" in page


def test_creating_the_case_writes_one_of_each_with_the_first_contact_deadline(client, vlo):
    answer_all(client)
    response = client.post(url("check"))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[case.pk])
    assert (Offender.objects.count(), Sentence.objects.count(), Victim.objects.count()) == (1, 1, 1)
    assert Address.objects.count() == 1
    assert SentenceOffence.objects.get().offence.code == "OAPA_S18"
    assert case.officer == vlo
    assert case.team == vlo.team
    assert case.offender.pnc_number == PNC
    assert case.referral_received_on == dt.date(2026, 12, 14)
    # Hand-counted: 15-24 Dec (8), 25 and 28 Dec bank holidays, 29-31 Dec (3), 1 Jan bank holiday,
    # 4-8 Jan (5), 11-14 Jan (4) = 20 working days.
    assert case.first_contact_due == dt.date(2027, 1, 14)


def test_success_message_gives_the_reference_and_due_date(client):
    answer_all(client)
    response = client.post(url("check"), follow=True)
    case = Case.objects.get()
    text = f"Case {case.reference} created. First contact is due by 14 January 2027."
    assert text in [str(m) for m in response.context["messages"]]


def test_answers_are_forgotten_after_the_case_is_created(client):
    answer_all(client)
    client.post(url("check"))
    assert SESSION_KEY not in client.session
    assert client.get(url("check")).url == url("offender")


def test_nothing_is_written_before_create_case(client):
    answer_all(client)
    client.get(url("check"))
    assert nothing_created()
    assert not Case.objects.exists()


def test_second_offence_is_recorded_with_its_own_term(client):
    client.get(reverse("victims:referral_start"))
    client.post(url("offender"), offender_answers())
    second = {
        "offence_2": "OAPA_S20",
        **date_fields("offence_2_date", dt.date(2026, 8, 1)),
        "offence_2_concurrency": "consecutive",
        "offence_2_years": "2",
    }
    assert client.post(url("sentence"), sentence_answers(**second)).url == url("victim")
    client.post(url("victim"), victim_answers())
    client.post(url("check"))
    sentence = Sentence.objects.get()
    counts = list(sentence.counts.order_by("position"))
    assert [c.offence.code for c in counts] == ["OAPA_S18", "OAPA_S20"]
    assert (counts[1].years, counts[1].concurrency) == (2, "consecutive")
    assert sentence.years == 8


def test_change_link_returns_to_check_your_answers(client):
    answer_all(client)
    assert client.get(url("sentence")).status_code == 200
    response = client.post(url("sentence"), sentence_answers(court="Minshull Street Crown Court"))
    assert response.url == url("check")
    assert "Minshull Street Crown Court" in client.get(url("check")).content.decode()


# --- bad answers: an error beside the field, nothing created -----------------------------------


def field_errors(response, name: str) -> list[str]:
    return response.context["form"].errors.get(name, [])


def test_sentence_before_the_offence_is_an_error_on_the_sentence_date(client):
    client.post(url("offender"), offender_answers())
    response = client.post(
        url("sentence"), sentence_answers(**date_fields("sentence_date", dt.date(2026, 7, 1)))
    )
    assert response.status_code == 200
    assert field_errors(response, "sentence_date") == [
        "The sentence date must be on or after the offence date (1 August 2026)"
    ]
    assert "govuk-error-summary" in response.content.decode()


def test_future_birth_date_is_an_error(client):
    response = client.post(
        url("offender"), offender_answers(**date_fields("date_of_birth", dt.date(2027, 3, 1)))
    )
    assert field_errors(response, "date_of_birth") == ["The date of birth must be in the past"]
    assert 'href="#id_date_of_birth_0"' in response.content.decode()


def test_impossible_date_is_an_error(client):
    response = client.post(url("offender"), offender_answers(date_of_birth_0="31", date_of_birth_1="2"))
    assert field_errors(response, "date_of_birth") == ["The date of birth must be a real date"]


def test_partial_date_names_the_missing_part(client):
    response = client.post(url("offender"), offender_answers(date_of_birth_1=""))
    assert field_errors(response, "date_of_birth") == ["The date of birth must include a month"]


def test_determinate_sentence_without_a_length_is_an_error(client):
    client.post(url("offender"), offender_answers())
    response = client.post(url("sentence"), sentence_answers(years=""))
    assert field_errors(response, "years") == ["Enter the length of the sentence in years, months or days"]


def test_life_sentence_needs_no_length(client):
    client.post(url("offender"), offender_answers())
    response = client.post(
        url("sentence"), sentence_answers(offence="MURDER", sentence_type="life", years="")
    )
    assert response.status_code == 302


def test_unknown_offence_is_an_error(client):
    client.post(url("offender"), offender_answers())
    response = client.post(url("sentence"), sentence_answers(offence="NOT_AN_OFFENCE"))
    assert field_errors(response, "offence") == [
        "Choose an offence from the catalogue: that offence is not in it"
    ]


def test_missing_required_answers_are_errors(client):
    response = client.post(url("offender"), {})
    assert field_errors(response, "first_name") == ["Enter the offender's first name"]
    assert field_errors(response, "last_name") == ["Enter the offender's last name"]
    assert field_errors(response, "date_of_birth") == ["Enter the date of birth"]
    client.post(url("offender"), offender_answers())
    client.post(url("sentence"), sentence_answers())
    response = client.post(url("victim"), {})
    assert field_errors(response, "relationship") == ["Choose the victim's relationship to the offence"]
    assert field_errors(response, "line_1") == ["Enter address line 1, typically the building and street"]
    assert field_errors(response, "referral_received_on") == ["Enter the date the referral was received"]
    assert 'href="#id_relationship_1"' in response.content.decode()
    assert nothing_created()


def test_child_victim_needs_a_parent_or_guardian(client):
    client.post(url("offender"), offender_answers())
    client.post(url("sentence"), sentence_answers())
    response = client.post(url("victim"), victim_answers(**date_fields("date_of_birth", dt.date(2015, 5, 1))))
    assert field_errors(response, "guardian_last_name") == [
        "Enter the parent or guardian's name: the victim is under 18"
    ]


def test_service_rule_broken_at_create_is_shown_on_its_step_and_nothing_is_saved(client):
    """The referral date before the sentence date is a cross-step rule only case_create checks."""
    client.post(url("offender"), offender_answers())
    client.post(url("sentence"), sentence_answers(**date_fields("sentence_date", dt.date(2026, 12, 16))))
    client.post(url("victim"), victim_answers())
    response = client.post(url("check"))
    assert response.url == url("victim")
    page = client.get(url("victim"))
    assert field_errors(page, "referral_received_on") == [
        "The referral date must be on or after the sentence date"
    ]
    assert nothing_created()
    assert not Case.objects.exists()


# --- duplicate offenders --------------------------------------------------------------------


def test_visible_pnc_match_must_be_reused(client, vlo):
    existing = OffenderFactory(team=vlo.team, pnc_number=PNC, first_name="Darren", last_name="Hale")
    response = client.post(url("offender"), offender_answers(first_name="Daz"))
    assert response.url == url("offender-duplicate")
    page = client.get(url("offender-duplicate")).content.decode()
    assert "This offender may already be recorded" in page
    assert "Record a new offender" not in page
    assert client.post(url("offender-duplicate"), {"offender": str(existing.pk)}).url == url("sentence")
    client.post(url("sentence"), sentence_answers())
    client.post(url("victim"), victim_answers())
    client.post(url("check"))
    assert Offender.objects.count() == 1
    assert Case.objects.get().offender == existing


def test_pnc_match_cannot_be_replaced_by_a_new_offender(client, vlo):
    OffenderFactory(team=vlo.team, pnc_number=PNC)
    client.post(url("offender"), offender_answers())
    response = client.post(url("offender-duplicate"), {"offender": "new"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Offender.objects.count() == 1


def test_name_and_birth_date_match_offers_a_choice(client, vlo):
    OffenderFactory(
        team=vlo.team, first_name="DARREN", last_name="hale", date_of_birth=dt.date(1985, 6, 1), pnc_number=""
    )
    client.post(url("offender"), offender_answers(pnc_number=""))
    page = client.get(url("offender-duplicate")).content.decode()
    assert "No, record a new offender" in page
    assert client.post(url("offender-duplicate"), {"offender": "new"}).url == url("sentence")
    client.post(url("sentence"), sentence_answers())
    client.post(url("victim"), victim_answers())
    client.post(url("check"))
    assert Offender.objects.count() == 2


def test_pnc_held_by_another_region_is_an_error_and_nothing_is_created(client, team_b1):
    OffenderFactory(team=team_b1, pnc_number=PNC, first_name="Someone", last_name="Else")
    response = client.post(url("offender"), offender_answers())
    assert response.status_code == 200
    assert field_errors(response, "pnc_number") == [
        "An offender with this PNC number is recorded by another team. "
        "Ask your manager to arrange a transfer."
    ]
    assert "Someone" not in response.content.decode()
    assert client.get(url("sentence")).url == url("offender")
    assert Offender.objects.count() == 1


def test_outsider_is_not_offered_an_offender_they_cannot_see(outsider_client, team_a1):
    hidden = OffenderFactory(
        team=team_a1, first_name="Darren", last_name="Hale", date_of_birth=dt.date(1985, 6, 1)
    )
    response = outsider_client.post(url("offender"), offender_answers(pnc_number=""))
    assert response.url == url("sentence")
    forged = outsider_client.post(url("offender-duplicate"), {"offender": str(hidden.pk)})
    assert forged.url == url("sentence")
    outsider_client.post(url("sentence"), sentence_answers())
    outsider_client.post(url("victim"), victim_answers())
    outsider_client.post(url("check"))
    assert Case.objects.get().offender != hidden


def test_reused_offender_offers_their_existing_sentences(client, vlo):
    existing = OffenderFactory(team=vlo.team, pnc_number=PNC)
    sentence = SentenceOffenceFactory(sentence__offender=existing, sentence__created_by=vlo).sentence
    client.post(url("offender"), offender_answers())
    assert client.post(url("offender-duplicate"), {"offender": str(existing.pk)}).url == url(
        "existing-sentence"
    )
    assert client.post(url("existing-sentence"), {"sentence": str(sentence.pk)}).url == url("victim")
    client.post(url("victim"), victim_answers(**date_fields("referral_received_on", dt.date(2026, 4, 1))))
    client.post(url("check"))
    assert Sentence.objects.count() == 1
    assert Case.objects.get().sentence == sentence


def test_duplicate_check_is_audited_without_names(client):
    client.post(url("offender"), offender_answers())
    client.post(url("sentence"), sentence_answers())
    client.post(url("victim"), victim_answers())
    events = AuditEvent.objects.filter(action=AuditAction.SEARCH, summary="duplicate check")
    assert sorted(events.values_list("object_type", flat=True)) == ["offenders.Offender", "victims.Victim"]
    assert not AuditEvent.objects.filter(summary__icontains="Hale").exists()


# --- duplicate victims -------------------------------------------------------------------


def test_matching_victim_is_offered_and_can_be_reused(client, vlo):
    existing = VictimFactory(
        team=vlo.team, first_name="jane", last_name="DOE", date_of_birth=dt.date(1990, 2, 14)
    )
    AddressFactory(victim=existing)
    client.post(url("offender"), offender_answers())
    client.post(url("sentence"), sentence_answers())
    assert client.post(url("victim"), victim_answers()).url == url("victim-duplicate")
    page = client.get(url("victim-duplicate")).content.decode()
    assert "This victim may already be recorded" in page
    assert client.post(url("victim-duplicate"), {"victim": str(existing.pk)}).url == url("check")
    assert "Existing record: jane DOE" in client.get(url("check")).content.decode()
    client.post(url("check"))
    assert Victim.objects.count() == 1
    assert Case.objects.get().victim == existing


def test_victim_with_a_case_on_the_same_sentence_is_blocked(client, vlo):
    case = CaseFactory(team=vlo.team, officer=vlo, offender__pnc_number=PNC)
    victim = case.victim
    SentenceOffenceFactory(sentence=case.sentence)
    client.post(url("offender"), offender_answers())
    client.post(url("offender-duplicate"), {"offender": str(case.offender.pk)})
    client.post(url("existing-sentence"), {"sentence": str(case.sentence.pk)})
    answers = victim_answers(
        first_name=victim.first_name,
        last_name=victim.last_name,
        **date_fields("date_of_birth", victim.date_of_birth),
        **date_fields("referral_received_on", dt.date(2026, 4, 1)),
    )
    assert client.post(url("victim"), answers).url == url("victim-duplicate")
    response = client.post(url("victim-duplicate"), {"victim": str(victim.pk)})
    assert response.status_code == 200
    assert f"already has a case for this sentence ({case.reference})" in field_errors(response, "victim")[0]
    assert Case.objects.count() == 1


# --- managers ------------------------------------------------------------------------------


def test_manager_chooses_the_vlo_who_holds_the_case(manager_client, vlo):
    assert manager_client.get(reverse("victims:referral_start")).url == url("officer")
    assert manager_client.post(url("officer"), {"officer": str(vlo.pk)}).url == url("offender")
    manager_client.post(url("offender"), offender_answers())
    manager_client.post(url("sentence"), sentence_answers())
    manager_client.post(url("victim"), victim_answers())
    manager_client.post(url("check"))
    case = Case.objects.get()
    assert case.officer == vlo
    assert case.team == vlo.team


def test_manager_cannot_choose_a_vlo_outside_their_teams(manager_client, other_team_vlo):
    response = manager_client.post(url("officer"), {"officer": str(other_team_vlo.pk)})
    assert response.status_code == 200
    assert response.context["form"].errors["officer"] == ["Choose a VLO from the list"]


# --- the discretionary context, the relationship and the court's jurisdiction -----------------


def answer_to_victim(client: Client, **sentence: Any) -> None:
    client.get(reverse("victims:referral_start"))
    client.post(url("offender"), offender_answers())
    assert client.post(url("sentence"), sentence_answers(**sentence)).url == url("victim")


def test_a_10_month_domestic_abuse_referral_waits_for_a_manager(client):
    answer_to_victim(client, offence="OAPA_S47", years="", months="10")
    assert client.post(url("victim"), victim_answers(discretionary_context="domestic_abuse")).url == url(
        "check"
    )
    assert "Domestic abuse" in client.get(url("check")).content.decode()
    client.post(url("check"))
    case = Case.objects.get()
    assert not case.statutory and case.standing == Standing.AWAITING_DECISION
    assert case.context_text == "domestic abuse"


def test_no_context_chosen_records_none(client):
    answer_all(client)
    client.post(url("check"))
    assert Case.objects.get().discretionary_context == ""


def test_another_context_must_say_what(client):
    answer_to_victim(client)
    response = client.post(url("victim"), victim_answers(discretionary_context="other"))
    assert field_errors(response, "discretionary_context_detail") == ["Say what the other context is"]


def test_another_context_is_kept_in_its_own_words(client):
    answer_to_victim(client, offence="OAPA_S47", years="", months="10")
    client.post(
        url("victim"),
        victim_answers(discretionary_context="other", discretionary_context_detail="Threats by a neighbour"),
    )
    client.post(url("check"))
    assert Case.objects.get().context_text == "Threats by a neighbour"


def test_relationship_says_who_they_are_to_the_person_harmed(client):
    answer_to_victim(client)
    client.post(url("victim"), victim_answers(relationship="bereaved", relation_to_person_harmed="son"))
    assert "Bereaved family member (son)" in client.get(url("check")).content.decode()
    client.post(url("check"))
    assert Case.objects.get().relationship_text == "Bereaved family member (son)"


def test_a_scottish_court_is_refused_on_the_sentence_page(client):
    client.get(reverse("victims:referral_start"))
    client.post(url("offender"), offender_answers())
    response = client.post(url("sentence"), sentence_answers(court="Glasgow High Court"))
    [message] = field_errors(response, "court")
    assert message.startswith("Glasgow High Court is a court in Scotland.")
    assert "courts in England and Wales" in message


def test_a_welsh_court_is_accepted(client):
    answer_to_victim(client, court="Cardiff Crown Court")


def test_the_offender_step_calls_the_pnc_number_optional_and_works_without_it(client):
    client.get(reverse("victims:referral_start"))
    page = client.get(url("offender")).content.decode()
    assert "PNC number (optional)" in page
    assert client.post(url("offender"), offender_answers(pnc_number="")).url == url("sentence")


def test_two_consecutive_8_month_counts_are_recorded_as_16_months(client):
    answer_to_victim(
        client,
        offence="OAPA_S47",
        years="",
        months="8",
        offence_2="OAPA_S47",
        offence_2_concurrency="consecutive",
        offence_2_months="8",
    )
    client.post(url("victim"), victim_answers())
    client.post(url("check"))
    case = Case.objects.get()
    assert (case.sentence.years, case.sentence.months) == (1, 4)
    assert case.statutory
