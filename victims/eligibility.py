"""What a change in a sentence's eligibility means for its cases: a flag for a person to review.

The rules and the assessment rows are the offenders app's (``offenders.eligibility``); a case is
the victims app's, so the flagging lives here, and so do the two ways a sentence is re-checked:
``sentence_reassess`` after a change a VLO records, and the daily ``eligibility_sweep``. A case is
never closed by a rule: leaving statutory flags it; becoming statutory makes it statutory (so
deadlines apply at once) and flags it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from offenders.eligibility import (
    RULE_LABELS,
    SWEEP_CHUNK_SIZE,
    AssessmentChange,
    chunk_range,
    sentence_assess,
    sentences_sweep,
)
from offenders.models import Eligibility, EligibilitySweep, Sentence
from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, AuditEvent, User
from vcs_portal.core.sweeps import SweepResult

from .models import Case, CaseStatus

REVIEW_SUMMARY = "flagged for eligibility review"
CASE_FLAG_FIELDS = ("pk", "sentence_id", "statutory", "needs_review", "review_reason")


def _outcome_label(outcome: str) -> str:
    return str(Eligibility(outcome).label) if outcome in Eligibility.values else outcome


def review_reason(change: AssessmentChange, *, was_statutory: bool) -> str:
    """The text shown on a flagged case: what changed, under which rule, and that it stays open."""
    rule = RULE_LABELS.get(change.result.rule, change.result.rule)
    new = _outcome_label(change.result.outcome).lower()
    if change.previous is None:
        before = "statutory" if was_statutory else "non-statutory"
        text = f"Eligibility assessed as {new} ({rule}), but the case is recorded as {before}."
    else:
        text = f"Eligibility changed from {_outcome_label(change.previous).lower()} to {new} ({rule})."
    return f"{text} Review the case; it has not been closed."[:255]


def cases_flag(cases: Iterable[Case], changes: dict[int, AssessmentChange]) -> list[Case]:
    """Mark the open cases whose statutory standing changed and save them; return those flagged.

    With no earlier assessment, a case is flagged only where its own ``statutory`` flag disagrees.
    Saved with one UPDATE per distinct reason: a handful of reasons covers any number of cases,
    where bulk_update's CASE per row takes tens of seconds for the tens of thousands a first
    sweep can flag.
    """
    flagged: list[Case] = []
    for case in cases:
        change = changes[case.sentence_id]
        now_statutory = change.result.outcome == Eligibility.STATUTORY
        if change.previous is None:
            differs = case.statutory != now_statutory
        else:
            differs = (change.previous == Eligibility.STATUTORY) != now_statutory
        if not differs:
            continue
        case.review_reason = review_reason(change, was_statutory=case.statutory)
        case.needs_review = True
        if now_statutory:
            case.statutory = True
        flagged.append(case)
    groups: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for case in flagged:
        groups[(case.review_reason, case.statutory)].append(case.pk)
    for (reason, statutory), pks in groups.items():
        Case.objects.filter(pk__in=pks).update(needs_review=True, review_reason=reason, statutory=statutory)
    return flagged


@transaction.atomic
def sentence_reassess(*, sentence: Sentence, actor: User | None = None, today: date | None = None) -> bool:
    """Re-check a sentence after a change (an appeal, a correction) and flag its open cases.

    Returns whether the stored outcome changed. Each flagged case is audited.
    """
    change = sentence_assess(sentence=sentence, today=today)
    if change is None:
        return False
    open_cases = Case.objects.filter(sentence=sentence).exclude(status=CaseStatus.CLOSED)
    for case in cases_flag(open_cases.only(*CASE_FLAG_FIELDS), {sentence.pk: change}):
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, summary=REVIEW_SUMMARY)
    return True


def _result(sweep: EligibilitySweep) -> SweepResult:
    return SweepResult(
        "Eligibility sweep",
        {
            "sentences checked": sweep.sentences_checked,
            "changed": sweep.changed,
            "cases flagged for review": sweep.flagged_for_review,
        },
    )


def eligibility_sweep(*, as_of: date, chunk_size: int = SWEEP_CHUNK_SIZE) -> SweepResult:
    """Re-check every sentence once a day and flag the cases whose standing changed.

    A second run the same day changes nothing and reports the finished day's figures (the day is
    claimed by its summary row; see ``offenders.eligibility.sentences_sweep``).
    """
    for sweep, chunk, changes in sentences_sweep(run_on=as_of, chunk_size=chunk_size):
        if not changes:
            continue
        cases = (
            Case.objects.filter(**chunk_range(chunk), sentence_id__in=list(changes))
            .exclude(status=CaseStatus.CLOSED)
            .order_by()
            .only(*CASE_FLAG_FIELDS)
        )
        flagged = cases_flag(cases, changes)
        # The sweep has no request, so no origin; the rows are otherwise those audit_record writes.
        now = timezone.now()
        AuditEvent.objects.bulk_create(
            AuditEvent(
                at=now,
                actor=None,
                action=AuditAction.UPDATE,
                object_type=Case._meta.label,
                object_id=str(case.pk),
                summary=REVIEW_SUMMARY,
            )
            for case in flagged
        )
        sweep.flagged_for_review += len(flagged)
    return _result(EligibilitySweep.objects.get(run_on=as_of))
