"""Writes about letters: draft, edit, approve, mark sent, cancel, and store the PDF.

Each write is one transaction and is audited; audit rows never hold a letter's words. Rules raise
``ValidationError`` with messages a VLO can act on. The PDF is rendered after commit by
``tasks.letter_render_task`` (or on first download, if the worker has not got to it yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from contacts import rules
from contacts.models import ContactWith, Direction, Method, Task, TaskKind, TaskStatus
from contacts.services import contact_record, task_close
from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, Role
from vcs_portal.core.pages import govuk_date as _d
from victims.models import CaseStatus, Channel, RestrictionKind

from . import checks, rendering, sandbox
from .models import Letter, LetterKind, LetterStatus, SentVia

if TYPE_CHECKING:
    from vcs_portal.core.models import User
    from victims.models import Case

# A victim outside the scheme is written to only to confirm that they are.
OUT_OF_SCHEME = {CaseStatus.OPTED_OUT, CaseStatus.DECLINED}


def _today() -> date:
    return timezone.localdate()


def _render(letter: Letter, *, on: date, facts: rendering.CaseFacts | None = None) -> rendering.Rendered:
    case = letter.case
    facts = facts or rendering.case_facts(case)
    values = rendering.letter_values(
        case=case, language=letter.language, free_text=letter.free_text, on=on, facts=facts
    )
    try:
        return rendering.render_template(rendering.template_get(letter.kind, letter.language), values)
    except (sandbox.LetterTemplateError, LookupError) as exc:
        raise ValidationError(
            f"The wording of this kind of letter cannot be used ({exc}). Ask an admin to correct it"
        ) from exc


def period_key_for(*, case: Case, kind: str, on: date) -> str:
    """The period a letter drafted by hand on ``on`` belongs to, so that it meets the sweeps' own.

    Annual letters use the year the letter is due; a release letter the current CRD; anything
    else the day.
    """
    if kind == LetterKind.ANNUAL:
        from .selectors import annual_letter_open_year  # selectors import this module's models only

        period = rules.annual_letter_period(case, on)
        first = rules.annual_cycle_due(case.status_changed_on, 1).year
        return str(annual_letter_open_year(case=case) or (period.year if period else first))
    if kind == LetterKind.RELEASE:
        crd = rendering.case_facts(case).key_dates.get("crd")
        if crd:
            return f"crd:{crd.isoformat()}"
    return on.isoformat()


def _live(*, case: Case, kind: str, period_key: str) -> QuerySet[Letter]:
    """The letter for the period unless it was cancelled (a cancelled one frees its period)."""
    return Letter.objects.filter(case=case, kind=kind, period_key=period_key).exclude(
        status=LetterStatus.CANCELLED
    )


@transaction.atomic
def letter_draft(
    *,
    case: Case,
    kind: str,
    period_key: str,
    actor: User | None = None,
    on: date | None = None,
    facts: rendering.CaseFacts | None = None,
    known_absent: bool = False,
) -> tuple[Letter, bool]:
    """Draft the letter of ``kind`` for ``period_key`` on ``case`` unless it exists. Safe to call twice.

    A cancelled letter for the period does not count: the letter is drafted again. The language is
    the victim's. A victim who opted out or declined gets only the confirmation
    that they did; a closed case gets nothing.
    """
    # A sweep that has just read the case's letters says so (``known_absent``); the unique
    # constraint still catches one drafted since, below.
    existing = None if known_absent else _live(case=case, kind=kind, period_key=period_key).first()
    if existing is not None:
        return existing, False
    if kind not in LetterKind.values:
        raise ValidationError({"kind": "Choose a kind of letter"})
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"kind": "The case is closed: no letters can be sent"})
    if case.status in OUT_OF_SCHEME and kind != LetterKind.OPT_OUT:
        raise ValidationError(
            {"kind": "The victim is not in the scheme: only the confirmation of opting out can be sent"}
        )
    on = on or _today()
    letter = Letter(
        case=case,
        kind=kind,
        language=case.victim.language,
        period_key=period_key,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    rendered = _render(letter, on=on, facts=facts)  # facts: read for many cases at once by a sweep
    letter.subject = rendered.subject[:255]
    letter.body_html = rendered.html
    # The related rows were read just now: their existence is the foreign keys' to check, not a
    # query each here.
    letter.full_clean(
        exclude=["pdf", "case", "address", "created_by", "approved_by", "sent_by", "last_edited_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic():  # a savepoint: a racing sweep may have drafted it a moment ago
            letter.save()
    except IntegrityError:
        return _live(case=case, kind=kind, period_key=period_key).get(), False
    audit_record(actor=actor, action=AuditAction.CREATE, obj=letter, summary=f"letter drafted: {kind}")
    return letter, True


def _locked(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().select_related("case").get(pk=letter.pk)


def _require(letter: Letter, *statuses: str, doing: str) -> None:
    if letter.status not in statuses:
        raise ValidationError(
            f"A letter that is {LetterStatus(letter.status).label.lower()} cannot be {doing}"
        )


@transaction.atomic
def letter_update_free_text(*, actor: User, letter: Letter, free_text: str) -> Letter:
    """Change the VLO's paragraph of a draft and render the body again."""
    letter = _locked(letter)
    _require(letter, LetterStatus.DRAFT, doing="changed")
    letter.free_text = free_text.strip()
    rendered = _render(letter, on=_today())
    letter.subject = rendered.subject[:255]
    letter.body_html = rendered.html
    letter.last_edited_by = actor
    letter.last_edited_at = timezone.now()
    letter.save(update_fields=["free_text", "subject", "body_html", "last_edited_by", "last_edited_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=letter, summary="letter free text")
    return letter


def letter_preview(letter: Letter, *, on: date | None = None) -> tuple[rendering.LetterView, list[str]]:
    """The letter as it would be approved now, and what stops that (nothing, once approved). Reads only."""
    on = on or _today()
    view = rendering.letter_view(letter, on=on)
    if letter.status != LetterStatus.DRAFT:
        return view, []
    case = letter.case
    facts = rendering.case_facts(case)
    try:
        rendered = _render(letter, on=on, facts=facts)
    except ValidationError as exc:
        return view, exc.messages
    problems = checks.approval_problems(
        rendered=rendered,
        facts=facts,
        free_text=letter.free_text,
        has_address=case.victim.current_address is not None,
        needs_address=case.victim.preferred_channel != Channel.EMAIL,
    )
    return replace(view, subject=rendered.subject, body_html=rendered.html), problems


def approver_problem(*, actor: User, letter: Letter) -> str:
    """Why ``actor`` may not approve ``letter`` (empty if they may). Reads only.

    With ``VCS_LETTER_SECOND_CHECK`` on, a letter is approved by a second pair of eyes: a VLO of the
    case's team or a manager, who neither drafted the letter nor last changed its paragraph. A
    letter the daily job drafted and nobody changed may be approved by the case's own officer:
    its words are the admins' wording and the record's facts, and the officer is the one checking.
    """
    if not settings.VCS_LETTER_SECOND_CHECK:
        return ""
    if actor.pk in {letter.created_by_id, letter.last_edited_by_id}:
        return (
            "You drafted or last changed this letter, so someone else must approve it: "
            "another Victim Liaison Officer of the team, or a manager"
        )
    if actor.role == Role.MANAGER:
        return ""
    if actor.role == Role.VLO and actor.team_id == letter.case.team_id:
        return ""
    return "Only a Victim Liaison Officer of the case's team, or a manager, can approve letters"


@transaction.atomic
def letter_approve(*, actor: User, letter: Letter) -> Letter:
    """Check a draft, freeze what it says and to whom, and queue its PDF.

    Refused, with every reason, while a placeholder is unresolved or empty, while it names where
    the offender is held or gives an exact release date, or while a posted letter has no address;
    and, with the second check on, when the approver drafted or last changed it (``approver_problem``).
    """
    letter = _locked(letter)
    _require(letter, LetterStatus.DRAFT, doing="approved")
    who = approver_problem(actor=actor, letter=letter)
    if who:
        raise ValidationError(who)
    on = _today()
    case = letter.case
    victim = case.victim
    facts = rendering.case_facts(case)
    rendered = _render(letter, on=on, facts=facts)
    address = victim.current_address
    problems = checks.approval_problems(
        rendered=rendered,
        facts=facts,
        free_text=letter.free_text,
        has_address=address is not None,
        needs_address=victim.preferred_channel != Channel.EMAIL,
    )
    if problems:
        raise ValidationError(problems)
    letter.subject = rendered.subject[:255]
    letter.body_html = rendered.html
    letter.addressee = victim.addressee_name(on)
    letter.address = address
    letter.branded = RestrictionKind.NO_BRANDED_LETTERS not in facts.restrictions
    letter.large_print = victim.large_print
    letter.signatory = case.officer.get_full_name()
    letter.letter_date = on
    letter.status = LetterStatus.APPROVED
    letter.approved_at = timezone.now()
    letter.approved_by = actor
    letter.pdf = None
    letter.pdf_rendered_at = None
    letter.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=letter,
        summary=(
            "letter approved; drafted by "
            + (f"user {letter.created_by_id}" if letter.created_by_id else "the daily job")
            + "; paragraph "
            + (
                f"last changed by user {letter.last_edited_by_id}"
                if letter.last_edited_by_id
                else "unchanged"
            )
        ),
    )
    from .tasks import letter_render_task

    letter_id = letter.pk
    transaction.on_commit(lambda: letter_render_task.delay(letter_id))
    return letter


# Letters the sweeps draft for a task, and the task that asked for each (closed when it is sent).
ALERT_LETTER_KINDS = frozenset({LetterKind.RELEASE, LetterKind.PAROLE_REVIEW, LetterKind.VPS_INVITATION})


def alert_task_key(period_key: str) -> str:
    """The key of the "coming up" task that asks for the alert letter of ``period_key``."""
    return f"alert:{period_key}"


def asking_task(letter: Letter) -> tuple[str, str] | None:
    """The (kind, key) of the generated task that asked for ``letter``, if one did."""
    if letter.kind == LetterKind.ANNUAL:
        return TaskKind.ANNUAL_LETTER, f"annual:{letter.period_key}"
    if letter.kind in ALERT_LETTER_KINDS and ":" in letter.period_key:
        return TaskKind.KEY_EVENT, alert_task_key(letter.period_key)
    return None


def _sent_on_check(letter: Letter, sent_on: date) -> None:
    today = _today()
    earliest = today - timedelta(days=settings.VCS_LETTER_SENT_BACKDATE_DAYS)
    if sent_on > today:
        raise ValidationError({"sent_on": "The date the letter was sent must be today or in the past"})
    if sent_on < earliest:
        raise ValidationError(
            {
                "sent_on": f"The date the letter was sent must be within the last "
                f"{settings.VCS_LETTER_SENT_BACKDATE_DAYS} days (on or after {_d(earliest)})"
            }
        )
    approved_on = timezone.localtime(letter.approved_at).date() if letter.approved_at else today
    if sent_on < approved_on:
        raise ValidationError(
            {
                "sent_on": "The date the letter was sent must be on or after it was approved "
                f"({_d(approved_on)})"
            }
        )


@transaction.atomic
def letter_mark_sent(*, actor: User, letter: Letter, sent_via: str, sent_on: date | None = None) -> Letter:
    """Record that an approved letter went out (today, or on ``sent_on`` up to
    ``VCS_LETTER_SENT_BACKDATE_DAYS`` ago), log it as a contact, and close the task that asked for it."""

    letter = _locked(letter)
    _require(letter, LetterStatus.APPROVED, doing="marked as sent")
    if sent_via not in SentVia.values:
        raise ValidationError({"sent_via": "Choose how the letter was sent"})
    today = _today()
    sent_on = sent_on or today
    _sent_on_check(letter, sent_on)
    if sent_via == SentVia.POSTED:
        current = letter.case.victim.current_address
        if current is None or current.pk != letter.address_id:
            raise ValidationError(
                "The victim's safe address has changed since this letter was approved. "
                "Cancel it and draft it again, so that it goes to the current address"
            )
    # Today: now. An earlier day: noon, so the contact falls on that day in UK time.
    sent_at = (
        timezone.now() if sent_on == today else timezone.make_aware(datetime.combine(sent_on, time(12, 0)))
    )
    contact_record(
        actor=actor,
        case=letter.case,
        occurred_at=sent_at,
        method=Method.LETTER if sent_via == SentVia.POSTED else Method.EMAIL,
        direction=Direction.OUTGOING,
        with_whom=ContactWith.VICTIM,
        summary=f"Letter sent: {letter.subject}",
    )
    letter.status = LetterStatus.SENT
    letter.sent_via = sent_via
    letter.sent_at = sent_at
    letter.sent_by = actor
    letter.save(update_fields=["status", "sent_via", "sent_at", "sent_by"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=letter, summary=f"letter sent: {sent_via}")
    asked = asking_task(letter)
    if asked is not None:
        for task in Task.objects.filter(
            case_id=letter.case_id, kind=asked[0], dedupe_key=asked[1], status=TaskStatus.OPEN
        ):
            task_close(
                task=task,
                status=TaskStatus.DONE,
                outcome=f"Letter sent on {_d(sent_on)} ({SentVia(sent_via).label.lower()})",
                actor=actor,
            )
    return letter


def letter_cancel_by_rule(*, letter: Letter, reason: str) -> bool:
    """Cancel a draft the sweeps made that a rule no longer asks for; audited with the reason.

    A conditional update, so cancelling twice cancels once, and a draft a VLO approved meanwhile
    is left alone. ``reason`` is the rule's words, never the letter's.
    """
    cancelled = Letter.objects.filter(pk=letter.pk, status=LetterStatus.DRAFT).update(
        status=LetterStatus.CANCELLED, cancelled_at=timezone.now(), cancelled_by=None
    )
    if cancelled:
        audit_record(
            actor=None, action=AuditAction.UPDATE, obj=letter, summary=f"letter cancelled by rule: {reason}"
        )
    return bool(cancelled)


@transaction.atomic
def letter_cancel(*, actor: User, letter: Letter) -> Letter:
    """Cancel a draft or an approved letter. It stays on record; its period is free to draft again."""
    letter = _locked(letter)
    _require(letter, LetterStatus.DRAFT, LetterStatus.APPROVED, doing="cancelled")
    letter.status = LetterStatus.CANCELLED
    letter.cancelled_at = timezone.now()
    letter.cancelled_by = actor
    letter.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=letter, summary="letter cancelled")
    return letter


def letter_pdf_store(*, letter_id: int) -> bool:
    """Render and store the PDF of an approved or sent letter. Returns whether it stored one.

    Rendering is outside any transaction (it takes a while); the store is a conditional update,
    so a letter cancelled or approved again meanwhile is left alone, and a letter whose PDF is
    already stored is neither rendered nor stored again: a task retried, or redelivered after
    its worker died, stores each PDF exactly once.
    """
    letter = (
        Letter.objects.without_pdf()
        .select_related("case", "case__victim", "case__officer", "address")
        .filter(pk=letter_id, status__in=[LetterStatus.APPROVED, LetterStatus.SENT], pdf__isnull=True)
        .first()
    )
    if letter is None:
        return False
    pdf, pages = rendering.letter_pdf(letter, on=_today())
    stored = Letter.objects.filter(
        pk=letter_id,
        status__in=[LetterStatus.APPROVED, LetterStatus.SENT],
        approved_at=letter.approved_at,
        pdf__isnull=True,
    ).update(pdf=pdf, pdf_rendered_at=timezone.now(), pdf_pages=pages)
    return stored == 1


def letter_pdf_for_download(*, actor: User, letter: Letter) -> bytes:
    """The letter's PDF (rendered now if the worker has not yet stored it), audited as a download."""
    if letter.status not in (LetterStatus.APPROVED, LetterStatus.SENT):
        raise ValidationError("Only an approved letter has a PDF. Approve it first")
    pdf = Letter.objects.filter(pk=letter.pk).values_list("pdf", flat=True).first()
    if not pdf:
        letter_pdf_store(letter_id=letter.pk)
        pdf = Letter.objects.filter(pk=letter.pk).values_list("pdf", flat=True).first()
    if not pdf:
        raise ValidationError("The PDF could not be made. Try again")
    audit_record(actor=actor, action=AuditAction.DOWNLOAD, obj=letter, summary="letter pdf")
    return bytes(pdf)


@transaction.atomic
def letters_bulk_print(*, actor: User, letters: Sequence[Letter]) -> tuple[bytes, int]:
    """One PDF of ``letters`` for printing, each audited as downloaded. Returns (PDF, pages)."""
    pdf, pages = rendering.letters_merged_pdf(letters, on=_today())
    for letter in letters:
        audit_record(actor=actor, action=AuditAction.DOWNLOAD, obj=letter, summary="letter bulk print")
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="letters.Letter",
        summary=f"bulk print: {len(letters)} letters, {pages} pages",
    )
    return pdf, pages
