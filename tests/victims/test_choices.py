"""The victim's choices: services, their timeline rows and audit, the pages and the case-page panel."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from vcs_portal.core.models import AuditAction, AuditEvent
from victims import choices
from victims.models import (
    Address,
    Case,
    CaseStatus,
    CaseStatusChange,
    Channel,
    ChoiceKind,
    ClosureReason,
    ContactLevel,
    Language,
    RestrictionKind,
    SafetyConcern,
    Victim,
    VictimChoice,
    VictimRestriction,
)
from victims.services import AddressInput, case_review_resolve
from victims.templatetags import choice_tags

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2026, 5, 20)
OLD_LINE, OLD_POSTCODE = "1 Acacia Avenue", "M5 4WT"
NEW_ADDRESS = AddressInput(line_1="22 Hidden Lane", town="Bolton", postcode="bl1 1aa")
PHONE, EMAIL = "07700 900999", "sam.secret@example.com"
# Audit rows that record a read or a refused read, not a change.
READS = [AuditAction.VIEW, AuditAction.DENIED]
CONCERN = "He was seen outside my sister's house on Tuesday"


@pytest.fixture
def make_case(make_case):
    """A case held by Alice, with a qualifying offence and the victim's old address."""
    address = {"line_1": OLD_LINE, "postcode": OLD_POSTCODE, "valid_from": dt.date(2020, 1, 1)}
    return partial(make_case, offence=True, address=address)


@pytest.fixture
def case(make_case):
    return make_case(victim__first_name="Sam", victim__last_name="Reed", reference="VCS-2026-000001")


@pytest.fixture
def opted_in(make_case):
    return make_case(
        reference="VCS-2026-000002", status=CaseStatus.OPTED_IN, contact_level=ContactLevel.ANNUAL
    )


def add_restriction(case, user, kind=RestrictionKind.DO_NOT_PHONE, detail="", **kwargs):
    return VictimRestriction.objects.create(
        victim=case.victim, kind=kind, detail=detail, added_by=user, added_on=dt.date(2026, 5, 1), **kwargs
    )


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def writes() -> tuple[int, ...]:
    """Counts of everything a choice can write (reads are audited too, so those rows are left out)."""
    return (
        Address.objects.count(),
        VictimChoice.objects.count(),
        VictimRestriction.objects.filter(lifted_at__isnull=False).count(),
        VictimRestriction.objects.count(),
        SafetyConcern.objects.count(),
        CaseStatusChange.objects.count(),
        AuditEvent.objects.exclude(action__in=READS).count(),
    )


def last_choice() -> VictimChoice:
    return VictimChoice.objects.latest("pk")


def last_audit() -> AuditEvent:
    return AuditEvent.objects.exclude(action__in=READS).latest("pk")


def assert_error_page(response, message: str) -> None:
    text = page_text(response)
    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in text
    assert "<title>Error: " in text
    assert message in text


def audit_text(event: AuditEvent) -> str:
    return f"{event.summary} {event.object_type} {event.object_id} {event.path}".lower()


# --- address ---------------------------------------------------------------------------------


def change_address(case, vlo, **kwargs):
    kwargs.setdefault("address", NEW_ADDRESS)
    kwargs.setdefault("valid_from", dt.date(2026, 5, 18))
    return choices.choice_address_change(actor=vlo, case=case, **kwargs)


def test_address_change_makes_the_new_address_current(case, vlo):
    change_address(case, vlo)
    assert case.victim.addresses.get(is_current=True).line_1 == "22 Hidden Lane"


def test_address_change_keeps_the_old_address_marked_do_not_use(case, vlo):
    old_pk = case.victim.addresses.get(is_current=True).pk
    change_address(case, vlo)
    old = case.victim.addresses.get(pk=old_pk)  # contact details are encrypted: look up by key
    assert old.line_1 == OLD_LINE
    assert (old.is_current, old.do_not_use, old.valid_to) == (False, True, dt.date(2026, 5, 18))


def test_address_change_leaves_exactly_one_current_address(case, vlo):
    change_address(case, vlo)
    change_address(case, vlo, address=AddressInput(line_1="3 Third Street", town="Wigan", postcode="WN1 1AA"))
    assert case.victim.addresses.count() == 3
    assert case.victim.addresses.filter(is_current=True).count() == 1


def test_address_change_timeline_summary_holds_no_address(case, vlo):
    change_address(case, vlo, how_received="phone")
    choice = last_choice()
    assert choice.kind == ChoiceKind.ADDRESS and choice.how_received == "by phone"
    assert choice.summary == (
        "Safe address changed from 18 May 2026; the old address is kept and marked do not use"
    )
    for secret in (OLD_LINE, OLD_POSTCODE, "Hidden Lane", "Bolton", "BL1"):
        assert secret.lower() not in choice.summary.lower()


def test_address_change_audit_names_the_field_without_the_address(case, vlo):
    change_address(case, vlo)
    event = last_audit()
    assert (event.actor, event.action, event.summary) == (vlo, AuditAction.UPDATE, "safe address changed")
    assert "hidden lane" not in audit_text(event) and "bl1" not in audit_text(event)


def test_address_change_with_a_future_move_date_changes_nothing(case, vlo):
    before = writes()
    with pytest.raises(ValidationError) as exc:
        change_address(case, vlo, valid_from=TODAY + dt.timedelta(days=1))
    assert "valid_from" in exc.value.error_dict
    assert writes() == before


def test_address_change_dated_before_the_current_address_began_changes_nothing(case, vlo):
    before = writes()
    with pytest.raises(ValidationError, match="on or after 1 January 2020"):
        change_address(case, vlo, valid_from=dt.date(2019, 12, 31))
    assert writes() == before


def test_a_review_note_containing_an_address_changes_no_address(case, vlo):
    case.needs_review = True
    case.save()
    before = list(Address.objects.values())
    case_review_resolve(actor=vlo, case=case, note="Victim moved to 22 Hidden Lane, Bolton BL1 1AA")
    assert list(Address.objects.values()) == before


def test_an_opt_out_note_containing_an_address_changes_no_address(opted_in, vlo):
    before = list(Address.objects.values())
    choices.choice_opt_out(actor=vlo, case=opted_in, received_on=TODAY, reason="New address 22 Hidden Lane")
    assert list(Address.objects.values()) == before
    assert "Hidden Lane" not in last_choice().summary


# --- preferences -----------------------------------------------------------------------------


def change_preferences(case, vlo, **changes):
    victim = Victim.objects.get(pk=case.victim_id)
    answers = {
        name: getattr(victim, name)
        for name in ("preferred_channel", "language", "phone", "email", "safe_times_to_call")
    }
    answers["accessibility_needs"] = victim.accessibility_needs
    answers.update(changes)
    return choices.choice_preferences(actor=vlo, case=case, received_on=TODAY, how_received="", **answers)


def test_the_large_print_preference_is_saved_and_audited(case, vlo):
    change_preferences(case, vlo, large_print=True)
    assert Victim.objects.get(pk=case.victim_id).large_print is True
    assert AuditEvent.objects.filter(
        object_type="victims.Victim", action=AuditAction.UPDATE, summary="preferences changed: large_print"
    ).exists()
    change_preferences(case, vlo, safe_times_to_call="Mornings")  # not given: left as it is
    assert Victim.objects.get(pk=case.victim_id).large_print is True


def test_preferences_update_the_victim(case, vlo):
    change_preferences(
        case, vlo, preferred_channel=Channel.PHONE, phone=PHONE, safe_times_to_call="After 6pm"
    )
    victim = Victim.objects.get(pk=case.victim_id)
    assert (victim.preferred_channel, victim.phone, victim.safe_times_to_call) == (
        Channel.PHONE,
        PHONE,
        "After 6pm",
    )


def test_a_channel_change_is_recorded_from_old_to_new(case, vlo):
    change_preferences(case, vlo, preferred_channel=Channel.VISIT)
    choice = last_choice()
    assert (choice.kind, choice.summary) == (ChoiceKind.CHANNEL, "Preferred contact: Letter → Visit")


def test_a_language_change_is_recorded_from_old_to_new(case, vlo):
    change_preferences(case, vlo, language=Language.WELSH)
    choice = last_choice()
    assert (choice.kind, choice.summary) == (ChoiceKind.LANGUAGE, "Language: English → Welsh (Cymraeg)")


def test_each_changed_choice_gets_its_own_timeline_row(case, vlo):
    change_preferences(case, vlo, preferred_channel=Channel.VISIT, language=Language.WELSH, email=EMAIL)
    assert sorted(VictimChoice.objects.values_list("kind", flat=True)) == sorted(
        [ChoiceKind.CHANNEL, ChoiceKind.LANGUAGE, ChoiceKind.CHANNEL]
    )


def test_contact_details_changes_name_the_fields_without_their_values(case, vlo):
    change_preferences(case, vlo, phone=PHONE, email=EMAIL, accessibility_needs="Hearing loop")
    choice = last_choice()
    assert choice.summary == "Contact details updated: phone number, email address, accessibility needs"
    for secret in (PHONE, EMAIL, "Hearing loop"):
        assert secret not in choice.summary


def test_preferences_audit_names_fields_without_values(case, vlo):
    change_preferences(case, vlo, phone=PHONE, email=EMAIL)
    event = last_audit()
    assert (event.actor, event.action) == (vlo, AuditAction.UPDATE)
    assert event.summary == "preferences changed: phone, email"
    assert "07700" not in audit_text(event) and "secret" not in audit_text(event)


def test_preferences_with_nothing_changed_are_refused(case, vlo):
    before = writes()
    with pytest.raises(ValidationError, match="Nothing has changed"):
        change_preferences(case, vlo)
    assert writes() == before


def test_preferring_phone_calls_needs_a_phone_number(case, vlo):
    with pytest.raises(ValidationError) as exc:
        change_preferences(case, vlo, preferred_channel=Channel.PHONE, phone="")
    assert "phone" in exc.value.error_dict


def test_preferring_phone_calls_is_refused_while_do_not_phone_is_in_place(case, vlo):
    add_restriction(case, vlo, RestrictionKind.DO_NOT_PHONE)
    with pytest.raises(ValidationError) as exc:
        change_preferences(case, vlo, preferred_channel=Channel.PHONE, phone=PHONE)
    assert "preferred_channel" in exc.value.error_dict
    assert Victim.objects.get(pk=case.victim_id).preferred_channel == Channel.LETTER


# --- level of contact --------------------------------------------------------------------------


def test_contact_level_change_sets_the_case_level(opted_in, vlo):
    choices.choice_contact_level(
        actor=vlo, case=opted_in, contact_level=ContactLevel.ALL_KEY_STAGES, received_on=TODAY
    )
    assert Case.objects.get(pk=opted_in.pk).contact_level == ContactLevel.ALL_KEY_STAGES


def test_contact_level_change_is_recorded_from_old_to_new_and_audited(opted_in, vlo):
    choices.choice_contact_level(
        actor=vlo, case=opted_in, contact_level=ContactLevel.ALL_KEY_STAGES, received_on=TODAY
    )
    choice = last_choice()
    assert (choice.kind, choice.summary) == (
        ChoiceKind.CONTACT_LEVEL,
        "Level of contact: Annual letter → All key stages",
    )
    event = last_audit()
    assert (event.actor, event.object_type, event.summary) == (vlo, "victims.Case", "contact level changed")


def test_choosing_the_same_level_of_contact_is_refused(opted_in, vlo):
    with pytest.raises(ValidationError) as exc:
        choices.choice_contact_level(
            actor=vlo, case=opted_in, contact_level=ContactLevel.ANNUAL, received_on=TODAY
        )
    assert "contact_level" in exc.value.error_dict


# --- opting in and out ---------------------------------------------------------------------------


def test_opt_in_moves_the_case_to_opted_in_at_the_chosen_level(case, vlo):
    choices.choice_opt_in(
        actor=vlo,
        case=case,
        contact_level=ContactLevel.ALL_KEY_STAGES,
        received_on=TODAY,
        how_received="letter",
    )
    case.refresh_from_db()
    assert (case.status, case.contact_level) == (CaseStatus.OPTED_IN, ContactLevel.ALL_KEY_STAGES)
    assert CaseStatusChange.objects.filter(case=case, to_status=CaseStatus.OPTED_IN).exists()


def test_opt_in_records_a_timeline_choice_and_an_audit_row(case, vlo):
    choices.choice_opt_in(
        actor=vlo,
        case=case,
        contact_level=ContactLevel.ALL_KEY_STAGES,
        received_on=TODAY,
        how_received="letter",
    )
    choice = last_choice()
    assert (choice.kind, choice.summary, choice.how_received) == (
        ChoiceKind.OPT_IN,
        "Opted in. Level of contact: All key stages",
        "by letter",
    )
    assert last_audit().summary == "status: opted_in"


def test_opt_in_without_a_level_of_contact_changes_nothing(case, vlo):
    before = writes()
    with pytest.raises(ValidationError) as exc:
        choices.choice_opt_in(actor=vlo, case=case, contact_level="", received_on=TODAY)
    assert "contact_level" in exc.value.error_dict
    assert writes() == before
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REFERRED


def test_opt_out_moves_the_case_and_records_the_choice(opted_in, vlo):
    choices.choice_opt_out(actor=vlo, case=opted_in, received_on=TODAY, how_received="phone")
    assert Case.objects.get(pk=opted_in.pk).status == CaseStatus.OPTED_OUT
    choice = last_choice()
    assert (choice.kind, choice.how_received) == (ChoiceKind.OPT_OUT, "by phone")
    assert last_audit().summary == "status: opted_out"


def test_opting_back_in_is_recorded_as_back_in(opted_in, vlo):
    choices.choice_opt_out(actor=vlo, case=opted_in, received_on=TODAY)
    choices.choice_opt_in(actor=vlo, case=opted_in, contact_level=ContactLevel.ANNUAL, received_on=TODAY)
    assert Case.objects.get(pk=opted_in.pk).status == CaseStatus.OPTED_IN
    assert last_choice().summary == "Opted back in. Level of contact: Annual letter"


def test_opt_out_of_a_case_not_opted_in_is_refused(case, vlo):
    before = writes()
    with pytest.raises(ValidationError):
        choices.choice_opt_out(actor=vlo, case=case, received_on=TODAY)
    assert writes() == before


# --- restrictions ---------------------------------------------------------------------------------


def test_restriction_add_creates_an_active_restriction_with_a_timeline_row(case, vlo):
    restriction = choices.restriction_add(actor=vlo, case=case, kind=RestrictionKind.DO_NOT_PHONE)
    assert restriction.is_active and restriction.victim == case.victim and restriction.added_by == vlo
    choice = last_choice()
    assert (choice.kind, choice.summary) == (ChoiceKind.RESTRICTION_ADDED, "Restriction added: Do not phone")


def test_restriction_add_is_audited_without_its_detail(case, vlo):
    restriction = choices.restriction_add(
        actor=vlo, case=case, kind=RestrictionKind.OTHER, detail="Never via her sister on 07700 900111"
    )
    event = last_audit()
    assert (event.action, event.object_id, event.summary) == (
        AuditAction.CREATE,
        str(restriction.pk),
        "restriction added: other",
    )
    assert last_choice().summary == "Restriction added: Other restriction"


def test_a_second_active_restriction_of_the_same_kind_is_refused(case, vlo):
    first = add_restriction(case, vlo, RestrictionKind.DO_NOT_PHONE, detail="Her partner answers")
    before = writes()
    with pytest.raises(ValidationError, match="This restriction is already in place"):
        choices.restriction_add(actor=vlo, case=case, kind=RestrictionKind.DO_NOT_PHONE, detail="Replaced")
    assert writes() == before
    first.refresh_from_db()
    assert first.detail == "Her partner answers" and first.is_active


def test_other_restrictions_may_be_added_more_than_once(case, vlo):
    choices.restriction_add(actor=vlo, case=case, kind=RestrictionKind.OTHER, detail="First")
    choices.restriction_add(actor=vlo, case=case, kind=RestrictionKind.OTHER, detail="Second")
    assert case.victim.restrictions.filter(kind=RestrictionKind.OTHER, lifted_at__isnull=True).count() == 2


def test_an_other_restriction_needs_its_detail(case, vlo):
    with pytest.raises(ValidationError) as exc:
        choices.restriction_add(actor=vlo, case=case, kind=RestrictionKind.OTHER, detail=" ")
    assert "detail" in exc.value.error_dict


def test_adding_a_restriction_or_a_note_leaves_existing_restrictions_unchanged(case, vlo):
    first = add_restriction(case, vlo, RestrictionKind.ADDRESS_CONFIDENTIAL, detail="Fled the family home")
    before = list(VictimRestriction.objects.filter(pk=first.pk).values())
    choices.restriction_add(
        actor=vlo, case=case, kind=RestrictionKind.OTHER, detail="Address no longer secret"
    )
    case.needs_review = True
    case.save()
    case_review_resolve(actor=vlo, case=case, note="Address confidential lifted, she says")
    assert list(VictimRestriction.objects.filter(pk=first.pk).values()) == before


def test_lifting_a_restriction_requires_a_reason(case, vlo):
    restriction = add_restriction(case, vlo)
    before = writes()
    with pytest.raises(ValidationError) as exc:
        choices.restriction_lift(actor=vlo, case=case, restriction=restriction, reason="  ")
    assert "reason" in exc.value.error_dict
    assert writes() == before


def test_lifting_records_who_when_and_why_and_keeps_the_row(case, vlo):
    restriction = add_restriction(case, vlo, detail="Partner answers")
    choices.restriction_lift(actor=vlo, case=case, restriction=restriction, reason="Victim asked")
    restriction.refresh_from_db()
    assert restriction.lifted_by == vlo and restriction.lifted_reason == "Victim asked"
    assert restriction.lifted_at is not None and restriction.detail == "Partner answers"
    assert VictimRestriction.objects.filter(pk=restriction.pk).exists()
    assert last_choice().summary == "Restriction lifted: Do not phone"
    assert last_audit().summary == "restriction lifted: do_not_phone"


def test_a_lifted_restriction_can_be_added_again(case, vlo):
    restriction = add_restriction(case, vlo)
    choices.restriction_lift(actor=vlo, case=case, restriction=restriction, reason="Victim asked")
    choices.restriction_add(actor=vlo, case=case, kind=RestrictionKind.DO_NOT_PHONE)
    assert case.victim.restrictions.filter(kind=RestrictionKind.DO_NOT_PHONE).count() == 2


def test_lifting_a_lifted_restriction_is_refused(case, vlo):
    restriction = add_restriction(case, vlo)
    choices.restriction_lift(actor=vlo, case=case, restriction=restriction, reason="Victim asked")
    with pytest.raises(ValidationError, match="already been lifted"):
        choices.restriction_lift(actor=vlo, case=case, restriction=restriction, reason="Again")


def test_lifting_another_victims_restriction_is_refused(case, make_case, vlo):
    other = add_restriction(make_case(), vlo)
    with pytest.raises(ValidationError):
        choices.restriction_lift(actor=vlo, case=case, restriction=other, reason="Wrong victim")
    assert VictimRestriction.objects.get(pk=other.pk).is_active


# --- safety concerns -------------------------------------------------------------------------------


def test_safety_concern_is_recorded_and_the_timeline_does_not_hold_its_text(case, vlo):
    concern = choices.safety_concern_record(
        actor=vlo, case=case, raised_on=dt.date(2026, 5, 19), description=CONCERN
    )
    assert concern.description == CONCERN and not concern.share_with_offender_manager
    choice = last_choice()
    assert choice.kind == ChoiceKind.SAFETY_CONCERN and choice.summary.startswith("Safety concern recorded")
    assert "sister" not in choice.summary.lower() and "tuesday" not in choice.summary.lower()


def test_safety_concern_audit_holds_no_description(case, vlo):
    concern = choices.safety_concern_record(actor=vlo, case=case, raised_on=TODAY, description=CONCERN)
    event = last_audit()
    assert (event.action, event.object_id, event.summary) == (
        AuditAction.CREATE,
        str(concern.pk),
        "safety concern recorded",
    )
    assert "sister" not in audit_text(event)


def test_safety_concern_raised_in_the_future_is_refused(case, vlo):
    with pytest.raises(ValidationError) as exc:
        choices.safety_concern_record(
            actor=vlo, case=case, raised_on=TODAY + dt.timedelta(days=1), description=CONCERN
        )
    assert "raised_on" in exc.value.error_dict


def test_choices_on_a_closed_case_are_refused(make_case, vlo):
    closed = make_case(status=CaseStatus.CLOSED, closure_reason=ClosureReason.OTHER)
    before = writes()
    with pytest.raises(ValidationError, match="This case is closed"):
        choices.restriction_add(actor=vlo, case=closed, kind=RestrictionKind.DO_NOT_PHONE)
    with pytest.raises(ValidationError, match="This case is closed"):
        change_address(closed, vlo)
    assert writes() == before


# --- pages: access -------------------------------------------------------------------------------------

PAGES = [
    "address_change",
    "preferences",
    "contact_level",
    "opt_in",
    "restriction_add",
    "restriction_lift",
    "safety_concern_add",
]


def url(name: str, case: Case, restriction: VictimRestriction | None = None) -> str:
    if name == "restriction_lift":
        return reverse("victims:restriction_lift", args=[case.pk, restriction.pk])
    return reverse(f"victims:{name}", args=[case.pk])


@pytest.fixture
def restriction(case, vlo):
    return add_restriction(case, vlo)


@pytest.mark.parametrize("name", [*PAGES, "opt_out"])
def test_anonymous_is_sent_to_sign_in(client, case, restriction, name):
    response = client.get(url(name, case, restriction))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


@pytest.mark.parametrize("name", [*PAGES, "opt_out"])
def test_outsider_gets_404(outsider_client, case, restriction, name):
    assert outsider_client.get(url(name, case, restriction)).status_code == 404


@pytest.mark.parametrize("name", [*PAGES, "opt_out"])
def test_outsider_post_gets_404_and_changes_nothing(outsider_client, case, restriction, name):
    before = writes()
    assert outsider_client.post(url(name, case, restriction), {"reason": "x"}).status_code == 404
    assert writes() == before


@pytest.mark.parametrize("name", PAGES)
def test_vlo_of_the_team_gets_200(vlo_client, case, restriction, name):
    response = vlo_client.get(url(name, case, restriction))
    assert response.status_code == 200
    assert "<form" in response.content.decode() and "novalidate" in response.content.decode()


def test_vlo_of_the_team_gets_the_opt_out_page(vlo_client, opted_in):
    response = vlo_client.get(reverse("victims:opt_out", args=[opted_in.pk]))
    assert response.status_code == 200 and "Record opt out" in response.content.decode()


def test_vlo_in_another_team_of_the_region_gets_404(signed_in, other_team_vlo, case):
    response = signed_in(other_team_vlo).get(reverse("victims:address_change", args=[case.pk]))
    assert response.status_code == 404


def test_lifting_another_victims_restriction_through_this_case_is_404(vlo_client, vlo, case, make_case):
    other = add_restriction(make_case(), vlo)
    assert vlo_client.get(url("restriction_lift", case, other)).status_code == 404


def test_address_page_view_is_audited(vlo_client, vlo, case):
    vlo_client.get(reverse("victims:address_change", args=[case.pk]))
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, actor=vlo, object_type="victims.Victim", object_id=str(case.victim_id)
    ).exists()


# --- pages: behaviour --------------------------------------------------------------------------------


def post(client, name, case, data, restriction=None):
    return client.post(url(name, case, restriction), data)


def address_data(**overrides):
    data = {
        "line_1": "22 Hidden Lane",
        "town": "Bolton",
        "postcode": "BL1 1AA",
        **date_fields("valid_from", dt.date(2026, 5, 18)),
        "how_received": "phone",
    }
    data.update(overrides)
    return data


def test_address_page_shows_the_current_address_and_says_it_will_be_kept(vlo_client, case):
    text = page_text(vlo_client.get(reverse("victims:address_change", args=[case.pk])))
    assert OLD_LINE in text and OLD_POSTCODE in text
    assert "kept in the victim's record and marked “Do not use”" in text


def test_address_page_changes_the_address_and_goes_back_to_the_case(vlo_client, case):
    old_pk = case.victim.addresses.get(is_current=True).pk
    response = post(vlo_client, "address_change", case, address_data())
    assert response.status_code == 302
    assert response.url == reverse("cases:contacts", args=[case.pk])
    assert case.victim.addresses.get(is_current=True).postcode == "BL1 1AA"
    assert case.victim.addresses.get(pk=old_pk).do_not_use


def test_address_page_without_a_postcode_shows_the_error_and_changes_nothing(vlo_client, case):
    before = writes()
    response = post(vlo_client, "address_change", case, address_data(postcode=""))
    assert_error_page(response, "Enter the postcode")
    assert '<a href="#id_postcode">' in page_text(response)
    assert writes() == before


def test_address_page_with_a_future_move_date_shows_the_error_and_changes_nothing(vlo_client, case):
    before = writes()
    response = post(
        vlo_client,
        "address_change",
        case,
        address_data(**date_fields("valid_from", TODAY + dt.timedelta(days=3))),
    )
    assert_error_page(response, "The date of the move must be today or in the past")
    assert writes() == before


def test_preferences_page_starts_from_the_recorded_answers(vlo_client, case):
    text = page_text(vlo_client.get(reverse("victims:preferences", args=[case.pk])))
    assert 'value="07700 900123"' in text
    assert re.search(r'value="letter"[^>]*checked', text)


def test_preferences_page_saves_the_changes(vlo_client, case):
    data = {
        "preferred_channel": "email",
        "language": "cy",
        "phone": "",
        "email": EMAIL,
        "safe_times_to_call": "",
        "accessibility_needs": "",
        **date_fields("received_on", TODAY),
    }
    response = post(vlo_client, "preferences", case, data)
    assert response.status_code == 302
    victim = Victim.objects.get(pk=case.victim_id)
    assert (victim.preferred_channel, victim.language, victim.email) == ("email", "cy", EMAIL)


def test_contact_level_page_saves_the_level(vlo_client, opted_in):
    data = {"contact_level": ContactLevel.RELEASE_MONTH, **date_fields("received_on", TODAY)}
    response = post(vlo_client, "contact_level", opted_in, data)
    assert response.status_code == 302
    assert Case.objects.get(pk=opted_in.pk).contact_level == ContactLevel.RELEASE_MONTH


def test_opt_in_page_records_the_opt_in(vlo_client, case):
    data = {"contact_level": ContactLevel.ALL_KEY_STAGES, **date_fields("received_on", TODAY)}
    response = post(vlo_client, "opt_in", case, data)
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPTED_IN
    assert last_choice().kind == ChoiceKind.OPT_IN


def test_opt_in_page_without_a_level_of_contact_shows_the_error_and_changes_nothing(vlo_client, case):
    before = writes()
    response = post(vlo_client, "opt_in", case, date_fields("received_on", TODAY))
    assert_error_page(response, "Choose the level of contact the victim wants")
    assert '<a href="#id_contact_level_1">' in page_text(response)
    assert writes() == before


def test_opt_in_page_maps_a_date_before_the_referral_onto_the_date(vlo_client, case):
    data = {"contact_level": ContactLevel.ANNUAL, **date_fields("received_on", dt.date(2026, 1, 1))}
    response = post(vlo_client, "opt_in", case, data)
    assert_error_page(response, "The date must be on or after the referral date")
    assert '<a href="#id_received_on_0">' in page_text(response)


def test_opt_in_page_for_a_victim_already_opted_in_has_no_form(vlo_client, opted_in):
    text = page_text(vlo_client.get(reverse("victims:opt_in", args=[opted_in.pk])))
    assert "The victim has already opted in." in text and "<form" not in text.split("<main")[1]


def test_opt_out_page_records_the_opt_out(vlo_client, opted_in):
    data = {**date_fields("received_on", TODAY), "how_received": "email", "reason": "Wants to move on"}
    response = post(vlo_client, "opt_out", opted_in, data)
    assert response.status_code == 302
    assert Case.objects.get(pk=opted_in.pk).status == CaseStatus.OPTED_OUT


def test_opt_out_page_for_a_referred_case_has_no_form(vlo_client, case):
    text = page_text(vlo_client.get(reverse("victims:opt_out", args=[case.pk])))
    assert "Only a victim who has opted in can opt out" in text


def test_restriction_page_offers_each_kind_as_a_radio(vlo_client, case):
    text = page_text(vlo_client.get(reverse("victims:restriction_add", args=[case.pk])))
    assert 'class="govuk-radios' in text
    for kind in RestrictionKind:
        assert f'value="{kind.value}"' in text and str(kind.label) in text


def test_restriction_page_adds_the_restriction(vlo_client, case):
    response = post(vlo_client, "restriction_add", case, {"kind": RestrictionKind.NO_VOICEMAIL})
    assert response.status_code == 302
    assert case.victim.restrictions.get().kind == RestrictionKind.NO_VOICEMAIL


def test_restriction_page_refuses_a_duplicate_beside_the_radios(vlo_client, case, restriction):
    before = writes()
    response = post(vlo_client, "restriction_add", case, {"kind": RestrictionKind.DO_NOT_PHONE})
    assert_error_page(response, "This restriction is already in place")
    assert '<a href="#id_kind_1">' in page_text(response)
    assert writes() == before


def test_lift_page_lifts_the_restriction(vlo_client, case, restriction):
    response = post(vlo_client, "restriction_lift", case, {"reason": "Victim asked"}, restriction)
    assert response.status_code == 302
    restriction.refresh_from_db()
    assert not restriction.is_active and restriction.lifted_reason == "Victim asked"


def test_lift_page_without_a_reason_shows_the_error_and_changes_nothing(vlo_client, case, restriction):
    before = writes()
    response = post(vlo_client, "restriction_lift", case, {"reason": ""}, restriction)
    assert_error_page(response, "Say why the restriction is being lifted")
    assert writes() == before


def test_safety_concern_page_records_the_concern(vlo_client, case):
    data = {**date_fields("raised_on", TODAY), "description": CONCERN, "share_with_offender_manager": "yes"}
    response = post(vlo_client, "safety_concern_add", case, data)
    assert response.status_code == 302
    concern = SafetyConcern.objects.get(case=case)
    assert concern.description == CONCERN and concern.share_with_offender_manager


def test_safety_concern_page_without_an_answer_shows_the_errors(vlo_client, case):
    before = writes()
    response = post(vlo_client, "safety_concern_add", case, date_fields("raised_on", TODAY))
    assert_error_page(response, "Describe the concern")
    assert "Choose whether the offender manager may be told" in page_text(response)
    assert writes() == before


def test_pages_of_a_closed_case_have_no_form(vlo_client, make_case):
    closed = make_case(status=CaseStatus.CLOSED, closure_reason=ClosureReason.OTHER)
    response = vlo_client.get(reverse("victims:address_change", args=[closed.pk]))
    text = page_text(response)
    assert "This case is closed" in text and "<form" not in text.split("<main")[1]


# --- the case page ---------------------------------------------------------------------------------------


def case_page(client, case):
    """The case page's Contacts tab: the victim's choices panel is there, the banner on every tab."""
    return page_text(client.get(reverse("cases:contacts", args=[case.pk])))


def test_banner_lists_active_restrictions_on_the_case_page(vlo_client, vlo, case):
    add_restriction(case, vlo, RestrictionKind.ADDRESS_CONFIDENTIAL)
    add_restriction(case, vlo, RestrictionKind.DO_NOT_PHONE)
    text = case_page(vlo_client, case)
    banner = text.split('data-testid="restrictions-banner"')[1].split("</ul>")[0]
    assert "2 restrictions on contacting Sam Reed" in banner
    assert "<strong>Address confidential</strong>" in banner and "<strong>Do not phone</strong>" in banner


def test_banner_leaves_out_lifted_restrictions(vlo_client, vlo, case):
    from django.utils import timezone

    add_restriction(case, vlo, RestrictionKind.DO_NOT_PHONE, lifted_at=timezone.now(), lifted_by=vlo)
    assert "restrictions-banner" not in case_page(vlo_client, case)


def test_panel_shows_the_choices_with_links_to_change_them(vlo_client, opted_in):
    text = case_page(vlo_client, opted_in)
    assert '<h2 class="govuk-summary-card__title">Victim\'s choices</h2>' in text
    assert "Annual letter" in text
    for name in ("address_change", "preferences", "contact_level", "opt_out", "restriction_add"):
        assert f'href="{reverse(f"victims:{name}", args=[opted_in.pk])}"' in text
    assert reverse("victims:opt_in", args=[opted_in.pk]) not in text


def test_panel_offers_opt_in_to_a_referred_case(vlo_client, case):
    text = case_page(vlo_client, case)
    assert f'href="{reverse("victims:opt_in", args=[case.pk])}">Record opt in</a>' in text
    assert reverse("victims:opt_out", args=[case.pk]) not in text


def test_panel_lists_active_restrictions_with_lift_links_and_lifted_ones_in_history(vlo_client, vlo, case):
    from django.utils import timezone

    active = add_restriction(case, vlo, RestrictionKind.NO_VOICEMAIL)
    add_restriction(
        case,
        vlo,
        RestrictionKind.DO_NOT_PHONE,
        lifted_at=timezone.now(),
        lifted_by=vlo,
        lifted_reason="Asked",
    )
    text = case_page(vlo_client, case)
    assert f'href="{reverse("victims:restriction_lift", args=[case.pk, active.pk])}"' in text
    history = text.split("History<span")[1]
    assert "<s>Do not phone</s>" in history and "Asked" in history


def test_panel_counts_the_safety_concerns_and_lists_them_in_details(vlo_client, vlo, case):
    choices.safety_concern_record(actor=vlo, case=case, raised_on=TODAY, description=CONCERN)
    text = case_page(vlo_client, case)
    assert "1 recorded" in text and "Show the concerns" in text
    assert "He was seen outside my sister&#x27;s house on Tuesday" in text


def test_panel_marks_former_addresses_do_not_use(vlo_client, vlo, case):
    change_address(case, vlo)
    text = case_page(vlo_client, case)
    panel = text.split('id="victim-choices"')[1]
    assert "22 Hidden Lane" in panel and "Do not use</strong> 1 former address" in panel


def test_panel_links_to_the_licence_condition_request(vlo_client, case):
    try:
        url = reverse("parole:condition_new", args=[case.pk])
    except NoReverseMatch:
        pytest.skip("the parole app has no licence-condition page yet")
    assert f'href="{url}">Request a licence condition</a>' in case_page(vlo_client, case)


def test_panel_leaves_out_the_licence_condition_link_while_the_page_does_not_exist(
    vlo_client, case, monkeypatch
):
    real_reverse = choice_tags.reverse

    def reverse_without_parole(name, *args, **kwargs):
        if name.startswith("parole:"):
            raise NoReverseMatch(name)
        return real_reverse(name, *args, **kwargs)

    monkeypatch.setattr(choice_tags, "reverse", reverse_without_parole)
    text = case_page(vlo_client, case)
    assert 'id="victim-choices"' in text and "Request a licence condition" not in text


def test_timeline_shows_the_choices_without_the_address(vlo_client, vlo, case):
    change_address(case, vlo)
    text = page_text(vlo_client.get(reverse("cases:detail", args=[case.pk])))  # the overview's timeline
    timeline = text.split('<div class="moj-timeline">')[1]
    assert "Victim&#x27;s choice: Safe address" in timeline
    assert "the old address is kept and marked do not use" in timeline
    assert "Hidden Lane" not in timeline


def test_panel_query_count_does_not_grow_with_restrictions_and_concerns(vlo, case, django_assert_num_queries):
    def render() -> str:
        fresh = Case.objects.select_related("victim").prefetch_related("victim__addresses").get(pk=case.pk)
        template = Template(
            "{% load choice_tags %}{% victim_restrictions_banner case %}{% victim_choices_panel case %}"
        )
        return template.render(Context({"case": fresh}))

    add_restriction(case, vlo, RestrictionKind.DO_NOT_PHONE)
    with CaptureQueriesContext(connection) as one:
        render()
    for kind in (RestrictionKind.NO_VOICEMAIL, RestrictionKind.ADDRESS_CONFIDENTIAL):
        add_restriction(case, vlo, kind)
    for n in range(5):
        choices.safety_concern_record(actor=vlo, case=case, raised_on=TODAY, description=f"Concern {n}")
    with django_assert_num_queries(len(one)):
        html = render()
    assert "Concern 4" in html and "No letters" not in html
