"""What each kind of letter says, from the record, read back from its PDF: worked examples.

Release and licence letters list the conditions the victim asked for and what became of each (the
reason for a refused one, as recorded); annual letters say what the category means and the next key
stage; the VPS invitation gives the hearing month, the date the statement must reach the VLO and
that it may be shared; every letter gives the ways of contact that fit the victim's channel, a phone
number wherever it speaks of safety, the Welsh-language line in Welsh, and large print when asked.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.urls import reverse

from parole.models import ConditionKind, ConditionOutcome, LicenceConditionRequest, ParoleReview, ReviewKind
from tests.letters.helpers import pdf_reader, pdf_text
from vcs_portal.letters import rendering, services
from vcs_portal.letters.models import Letter, LetterKind
from victims.models import Channel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

REFUSED_BECAUSE = "The zone asked for covers the office where he must report."


def printed(letter, approver) -> str:
    letter = services.letter_approve(actor=approver, letter=letter)
    assert services.letter_pdf_store(letter_id=letter.pk)
    letter.refresh_from_db()
    return pdf_text(bytes(letter.pdf))


def conditions(case, vlo) -> None:
    LicenceConditionRequest.objects.create(
        case=case,
        kind=ConditionKind.NO_CONTACT,
        requested_on=dt.date(2026, 9, 1),
        outcome=ConditionOutcome.IMPOSED,
        outcome_on=dt.date(2026, 10, 1),
        recorded_by=vlo,
    )
    LicenceConditionRequest.objects.create(
        case=case,
        kind=ConditionKind.EXCLUSION_ZONE,
        description="Salford town centre",
        requested_on=dt.date(2026, 9, 1),
        outcome=ConditionOutcome.NOT_IMPOSED,
        outcome_on=dt.date(2026, 10, 1),
        outcome_reason=REFUSED_BECAUSE,
        recorded_by=vlo,
    )


def test_the_release_letter_lists_the_conditions_asked_for_and_why_one_was_refused(case, vlo):
    conditions(case, vlo)
    letter, _ = services.letter_draft(case=case, kind=LetterKind.RELEASE, period_key="crd:2027-03-14")
    text = printed(letter, vlo)
    assert "released on licence in March 2027. I cannot tell you the exact date." in text
    assert "No contact with you: this is a condition of the licence." in text
    assert (
        "An exclusion zone (an area they must not go into): Salford town centre: this was not made a "
        f"condition. The reason given was: {REFUSED_BECAUSE}"
    ) in text
    assert "The licence is due to end in March 2029." in text
    assert "call the police. Then tell me." in text  # what to do if a condition is broken
    assert (
        "If you are worried about your safety, call us on 0300 047 1000. If you are in danger, call 999."
        in text
    )
    assert "14 March" not in text and "HMP" not in text


def test_the_licence_letter_says_what_was_decided_and_when_the_licence_ends(case, vlo):
    conditions(case, vlo)
    LicenceConditionRequest.objects.create(
        case=case, kind=ConditionKind.NON_ASSOCIATION, requested_on=dt.date(2026, 11, 1), recorded_by=vlo
    )
    letter, _ = services.letter_draft(case=case, kind=LetterKind.LICENCE_CONDITIONS, period_key="x")
    text = printed(letter, vlo)
    assert "No contact with you: this is a condition of the licence." in text
    assert f"The reason given was: {REFUSED_BECAUSE}" in text
    assert "Not to meet certain named people: we have asked for this. No decision has been made yet." in text
    assert "If any of these rules are broken, Dan Marsh can be sent back to prison." in text
    assert "The licence is due to end in March 2029. After that, these rules no longer apply." in text
    assert "call us on 0300 047 1000" in text


def test_a_licence_letter_cannot_go_before_the_conditions_are_recorded(case, vlo):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.LICENCE_CONDITIONS, period_key="x")
    _, problems = services.letter_preview(letter)
    assert "The letter needs conditions, which is empty. Record the licence conditions" in " ".join(problems)


def test_the_annual_letter_says_what_the_category_means_and_the_next_key_stage(make_case, vlo):
    case = make_case(category="D")
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    text = printed(letter, vlo)
    assert (
        "The current security category is category D (an open prison). This is an open prison. People "
        "there may go out to work or train, under strict rules."
    ) in text
    assert "The next key date is January 2027, when the Parole Board can first consider release." in text


def test_the_vps_invitation_gives_the_hearing_month_and_the_date_the_statement_is_needed(case, vlo, settings):
    settings.VCS_VPS_DAYS_BEFORE_HEARING = 28
    settings.VCS_VPS_REPLY_WORKING_DAYS = 5
    ParoleReview.objects.create(
        sentence=case.sentence,
        referred_on=dt.date(2026, 10, 1),
        kind=ReviewKind.ORAL,
        hearing_on=dt.date(2027, 5, 20),
        recorded_by=vlo,
    )
    letter, _ = services.letter_draft(
        case=case, kind=LetterKind.VPS_INVITATION, period_key="hearing:2027-05-20"
    )
    text = printed(letter, vlo)
    assert "at a hearing in May 2027" in text
    # The Board's deadline is 22 April 2027 (28 days before); five working days before it is 15 April.
    assert "I need it by 15 April 2027. Then I can send it to the Board in time." in text
    assert "The Board may share your statement with Dan Marsh." in text
    assert "20 May" not in text


def test_the_statement_date_skips_weekends_and_bank_holidays(settings):
    settings.VCS_VPS_DAYS_BEFORE_HEARING = 28
    settings.VCS_VPS_REPLY_WORKING_DAYS = 2
    # Deadline Tuesday 30 March 2027; the working days before it: Wed 24 March, Thu 25 March
    # (Friday 26 March and Monday 29 March are Good Friday and Easter Monday).
    assert rendering.statement_due(dt.date(2027, 4, 27)) == dt.date(2027, 3, 24)


@pytest.mark.parametrize(
    ("channel", "says", "never"),
    [
        (Channel.LETTER, "You can write to me at Victim Contact Unit, PO Box 100, Manchester, M1 1AA.", ""),
        (Channel.PHONE, "You can call me on 0300 047 1000.", "You can email me"),
        (Channel.EMAIL, "You can email me at ", "You can write to me"),
        (Channel.VISIT, "To arrange a visit, call me on 0300 047 1000.", "You can email me"),
    ],
)
def test_letters_give_the_ways_of_contact_that_fit_the_victims_channel(make_case, vlo, channel, says, never):
    case = make_case(
        victim__preferred_channel=channel, victim__email="sam@example.com", victim__phone="07700 900123"
    )
    letter, _ = services.letter_draft(case=case, kind=LetterKind.RECALL, period_key="x")
    text = printed(letter, vlo)
    assert says in text
    assert "The phone line is open Monday to Friday, 9am to 5pm." in text
    assert not never or never not in text


def test_a_letter_cannot_speak_of_safety_without_the_teams_phone_number(case, vlo):
    case.team.phone = ""
    case.team.save()
    letter, _ = services.letter_draft(case=case, kind=LetterKind.RELEASE, period_key="crd:2027-03-14")
    _, problems = services.letter_preview(letter)
    assert (
        "The letter needs team phone, which is empty. Ask an admin to add the team's phone number"
        in " ".join(problems)
    )


def test_welsh_letters_carry_the_welsh_language_line(make_case, vlo):
    case = make_case(victim__language="cy")
    letter, _ = services.letter_draft(case=case, kind=LetterKind.RECALL, period_key="x")
    text = printed(letter, vlo)
    assert "Rydym yn croesawu gohebiaeth yn Gymraeg. Byddwn yn ateb yn Gymraeg, heb oedi." in text
    assert "Gallwch chi ysgrifennu ataf i yn Victim Contact Unit" in text


def test_english_letters_do_not_carry_the_welsh_language_line(case, vlo):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.RECALL, period_key="x")
    assert "croesawu" not in printed(letter, vlo)


def body_font_size(pdf: bytes) -> float:
    """The size most of the letter's characters are printed in."""
    sizes: Counter[float] = Counter()

    def visit(text, cm, tm, font, size) -> None:
        sizes[round(size * tm[0], 1)] += len(text.strip())

    for page in pdf_reader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return sizes.most_common(1)[0][0]


def test_a_victim_who_asked_for_large_print_gets_it(make_case, vlo):
    sizes = {}
    for large_print in (False, True):
        case = make_case(victim__large_print=large_print)
        letter, _ = services.letter_draft(case=case, kind=LetterKind.RECALL, period_key="x")
        letter = services.letter_approve(actor=vlo, letter=letter)
        assert letter.large_print is large_print
        services.letter_pdf_store(letter_id=letter.pk)
        sizes[large_print] = body_font_size(bytes(Letter.objects.get(pk=letter.pk).pdf))
    assert sizes[True] / sizes[False] == pytest.approx(16 / 12, rel=0.01)  # 16pt instead of 12pt


# --- tried as a new user would -----------------------------------------------------------------------


def test_a_release_letter_in_three_clicks_then_a_prison_typed_in_is_refused(
    case, vlo, vlo_client, signed_in, teammate
):
    conditions(case, vlo)
    # 1. "Draft a letter" on the case; 2. choose the release letter; 3. "Draft the letter".
    assert vlo_client.get(reverse("letters:case_new", args=[case.pk])).status_code == 200
    response = vlo_client.post(
        reverse("letters:case_new", args=[case.pk]), {"kind": LetterKind.RELEASE}, follow=True
    )
    page = response.content.decode()
    assert "No contact with you: this is a condition of the licence." in page
    assert REFUSED_BECAUSE in page
    assert "March 2027" in page and "14 March" not in page
    assert "0300 047 1000" in page

    letter = Letter.objects.get(case=case, kind=LetterKind.RELEASE)
    vlo_client.post(
        reverse("letters:detail", args=[letter.pk]), {"free_text": "He is in Cardiff prison now."}
    )
    response = signed_in(teammate).post(reverse("letters:approve", args=[letter.pk]), follow=True)
    assert "The letter names a prison or hospital. Victims must never be told where the offender is held" in (
        response.content.decode()
    )
    letter.refresh_from_db()
    assert letter.status == "draft"
