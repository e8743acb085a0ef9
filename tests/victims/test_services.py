"""Victim and case services: addresses, deadlines, lifecycle, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.offenders.factories import SentenceFactory, SentenceOffenceFactory
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from victims import services
from victims.models import Address, Case, CaseStatus, ClosureReason, ContactLevel, Relationship, Victim

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


def test_case_on_a_non_qualifying_sentence_is_flagged_not_dropped(vlo):
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
    assert not case.statutory
    assert case.needs_review and "manager" in case.review_reason


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


def test_only_a_manager_approves_a_discretionary_case(vlo, manager):
    case = CaseFactory(team=vlo.team, officer=vlo, statutory=False, needs_review=True, review_reason="x")
    with pytest.raises(ValidationError):
        services.case_approve_discretionary(actor=vlo, case=case)
    case = services.case_approve_discretionary(actor=manager, case=case)
    assert case.discretionary_approved_by == manager and not case.needs_review


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
    services.case_approve_discretionary(actor=manager, case=case)
    case.refresh_from_db()
    assert not case.needs_review and not case.statutory
