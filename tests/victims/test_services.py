"""Victim and case services: addresses, deadlines, lifecycle, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.offenders.factories import SentenceFactory, SentenceOffenceFactory
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from victims import services
from victims.models import (
    Address,
    Case,
    CaseStatus,
    CaseStatusChange,
    ClosureReason,
    ContactLevel,
    DiscretionaryContext,
    Relationship,
    Standing,
    Victim,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2027, 1, 20)

ADDRESS = services.AddressInput(line_1="1 Safe Street", town="Bolton", postcode="bl1 1aa")


def make_victim(vlo, **kwargs):
    defaults = dict(actor=vlo, team=vlo.team, first_name="Sam", last_name="Reed", address=ADDRESS)
    return services.victim_create(**{**defaults, **kwargs})


def qualifying_sentence(vlo, **kwargs):
    sentence = SentenceFactory(offender__team=vlo.team, **kwargs)
    SentenceOffenceFactory(sentence=sentence, offence__specified_violent=True)
    return sentence


def test_victim_create_records_one_current_address_and_audits(vlo):
    victim = make_victim(vlo)
    address = victim.addresses.get()
    assert address.is_current and not address.do_not_use
    assert address.postcode == "BL1 1AA"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="victims.Victim").exists()


def test_child_victim_needs_a_parent_or_guardian(vlo):
    with pytest.raises(ValidationError) as error:
        make_victim(vlo, date_of_birth=dt.date(2015, 5, 1))
    assert "guardian_last_name" in error.value.message_dict
    assert not Victim.objects.exists()


def test_birth_date_in_the_future_is_refused(vlo):
    with pytest.raises(ValidationError) as error:
        make_victim(vlo, date_of_birth=dt.date(2027, 6, 1))
    assert "date_of_birth" in error.value.message_dict


def test_addressee_is_the_guardian_until_the_18th_birthday(vlo):
    victim = make_victim(
        vlo, date_of_birth=dt.date(2009, 3, 1), guardian_first_name="Pat", guardian_last_name="Reed"
    )
    assert victim.addressee_name(dt.date(2027, 2, 28)) == "Pat Reed"
    assert victim.addressee_name(dt.date(2027, 3, 1)) == "Sam Reed"


def test_address_change_keeps_the_old_one_marked_do_not_use(vlo):
    victim = make_victim(vlo)
    old = victim.addresses.get()
    new = services.address_change(
        actor=vlo,
        victim=victim,
        address=services.AddressInput(line_1="9 New Road", town="Wigan", postcode="WN1 1AA"),
        valid_from=dt.date(2027, 1, 10),
    )
    old.refresh_from_db()
    assert (old.is_current, old.do_not_use, old.valid_to) == (False, True, dt.date(2027, 1, 10))
    assert new.is_current
    assert victim.addresses.filter(is_current=True).get() == new


def test_the_database_refuses_two_current_addresses(vlo):
    from django.db import IntegrityError, transaction

    victim = make_victim(vlo)
    with pytest.raises(IntegrityError), transaction.atomic():
        AddressFactory(victim=victim, is_current=True)


def test_case_create_stores_deadlines_with_their_rules(vlo):
    sentence = qualifying_sentence(vlo, sentence_date=dt.date(2026, 12, 1))
    case = services.case_create(
        actor=vlo,
        victim=make_victim(vlo),
        sentence=sentence,
        officer=vlo,
        relationship=Relationship.DIRECT,
        referral_received_on=dt.date(2026, 12, 14),
    )
    # 20 working days from Mon 14 Dec 2026, skipping 25 and 28 Dec and 1 Jan: Thu 14 Jan 2027.
    assert case.first_contact_due == dt.date(2027, 1, 14)
    assert "20 working days" in case.first_contact_rule
    assert case.referral_due and case.escalation_due and case.referral_rule and case.escalation_rule
    assert case.reference.startswith("VCS-2026-")
    assert case.statutory and not case.needs_review
    assert case.status_changes.get().to_status == CaseStatus.REFERRED


def test_case_on_a_non_qualifying_sentence_is_kept_and_says_not_eligible(vlo):
    sentence = SentenceFactory(offender__team=vlo.team, sentence_date=dt.date(2026, 12, 1))
    SentenceOffenceFactory(sentence=sentence, offence__specified_violent=False)
    case = services.case_create(
        actor=vlo,
        victim=make_victim(vlo),
        sentence=sentence,
        officer=vlo,
        relationship=Relationship.DIRECT,
        referral_received_on=dt.date(2026, 12, 14),
    )
    assert not case.statutory and case.is_open
    assert case.standing == Standing.NOT_ELIGIBLE and not case.needs_review


def test_referral_before_the_sentence_is_refused(vlo):
    sentence = qualifying_sentence(vlo, sentence_date=dt.date(2026, 12, 1))
    with pytest.raises(ValidationError) as error:
        services.case_create(
            actor=vlo,
            victim=make_victim(vlo),
            sentence=sentence,
            officer=vlo,
            relationship=Relationship.DIRECT,
            referral_received_on=dt.date(2026, 11, 1),
        )
    assert "referral_received_on" in error.value.message_dict
    assert not Case.objects.exists()


def test_opt_in_needs_a_contact_level(vlo):
    case = CaseFactory(team=vlo.team, officer=vlo, status=CaseStatus.OFFER_SENT)
    with pytest.raises(ValidationError) as error:
        services.case_status_change(
            actor=vlo, case=case, to_status=CaseStatus.OPTED_IN, changed_on=dt.date(2027, 1, 5)
        )
    assert "contact_level" in error.value.message_dict


def test_opt_in_out_and_back_in(vlo):
    case = CaseFactory(team=vlo.team, officer=vlo, status=CaseStatus.OFFER_SENT)
    services.case_status_change(
        actor=vlo,
        case=case,
        to_status=CaseStatus.OPTED_IN,
        changed_on=dt.date(2027, 1, 5),
        contact_level=ContactLevel.ALL_KEY_STAGES,
        how_received="phone",
    )
    services.case_status_change(
        actor=vlo, case=case, to_status=CaseStatus.OPTED_OUT, changed_on=dt.date(2027, 1, 8)
    )
    case = services.case_status_change(
        actor=vlo, case=case, to_status=CaseStatus.OPTED_IN, changed_on=dt.date(2027, 1, 12)
    )
    assert case.status == CaseStatus.OPTED_IN
    assert case.contact_level == ContactLevel.ALL_KEY_STAGES
    assert case.status_changes.count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(case.pk)).count() == 3


def test_first_contact_is_met_when_the_offer_is_sent(vlo):
    case = CaseFactory(team=vlo.team, officer=vlo)
    case = services.case_status_change(
        actor=vlo, case=case, to_status=CaseStatus.OFFER_SENT, changed_on=dt.date(2027, 1, 6)
    )
    assert case.first_contact_on == dt.date(2027, 1, 6)


def test_illegal_transition_is_refused(vlo):
    case = CaseFactory(team=vlo.team, officer=vlo, status=CaseStatus.OPTED_IN, contact_level="annual")
    with pytest.raises(ValidationError) as error:
        services.case_status_change(
            actor=vlo, case=case, to_status=CaseStatus.DECLINED, changed_on=dt.date(2027, 1, 6)
        )
    assert "cannot move to declined" in error.value.message_dict["status"][0]


def test_closing_needs_a_reason(vlo):
    case = CaseFactory(team=vlo.team, officer=vlo)
    with pytest.raises(ValidationError):
        services.case_status_change(
            actor=vlo, case=case, to_status=CaseStatus.CLOSED, changed_on=dt.date(2027, 1, 6)
        )
    case = services.case_status_change(
        actor=vlo,
        case=case,
        to_status=CaseStatus.CLOSED,
        changed_on=dt.date(2027, 1, 6),
        closure_reason=ClosureReason.DUPLICATE,
    )
    assert case.status == CaseStatus.CLOSED


def test_addresses_are_never_changed_by_a_note(vlo):
    """The review note goes to the case history; the address rows are untouched."""
    victim = make_victim(vlo)
    case = CaseFactory(team=vlo.team, officer=vlo, victim=victim, needs_review=True)
    services.case_review_resolve(actor=vlo, case=case, note="Moved to 9 New Road, Wigan")
    assert list(Address.objects.filter(victim=victim).values_list("line_1", flat=True)) == ["1 Safe Street"]


def test_a_vlo_cannot_clear_a_discretionary_flag_without_a_manager(vlo, manager):
    case = CaseFactory(team=vlo.team, officer=vlo, statutory=False, needs_review=True, review_reason="x")
    with pytest.raises(ValidationError) as error:
        services.case_review_resolve(actor=vlo, case=case, note="Looks fine to me")
    assert "manager" in error.value.message_dict["note"][0]
    case.refresh_from_db()
    assert case.needs_review
    services.case_review_resolve(actor=manager, case=case, note="Confirmed not eligible")
    case.refresh_from_db()
    assert not case.needs_review and not case.statutory


# --- the discretionary pathway (DOMAIN.md section 2) ------------------------------------------


def short_sentence(vlo, *, months=10, **offence):
    """Custody under 12 months for a specified violent offence: not statutory by its length."""
    sentence = SentenceFactory(
        offender__team=vlo.team, sentence_date=dt.date(2026, 12, 1), years=None, months=months
    )
    SentenceOffenceFactory(sentence=sentence, offence__specified_violent=True, **offence)
    return sentence


def open_case(vlo, sentence, **kwargs):
    return services.case_create(
        actor=vlo,
        victim=make_victim(vlo),
        sentence=sentence,
        officer=vlo,
        relationship=Relationship.DIRECT,
        referral_received_on=dt.date(2026, 12, 14),
        **kwargs,
    )


def test_a_10_month_domestic_abuse_case_waits_for_a_manager(vlo):
    case = open_case(vlo, short_sentence(vlo), discretionary_context=DiscretionaryContext.DOMESTIC_ABUSE)
    assert not case.statutory and not case.needs_review
    assert case.standing == Standing.AWAITING_DECISION
    assert case.context_text == "domestic abuse"


def test_a_10_month_case_without_a_context_is_not_eligible(vlo):
    case = open_case(vlo, short_sentence(vlo))
    assert case.standing == Standing.NOT_ELIGIBLE


def test_a_theft_case_without_a_context_is_not_eligible(vlo):
    sentence = SentenceFactory(
        offender__team=vlo.team, sentence_date=dt.date(2026, 12, 1), years=None, months=6
    )
    SentenceOffenceFactory(
        sentence=sentence, offence__code="THEFT_T", offence__title="Theft", offence__specified_violent=False
    )
    assert open_case(vlo, sentence).standing == Standing.NOT_ELIGIBLE


def test_another_context_needs_a_reason(vlo):
    with pytest.raises(ValidationError) as error:
        open_case(vlo, short_sentence(vlo), discretionary_context=DiscretionaryContext.OTHER)
    assert "discretionary_context_detail" in error.value.message_dict
    assert not Case.objects.exists()


def test_another_context_is_said_in_its_own_words(vlo):
    case = open_case(
        vlo,
        short_sentence(vlo),
        discretionary_context=DiscretionaryContext.OTHER,
        discretionary_context_detail="threats by a neighbour",
    )
    assert case.context_text == "threats by a neighbour"


def test_a_statutory_case_with_a_context_stays_statutory(vlo):
    case = open_case(vlo, qualifying_sentence(vlo), discretionary_context=DiscretionaryContext.STALKING)
    assert case.statutory and case.standing == Standing.STATUTORY


def test_relationship_says_who_they_are_to_the_person_harmed(vlo):
    case = open_case(vlo, qualifying_sentence(vlo), relation_to_person_harmed="mother ")
    assert case.relation_to_person_harmed == "mother"
    case.relationship = Relationship.BEREAVED
    assert case.relationship_text == "Bereaved family member (mother)"


def test_a_case_from_a_scottish_court_is_refused(vlo):
    sentence = qualifying_sentence(vlo, court="Glasgow High Court")
    with pytest.raises(ValidationError) as error:
        open_case(vlo, sentence)
    assert "Scotland" in error.value.message_dict["court"][0]
    assert not Case.objects.exists()


def test_a_given_reference_takes_no_number_from_the_sequence(vlo):
    first = open_case(vlo, qualifying_sentence(vlo), reference="DRY-RUN-2")
    second = open_case(vlo, qualifying_sentence(vlo))
    third = open_case(vlo, qualifying_sentence(vlo))
    assert first.reference == "DRY-RUN-2"
    assert int(third.reference[-6:]) == int(second.reference[-6:]) + 1


@pytest.fixture
def waiting(vlo):
    return open_case(vlo, short_sentence(vlo), discretionary_context=DiscretionaryContext.DOMESTIC_ABUSE)


def test_manager_approves_with_a_reason_audited_and_on_the_timeline(manager, waiting):
    case = services.case_discretion_decide(
        actor=manager, case=waiting, approve=True, reason="High risk to her"
    )
    assert case.standing == Standing.APPROVED and case.is_open
    assert (case.discretionary_approved_by, case.discretionary_decided_on) == (manager, dt.date(2027, 1, 20))
    assert not case.statutory  # never counted as a statutory breach nor escalated
    assert not Case.objects.first_contact_overdue(dt.date(2030, 1, 1)).filter(pk=case.pk).exists()
    note = CaseStatusChange.objects.filter(case=case).latest("pk")
    assert note.reason == "Discretionary offer approved (domestic abuse): High risk to her"
    assert AuditEvent.objects.filter(object_id=str(case.pk), summary="discretionary approved").exists()


def test_manager_declines_and_the_case_is_closed_without_a_letter(manager, waiting):
    case = services.case_discretion_decide(actor=manager, case=waiting, approve=False, reason="Risk is low")
    assert case.standing == Standing.DECLINED
    assert (case.status, case.closure_reason) == (CaseStatus.CLOSED, ClosureReason.DISCRETION_DECLINED)
    assert case.retention_date is not None
    change = CaseStatusChange.objects.filter(case=case).latest("pk")
    assert change.to_status == CaseStatus.CLOSED and "Closed without a letter" in change.reason
    assert AuditEvent.objects.filter(
        object_id=str(case.pk), summary="discretionary declined, case closed"
    ).exists()


def test_only_a_manager_decides(vlo, waiting):
    with pytest.raises(ValidationError):
        services.case_discretion_decide(actor=vlo, case=waiting, approve=True, reason="Fine")
    waiting.refresh_from_db()
    assert waiting.standing == Standing.AWAITING_DECISION


def test_a_decision_needs_a_reason(manager, waiting):
    with pytest.raises(ValidationError) as error:
        services.case_discretion_decide(actor=manager, case=waiting, approve=True, reason=" ")
    assert "reason" in error.value.message_dict


def test_a_decision_is_made_once(manager, waiting):
    services.case_discretion_decide(actor=manager, case=waiting, approve=True, reason="Yes")
    with pytest.raises(ValidationError):
        services.case_discretion_decide(actor=manager, case=waiting, approve=False, reason="No")


def test_a_case_without_a_context_cannot_be_decided(vlo, manager):
    case = open_case(vlo, short_sentence(vlo))
    with pytest.raises(ValidationError):
        services.case_discretion_decide(actor=manager, case=case, approve=True, reason="Yes")


def test_a_review_cannot_settle_a_waiting_case(manager, waiting):
    with pytest.raises(ValidationError) as error:
        services.case_review_resolve(actor=manager, case=waiting, note="Approved")
    assert "decide" in error.value.message_dict["note"][0]


def test_recording_a_context_later_makes_the_case_wait_and_is_audited(vlo):
    case = open_case(vlo, short_sentence(vlo))
    case = services.case_context_record(actor=vlo, case=case, context=DiscretionaryContext.HATE_CRIME)
    assert case.standing == Standing.AWAITING_DECISION
    assert (
        CaseStatusChange.objects.filter(case=case)
        .latest("pk")
        .reason.startswith("Discretionary context recorded: hate crime")
    )
    assert AuditEvent.objects.filter(
        object_id=str(case.pk), summary="discretionary context recorded"
    ).exists()


def test_a_context_is_not_recorded_on_a_statutory_case(vlo):
    case = open_case(vlo, qualifying_sentence(vlo))
    with pytest.raises(ValidationError):
        services.case_context_record(actor=vlo, case=case, context=DiscretionaryContext.STALKING)


def test_a_context_settles_a_statutory_case_the_rules_no_longer_cover(vlo):
    case = open_case(vlo, short_sentence(vlo))
    Case.objects.filter(pk=case.pk).update(statutory=True, needs_review=True, review_reason="Changed")
    case = services.case_context_record(actor=vlo, case=case, context=DiscretionaryContext.DOMESTIC_ABUSE)
    assert not case.statutory and not case.needs_review
    assert case.standing == Standing.AWAITING_DECISION
