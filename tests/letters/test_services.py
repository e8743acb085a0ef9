"""The letter workflow: draft (idempotent), edit, approve (with its checks), send, cancel, store the PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contacts.models import Contact, ContactWith, Direction, Method
from offenders.models import KeyDate, SecurityCategoryChange
from tests.letters.helpers import pdf_text
from tests.victims.factories import AddressFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from vcs_portal.letters import services
from vcs_portal.letters.models import Letter, LetterKind, LetterStatus, SentVia
from victims.models import CaseStatus, Channel, ClosureReason

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2026, 11, 20)


def audited(letter: Letter, action: str, summary: str) -> bool:
    return AuditEvent.objects.filter(
        object_type="letters.Letter", object_id=str(letter.pk), action=action, summary=summary
    ).exists()


# --- drafting ---------------------------------------------------------------------------------


def test_drafting_twice_makes_one_letter(case, vlo):
    first, created = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027", actor=vlo)
    second, created_again = services.letter_draft(
        case=case, kind=LetterKind.ANNUAL, period_key="2027", actor=vlo
    )
    assert (created, created_again) == (True, False)
    assert first.pk == second.pk
    assert Letter.objects.count() == 1
    assert audited(first, AuditAction.CREATE, "letter drafted: annual")
    assert AuditEvent.objects.filter(object_type="letters.Letter").count() == 1


def test_a_draft_is_in_the_victims_language(make_case):
    case = make_case(victim__language="cy")
    letter, _ = services.letter_draft(case=case, kind=LetterKind.OFFER, period_key="x")
    assert letter.language == "cy"
    assert "ysgrifennu atoch chi" in letter.body_html


@pytest.mark.parametrize("status", [CaseStatus.OPTED_OUT, CaseStatus.DECLINED])
def test_a_victim_outside_the_scheme_gets_only_the_opt_out_confirmation(make_case, status):
    case = make_case(status=status)
    with pytest.raises(ValidationError, match="only the confirmation of opting out"):
        services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    letter, created = services.letter_draft(case=case, kind=LetterKind.OPT_OUT, period_key="x")
    assert created and letter.subject == "You have left the Victim Contact Scheme"


def test_a_closed_case_gets_no_letters(make_case):
    case = make_case(status=CaseStatus.CLOSED, closure_reason=ClosureReason.SENTENCE_ENDED)
    with pytest.raises(ValidationError, match="closed"):
        services.letter_draft(case=case, kind=LetterKind.OPT_OUT, period_key="x")
    assert not Letter.objects.exists()


def test_the_manual_period_key_meets_the_sweeps(case):
    today = case.officer.date_joined.date()  # any day: the key for a release letter is the CRD
    assert services.period_key_for(case=case, kind=LetterKind.RELEASE, on=today) == "crd:2027-03-14"
    assert services.period_key_for(case=case, kind=LetterKind.RECALL, on=today) == today.isoformat()
    # Opted in on 20 April 2026: the first annual letter is due in April 2027.
    assert services.period_key_for(case=case, kind=LetterKind.ANNUAL, on=today) == "2027"


def test_editing_the_paragraph_renders_the_letter_again(case, vlo):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.RECALL, period_key="x")
    letter = services.letter_update_free_text(actor=vlo, letter=letter, free_text="  He broke a condition.  ")
    assert letter.free_text == "He broke a condition."
    assert "<p>He broke a condition.</p>" in letter.body_html
    assert audited(letter, AuditAction.UPDATE, "letter free text")


# --- approval ---------------------------------------------------------------------------------


def test_approval_freezes_the_letter_and_queues_its_pdf(case, vlo, django_capture_on_commit_callbacks):
    # Drafted by the daily job and not changed: the case's own officer may approve it.
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    with django_capture_on_commit_callbacks() as callbacks:
        letter = services.letter_approve(actor=vlo, letter=letter)
    assert len(callbacks) == 1
    assert letter.status == LetterStatus.APPROVED
    assert (letter.approved_by, letter.addressee, letter.branded) == (vlo, "Sam Reed", True)
    assert letter.address == case.victim.current_address
    assert letter.signatory == vlo.get_full_name()
    assert audited(
        letter, AuditAction.UPDATE, "letter approved; drafted by the daily job; paragraph unchanged"
    )


def test_an_unresolved_placeholder_blocks_approval(case, vlo, teammate):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.RECALL, period_key="x")
    services.letter_update_free_text(actor=vlo, letter=letter, free_text="He was recalled on [[DATE]].")
    with pytest.raises(
        ValidationError, match=r"paragraph still contains a placeholder or brackets \(\[\[, \]\]\)"
    ):
        services.letter_approve(actor=teammate, letter=letter)
    services.letter_update_free_text(actor=vlo, letter=letter, free_text="Hello {{ offender_name }}")
    with pytest.raises(ValidationError, match=r"\{\{, \}\}"):
        services.letter_approve(actor=teammate, letter=letter)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT


def test_an_unresolved_placeholder_in_the_wording_blocks_approval(case, vlo, teammate):
    from vcs_portal.letters.models import LetterTemplate

    letter, _ = services.letter_draft(case=case, kind=LetterKind.RECALL, period_key="x")
    # Wording saved around the admin's checks (the admin refuses it): nothing can be drafted or approved.
    LetterTemplate.objects.filter(kind=LetterKind.RECALL, language="en").update(body="Dear [[NAME]],")
    with pytest.raises(ValidationError, match=r"wording .* cannot be used \(Unfinished placeholder"):
        services.letter_approve(actor=teammate, letter=letter)
    with pytest.raises(ValidationError, match="Ask an admin to correct it"):
        services.letter_draft(case=case, kind=LetterKind.RECALL, period_key="y")
    _, problems = services.letter_preview(letter)
    assert problems and "Ask an admin" in problems[0]


def test_an_empty_required_value_blocks_approval_with_what_to_do(make_case, vlo, teammate):
    case = make_case(category="", key_dates=False)
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    with pytest.raises(ValidationError) as error:
        services.letter_approve(actor=teammate, letter=letter)
    messages = " ".join(error.value.messages)
    assert "needs next key date, which is empty. Record a future key date" in messages
    assert "needs security category, which is empty. Record the offender's security category" in messages


def test_a_letter_that_needs_the_vlos_paragraph_cannot_go_without_it(case, vlo, teammate):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.PAROLE_OUTCOME, period_key="x")
    with pytest.raises(ValidationError, match="needs free text"):
        services.letter_approve(actor=teammate, letter=letter)
    services.letter_update_free_text(actor=vlo, letter=letter, free_text="The Board did not direct release.")
    assert services.letter_approve(actor=teammate, letter=letter).status == LetterStatus.APPROVED


def test_a_paragraph_naming_the_prison_blocks_approval(case, vlo, teammate):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.RECALL, period_key="x")
    services.letter_update_free_text(actor=vlo, letter=letter, free_text="He is back at hmp example now.")
    with pytest.raises(ValidationError, match="names a prison or hospital"):
        services.letter_approve(actor=teammate, letter=letter)


@pytest.mark.parametrize(
    "written", ["14 March", "14/03/2027", "2027-03-14", "14 Mawrth", "14th March", "14/3/27"]
)
def test_a_paragraph_giving_the_exact_release_date_blocks_approval(case, vlo, written, teammate):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.RELEASE, period_key="x")
    services.letter_update_free_text(actor=vlo, letter=letter, free_text=f"He leaves on {written}.")
    with pytest.raises(ValidationError, match="exact release date"):
        services.letter_approve(actor=teammate, letter=letter)


def test_another_date_that_contains_the_release_day_does_not_block_approval(make_case, vlo, teammate):
    from offenders.models import KeyDateKind

    case = make_case(key_dates=False)
    KeyDate.objects.create(
        sentence=case.sentence, kind=KeyDateKind.CRD, date=dt.date(2027, 12, 8), source="x", recorded_by=vlo
    )
    letter, _ = services.letter_draft(case=case, kind=LetterKind.RELEASE, period_key="x")
    services.letter_update_free_text(actor=vlo, letter=letter, free_text="We spoke on 18 December 2026.")
    assert services.letter_approve(actor=teammate, letter=letter).status == LetterStatus.APPROVED


@pytest.mark.parametrize(
    "written",
    [
        "We spoke on 18 December 2026.",
        "Please reply by 18 December, 2026.",
        "Ar 18 Rhagfyr 2028 buom yn siarad.",
    ],
)
def test_the_same_day_and_month_in_another_year_does_not_block_approval(make_case, vlo, written, teammate):
    """An offer's reply-by date (today plus 28 days) may fall on the release's day and month."""
    from offenders.models import KeyDateKind

    case = make_case(key_dates=False)
    KeyDate.objects.create(
        sentence=case.sentence, kind=KeyDateKind.CRD, date=dt.date(2027, 12, 18), source="x", recorded_by=vlo
    )
    letter, _ = services.letter_draft(case=case, kind=LetterKind.RELEASE, period_key="x")
    services.letter_update_free_text(actor=vlo, letter=letter, free_text=written)
    assert services.letter_approve(actor=teammate, letter=letter).status == LetterStatus.APPROVED


@pytest.mark.parametrize("written", ["on 18 December 2027.", "on 18 December.", "on December 18, 2027."])
def test_the_release_day_and_month_alone_or_with_its_year_blocks_approval(make_case, vlo, written, teammate):
    from offenders.models import KeyDateKind

    case = make_case(key_dates=False)
    KeyDate.objects.create(
        sentence=case.sentence, kind=KeyDateKind.CRD, date=dt.date(2027, 12, 18), source="x", recorded_by=vlo
    )
    letter, _ = services.letter_draft(case=case, kind=LetterKind.RELEASE, period_key="x")
    services.letter_update_free_text(actor=vlo, letter=letter, free_text=f"He leaves {written}")
    with pytest.raises(ValidationError, match="exact release date"):
        services.letter_approve(actor=teammate, letter=letter)


def test_a_posted_letter_needs_a_safe_address(make_case, vlo, teammate):
    case = make_case(address=False)
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    with pytest.raises(ValidationError, match="no current safe address"):
        services.letter_approve(actor=teammate, letter=letter)
    case.victim.preferred_channel = Channel.EMAIL
    case.victim.save()
    assert services.letter_approve(actor=teammate, letter=letter).status == LetterStatus.APPROVED


def test_an_approved_letter_cannot_be_edited_or_approved_again(case, vlo, teammate):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    services.letter_approve(actor=teammate, letter=letter)
    with pytest.raises(ValidationError, match="approved cannot be changed"):
        services.letter_update_free_text(actor=vlo, letter=letter, free_text="x")
    with pytest.raises(ValidationError, match="approved cannot be approved"):
        services.letter_approve(actor=teammate, letter=letter)


def test_the_approved_words_do_not_change_when_the_case_does(case, vlo, teammate):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    letter = services.letter_approve(actor=teammate, letter=letter)
    SecurityCategoryChange.objects.create(
        offender=case.offender, category="D", effective_on=case.sentence.sentence_date, recorded_by=vlo
    )
    KeyDate.objects.all().delete()
    view, problems = services.letter_preview(letter)
    assert "category C (a closed prison)" in view.body_html and problems == []


# --- sending -----------------------------------------------------------------------------------


def test_draft_approve_send_logs_a_contact_on_the_case(case, vlo, teammate):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027", actor=vlo)
    letter = services.letter_approve(actor=teammate, letter=letter)
    letter = services.letter_mark_sent(actor=vlo, letter=letter, sent_via=SentVia.POSTED)
    assert (letter.status, letter.sent_via, letter.sent_by) == (LetterStatus.SENT, SentVia.POSTED, vlo)
    contact = Contact.objects.get(case=case)
    assert (contact.method, contact.direction, contact.with_whom, contact.author) == (
        Method.LETTER,
        Direction.OUTGOING,
        ContactWith.VICTIM,
        vlo,
    )
    assert contact.summary == "Letter sent: Your yearly update about Dan Marsh"
    assert audited(letter, AuditAction.UPDATE, "letter sent: posted")


def test_an_emailed_letter_is_logged_as_an_email(case, vlo, teammate):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    letter = services.letter_approve(actor=teammate, letter=letter)
    services.letter_mark_sent(actor=vlo, letter=letter, sent_via=SentVia.EMAILED)
    assert Contact.objects.get(case=case).method == Method.EMAIL


def test_a_draft_cannot_be_sent(case, vlo):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    with pytest.raises(ValidationError, match="draft cannot be marked as sent"):
        services.letter_mark_sent(actor=vlo, letter=letter, sent_via=SentVia.POSTED)
    assert not Contact.objects.exists()


def test_a_letter_is_not_posted_to_an_address_that_changed_after_approval(case, vlo, teammate):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    letter = services.letter_approve(actor=teammate, letter=letter)
    old = case.victim.addresses.get()
    old.is_current, old.do_not_use = False, True
    old.save()
    AddressFactory(victim=case.victim, recorded_by=vlo, line_1="7 New Road")
    with pytest.raises(ValidationError, match="safe address has changed"):
        services.letter_mark_sent(actor=vlo, letter=letter, sent_via=SentVia.POSTED)
    assert not Contact.objects.exists()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.APPROVED


def test_a_failed_contact_log_leaves_the_letter_unsent(case, vlo, monkeypatch, teammate):
    def broken(**kwargs):
        raise ValidationError({"occurred_on": "nope"})

    monkeypatch.setattr(services, "contact_record", broken)
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    letter = services.letter_approve(actor=teammate, letter=letter)
    with pytest.raises(ValidationError):
        services.letter_mark_sent(actor=vlo, letter=letter, sent_via=SentVia.POSTED)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.APPROVED


def test_a_cancelled_letter_stays_on_record_and_can_be_drafted_again(case, vlo):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    letter = services.letter_cancel(actor=vlo, letter=letter)
    assert letter.status == LetterStatus.CANCELLED and letter.cancelled_by == vlo
    again, created = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027", actor=vlo)
    assert created and again.pk != letter.pk and again.status == LetterStatus.DRAFT
    assert Letter.objects.filter(case=case, period_key="2027").count() == 2
    twice, created_twice = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    assert (twice.pk, created_twice) == (again.pk, False)
    with pytest.raises(ValidationError):
        services.letter_cancel(actor=vlo, letter=letter)
    assert audited(letter, AuditAction.UPDATE, "letter cancelled")


def test_an_approved_letter_whose_address_changed_is_cancelled_and_drafted_again(case, vlo, teammate):
    """The refusal says "cancel it and draft it again": both work, and the new one has the new address."""
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    letter = services.letter_approve(actor=vlo, letter=letter)
    old = case.victim.addresses.get()
    old.is_current, old.do_not_use = False, True
    old.save()
    new_address = AddressFactory(victim=case.victim, recorded_by=vlo, line_1="3 New Road", postcode="M6 1AA")
    with pytest.raises(ValidationError, match="Cancel it and draft it again"):
        services.letter_mark_sent(actor=vlo, letter=letter, sent_via=SentVia.POSTED)
    services.letter_cancel(actor=vlo, letter=letter)
    key = services.period_key_for(case=case, kind=LetterKind.ANNUAL, on=dt.date(2026, 11, 20))
    again, created = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key=key, actor=vlo)
    assert created and key == "2027"
    again = services.letter_approve(actor=teammate, letter=again)
    assert again.address == new_address


# --- the second pair of eyes --------------------------------------------------------------------


def test_the_vlo_who_drafted_a_letter_cannot_approve_it(case, vlo):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027", actor=vlo)
    with pytest.raises(ValidationError, match="someone else must approve it"):
        services.letter_approve(actor=vlo, letter=letter)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT


def test_the_vlo_who_last_changed_the_paragraph_cannot_approve_it(case, vlo, teammate):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.RECALL, period_key="x")
    services.letter_update_free_text(actor=teammate, letter=letter, free_text="He broke a condition.")
    with pytest.raises(ValidationError, match="someone else must approve it"):
        services.letter_approve(actor=teammate, letter=letter)
    letter = services.letter_approve(actor=vlo, letter=letter)
    assert letter.status == LetterStatus.APPROVED and letter.approved_by == vlo
    assert audited(
        letter,
        AuditAction.UPDATE,
        f"letter approved; drafted by the daily job; paragraph last changed by user {teammate.pk}",
    )


def test_a_teammate_or_a_manager_approves_a_vlos_letter(make_case, vlo, teammate, manager):
    for approver in (teammate, manager):
        case = make_case()
        letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027", actor=vlo)
        letter = services.letter_approve(actor=approver, letter=letter)
        assert letter.approved_by == approver
        assert audited(
            letter, AuditAction.UPDATE, f"letter approved; drafted by user {vlo.pk}; paragraph unchanged"
        )


def test_a_vlo_of_another_team_cannot_approve(case, vlo, other_team_vlo):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027", actor=vlo)
    with pytest.raises(ValidationError, match="Only a Victim Liaison Officer of the case's team"):
        services.letter_approve(actor=other_team_vlo, letter=letter)


def test_without_the_second_check_a_vlo_approves_their_own_letter(case, vlo, settings):
    settings.VCS_LETTER_SECOND_CHECK = False
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027", actor=vlo)
    assert services.letter_approve(actor=vlo, letter=letter).approved_by == vlo


# --- data from the record is printed as it is -----------------------------------------------------


def test_a_victim_whose_name_contains_template_syntax_can_be_written_to(make_case, vlo):
    case = make_case(victim__first_name="{{ Sam }}", victim__last_name="{% Reed %} [[x]]")
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    letter = services.letter_approve(actor=vlo, letter=letter)
    assert letter.status == LetterStatus.APPROVED
    assert letter.addressee == "{{ Sam }} {% Reed %} [[x]]"
    services.letter_pdf_store(letter_id=letter.pk)
    letter.refresh_from_db()
    assert "Dear {{ Sam }} {% Reed %} [[x]]" in pdf_text(bytes(letter.pdf))


# --- the PDF -----------------------------------------------------------------------------------


def test_the_render_task_stores_the_pdf(case, vlo, teammate):
    from vcs_portal.letters.tasks import letter_render_task

    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    assert letter_render_task(letter.pk) is False  # a draft has no PDF
    services.letter_approve(actor=teammate, letter=letter)
    assert letter_render_task(letter.pk) is True
    letter.refresh_from_db()
    assert bytes(letter.pdf).startswith(b"%PDF") and letter.pdf_pages == 1
    assert "Your yearly update about Dan Marsh" in pdf_text(bytes(letter.pdf))


def test_a_cancelled_letter_gets_no_pdf(case, vlo, teammate):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    services.letter_approve(actor=teammate, letter=letter)
    services.letter_cancel(actor=vlo, letter=letter)
    assert services.letter_pdf_store(letter_id=letter.pk) is False


# --- the case timeline ---------------------------------------------------------------------------------


def test_letters_appear_on_the_case_timeline(case, vlo):
    from vcs_portal.letters.selectors import case_timeline_entries

    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    letter = services.letter_approve(actor=vlo, letter=letter)
    services.letter_mark_sent(actor=vlo, letter=letter, sent_via=SentVia.EMAILED)
    entries = sorted(case_timeline_entries(case=case), key=lambda e: e.sort_key)
    assert [e.title for e in entries] == [
        "Letter drafted: Annual contact letter",
        "Letter approved: Annual contact letter",
        "Letter sent (emailed): Annual contact letter",
    ]
    assert entries[0].by == "Scheduled job" and entries[1].by == str(vlo)
    assert {e.kind for e in entries} == {"letter"}
    assert entries[2].detail == "Your yearly update about Dan Marsh"


# --- sending closes the loop ----------------------------------------------------------------------


def annual_task(case):
    from contacts.services import task_ensure

    task, _ = task_ensure(
        case=case,
        kind="annual_letter",
        dedupe_key="annual:2027",
        title="Send the annual letter",
        due_on=TODAY,
    )
    return task


def test_sending_the_annual_letter_closes_the_task_that_asked_for_it(case, vlo):
    task = annual_task(case)
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    services.letter_mark_sent(
        actor=vlo, letter=services.letter_approve(actor=vlo, letter=letter), sent_via=SentVia.POSTED
    )
    task.refresh_from_db()
    assert (task.status, task.outcome, task.completed_by) == (
        "done",
        "Letter sent on 20 November 2026 (posted)",
        vlo,
    )
    assert AuditEvent.objects.filter(object_id=str(task.pk), summary="task done by rule", actor=vlo).exists()


def test_sending_a_release_alert_letter_closes_its_coming_up_task(case, vlo):
    from contacts.services import task_ensure

    task, _ = task_ensure(
        case=case, kind="key_event", dedupe_key="alert:crd:2027-03-14", title="Coming up", due_on=TODAY
    )
    letter, _ = services.letter_draft(case=case, kind=LetterKind.RELEASE, period_key="crd:2027-03-14")
    services.letter_mark_sent(
        actor=vlo, letter=services.letter_approve(actor=vlo, letter=letter), sent_via=SentVia.EMAILED
    )
    task.refresh_from_db()
    assert task.status == "done"


def approved_days_ago(case, vlo, days: int) -> Letter:
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    letter = services.letter_approve(actor=vlo, letter=letter)
    Letter.objects.filter(pk=letter.pk).update(approved_at=letter.approved_at - dt.timedelta(days=days))
    return letter


def test_a_letter_posted_on_friday_can_be_recorded_on_monday(case, vlo):
    letter = approved_days_ago(case, vlo, 10)
    friday = TODAY - dt.timedelta(days=3)
    letter = services.letter_mark_sent(actor=vlo, letter=letter, sent_via=SentVia.POSTED, sent_on=friday)
    assert timezone.localtime(letter.sent_at).date() == friday
    assert timezone.localtime(Contact.objects.get(case=case).occurred_at).date() == friday


@pytest.mark.parametrize(
    ("days_ago", "message"),
    [
        (-1, "must be today or in the past"),
        (31, "within the last 30 days"),
    ],
)
def test_a_sent_date_in_the_future_or_too_long_ago_is_refused(case, vlo, days_ago, message):
    letter = approved_days_ago(case, vlo, 40)
    with pytest.raises(ValidationError, match=message):
        services.letter_mark_sent(
            actor=vlo, letter=letter, sent_via=SentVia.POSTED, sent_on=TODAY - dt.timedelta(days=days_ago)
        )
    letter.refresh_from_db()
    assert letter.status == LetterStatus.APPROVED and not Contact.objects.exists()


def test_a_letter_cannot_be_sent_before_it_was_approved(case, vlo):
    letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key="2027")
    letter = services.letter_approve(actor=vlo, letter=letter)
    with pytest.raises(ValidationError, match="on or after it was approved"):
        services.letter_mark_sent(
            actor=vlo, letter=letter, sent_via=SentVia.POSTED, sent_on=TODAY - dt.timedelta(days=1)
        )


def test_the_backdating_limit_is_a_setting(case, vlo, settings):
    settings.VCS_LETTER_SENT_BACKDATE_DAYS = 5
    letter = approved_days_ago(case, vlo, 10)
    with pytest.raises(ValidationError, match="within the last 5 days"):
        services.letter_mark_sent(
            actor=vlo, letter=letter, sent_via=SentVia.POSTED, sent_on=TODAY - dt.timedelta(days=6)
        )
