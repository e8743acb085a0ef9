"""The retention policy: anonymise a closed case once its retention date has passed.

A case closes with ``retention_date`` set (``case_status_change``: closing day plus
``VCS_RETENTION_YEARS``). On or after that day the sweep replaces every free-text field
that could hold personal data with a fixed phrase, and when all of a victim's cases are
done it removes the victim's own details and deletes their addresses. The skeleton stays
(reference, dates, statuses, kinds and counts) so the statistics still add up.

django-pghistory keeps every earlier version of a tracked row in its ``<Model>History``
table, so the old values are deleted there too; the anonymising UPDATE itself then writes
one new history row holding only the anonymised values. Audit rows are append-only and
never hold values (``AuditEvent``), so they stay. See docs/retention.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Case as SqlCase
from django.db.models import F, Model, QuerySet, Value, When
from django.utils import timezone

from contacts.models import Contact, ReferralOut, Task, TaskKind
from parole.models import (
    LicenceConditionRequest,
    MultiAgencyMeeting,
    ReconsiderationRequest,
    TribunalHearing,
)
from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction
from vcs_portal.core.sweeps import SweepResult
from vcs_portal.letters.models import Letter
from victims.models import (
    Address,
    Case,
    CaseStatus,
    CaseStatusChange,
    SafetyConcern,
    Victim,
    VictimRestriction,
)

REMOVED = "[removed under the retention policy]"
REMOVED_NAME = "Removed"
AUDIT_SUMMARY = "retention: anonymised"


def cases_due(*, today: date) -> QuerySet[Case]:
    """Closed cases whose retention date is on or before ``today`` and not yet anonymised.

    ``<=`` rather than ``==`` is what lets a later run catch up days the sweep missed.
    """
    return Case.objects.filter(
        status=CaseStatus.CLOSED, retention_date__lte=today, anonymised_at__isnull=True
    ).order_by("retention_date", "pk")


def _forget_history(model: type[Model], pks: list[int]) -> int:
    """Delete the write-history rows of ``model`` objects ``pks``: they hold the old values."""
    if not pks:
        return 0
    history = model._meta.get_field("history").related_model  # the pghistory event model
    # The application role may not DELETE write history; this function may (core migration 0004).
    with connection.cursor() as cursor:
        cursor.execute("SELECT vcs_history_forget(%s::regclass, %s::bigint[])", [history._meta.db_table, pks])
        return cursor.fetchone()[0]


def _blank_text(
    queryset: QuerySet,
    *fields: str,
    required: tuple[str, ...] = (),
    extra: dict[str, Any] | None = None,
) -> None:
    """Replace ``required`` fields, and ``fields`` where not empty, with ``REMOVED``.

    The history is forgotten first, then ONE update statement changes every field at once:
    a history row written by a partial update would keep the fields not yet changed.
    ``fields`` must be plain text: an expression bypasses the encryption of encrypted fields,
    so encrypted ones go in ``required``, which are assigned plain values.
    """
    pks = list(queryset.values_list("pk", flat=True))
    if not pks:
        return
    model = queryset.model
    if hasattr(model, "history"):
        _forget_history(model, pks)
    updates: dict[str, Any] = dict.fromkeys(required, REMOVED)
    for field in fields:
        updates[field] = SqlCase(When(**{field: ""}, then=Value("")), default=Value(REMOVED))
    updates.update(extra or {})
    model._default_manager.filter(pk__in=pks).update(**updates)


def _anonymise_case_records(case: Case) -> None:
    """Every free-text record on the case, and its history."""
    _blank_text(Contact.objects.filter(case=case), "outcome", required=("summary",))
    # A task added by hand has a title the VLO typed; generated ones name the rule.
    manual_title = SqlCase(When(kind=TaskKind.MANUAL, then=Value(REMOVED)), default=F("title"))
    _blank_text(Task.objects.filter(case=case), "detail", "outcome", extra={"title": manual_title})
    _blank_text(ReferralOut.objects.filter(case=case), "notes")
    _blank_text(SafetyConcern.objects.filter(case=case), required=("description",))
    _blank_text(LicenceConditionRequest.objects.filter(case=case), "description", "outcome_reason")
    _blank_text(ReconsiderationRequest.objects.filter(case=case), "notes")
    _blank_text(
        TribunalHearing.objects.filter(case=case),
        "representations_summary",
        "requested_conditions",
        "victim_impact_statement",
    )
    _blank_text(MultiAgencyMeeting.objects.filter(case=case), "outcome", required=("views_put_forward",))
    _blank_text(CaseStatusChange.objects.filter(case=case), "reason")
    _blank_text(
        Letter.objects.filter(case=case),
        "free_text",
        required=("subject", "body_html"),
        extra={"addressee": "", "pdf": None, "pdf_pages": None},
    )


def _anonymise_victim(victim: Victim, *, now: datetime) -> None:
    """The victim's own details: names, date of birth, contact details; addresses deleted."""
    address_pks = list(victim.addresses.values_list("pk", flat=True))
    # A letter keeps the address it was approved for (PROTECT): let go of it first.
    Letter.objects.filter(address_id__in=address_pks).update(address=None)
    Address.objects.filter(pk__in=address_pks).delete()
    _forget_history(Address, address_pks)

    restrictions = VictimRestriction.objects.filter(victim=victim)
    restriction_pks = list(restrictions.values_list("pk", flat=True))
    _forget_history(VictimRestriction, restriction_pks)
    restrictions.update(detail="", lifted_reason="")

    _forget_history(Victim, [victim.pk])
    victim.first_name = REMOVED_NAME
    victim.last_name = REMOVED_NAME
    victim.date_of_birth = None
    victim.phone = ""
    victim.email = ""
    victim.accessibility_needs = ""
    victim.safe_times_to_call = ""
    victim.guardian_first_name = ""
    victim.guardian_last_name = ""
    victim.guardian_relationship = ""
    victim.anonymised_at = now
    victim.save()
    audit_record(actor=None, action=AuditAction.DELETE, obj=victim, summary=AUDIT_SUMMARY)


@dataclass(frozen=True)
class CaseResult:
    case_done: bool
    victim_done: bool


@transaction.atomic
def case_anonymise(*, case_pk: int) -> CaseResult:
    """Anonymise one due case, and its victim if it was their last case still holding details.

    Claims the case with a row lock and re-checks it is closed and not yet anonymised, so two
    sweeps running at once do the work once.
    """
    case = (
        Case.objects.select_for_update()
        .filter(pk=case_pk, status=CaseStatus.CLOSED, anonymised_at__isnull=True)
        .first()
    )
    if case is None:
        return CaseResult(case_done=False, victim_done=False)
    now = timezone.now()
    _anonymise_case_records(case)
    case.anonymised_at = now
    case.save(update_fields=["anonymised_at"])
    audit_record(actor=None, action=AuditAction.DELETE, obj=case, summary=AUDIT_SUMMARY)

    # Lock the victim so a case opened for them meanwhile is seen (or waits for us).
    victim = Victim.objects.select_for_update().get(pk=case.victim_id)
    if victim.anonymised_at is not None or victim.cases.filter(anonymised_at__isnull=True).exists():
        return CaseResult(case_done=True, victim_done=False)
    _anonymise_victim(victim, now=now)
    return CaseResult(case_done=True, victim_done=True)


def _victims_finished_by(case_pks: list[int]) -> int:
    """How many victims would have every case anonymised once ``case_pks`` are."""
    victim_pks = set(Case.objects.filter(pk__in=case_pks).values_list("victim_id", flat=True))
    still_held = (
        Case.objects.filter(victim_id__in=victim_pks, anonymised_at__isnull=True)
        .exclude(pk__in=case_pks)
        .values_list("victim_id", flat=True)
    )
    return (
        Victim.objects.filter(pk__in=victim_pks, anonymised_at__isnull=True)
        .exclude(pk__in=still_held)
        .count()
    )


def retention_sweep(*, as_of: date, dry_run: bool = False) -> SweepResult:
    """Anonymise every case due on or before ``as_of``: one transaction per case.

    Safe to run twice (a second run finds nothing due) and catches up missed days.
    With ``dry_run`` nothing changes; the counts say what a real run would do.
    """
    due = list(cases_due(today=as_of).values_list("pk", flat=True))
    if dry_run:
        return SweepResult(
            "Retention (dry run)",
            {"cases due": len(due), "victims due": _victims_finished_by(due)},
            notes=["nothing changed"],
        )
    result = SweepResult.of("Retention", ["cases anonymised", "victims anonymised"])
    for pk in due:
        done = case_anonymise(case_pk=pk)
        result.add("cases anonymised", done.case_done)
        result.add("victims anonymised", done.victim_done)
    return result
