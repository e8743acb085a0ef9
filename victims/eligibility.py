"""What a change in a sentence's eligibility means for its cases: a flag for a person to review.

The rules and the assessment rows are the offenders app's (``offenders.eligibility``); a case is
the victims app's, so the flagging lives here, and so do the two ways a sentence is re-checked:
``sentence_reassess`` after a change a VLO records, and the daily ``eligibility_sweep``. A case is
never closed by a rule: leaving statutory flags it; becoming statutory makes it statutory (so
deadlines apply at once) and flags it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from offenders.eligibility import (
    RULE_LABELS,
    RULE_REVIEW_VICTIM_AGE,
    SWEEP_CHUNK_SIZE,
    Assessment,
    AssessmentChange,
    Chunk,
    assess,
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
CASE_FLAG_FIELDS = (
    "pk",
    "sentence_id",
    "statutory",
    "needs_review",
    "review_reason",
    "victim__date_of_birth",
)
# Reads the sentence and its counts again, with one victim's date of birth.
Reassess = Callable[[Case], Assessment]


def _outcome_label(outcome: str) -> str:
    return str(Eligibility(outcome).label) if outcome in Eligibility.values else outcome


def review_reason(change: AssessmentChange, *, was_statutory: bool) -> str:
    """The text shown on a flagged case: what changed, under which rule, and that it stays open.

    A question only a date of birth can answer is asked in so many words.
    """
    if change.result.outcome == Eligibility.NEEDS_REVIEW:
        question = next((r for r in change.result.reasons if "?" in r), change.result.reasons[0])
        return f"{question} Review the case; it has not been closed."[:255]
    rule = RULE_LABELS.get(change.result.rule, change.result.rule)
    new = _outcome_label(change.result.outcome).lower()
    if change.previous is None:
        before = "statutory" if was_statutory else "non-statutory"
        text = f"Eligibility assessed as {new} ({rule}), but the case is recorded as {before}."
    else:
        text = f"Eligibility changed from {_outcome_label(change.previous).lower()} to {new} ({rule})."
    return f"{text} Review the case; it has not been closed."[:255]


def _for_case(case: Case, change: AssessmentChange, reassess: Reassess) -> AssessmentChange:
    """The case's own outcome: a victim's age that the sentence alone cannot tell is this case's."""
    if change.result.rule != RULE_REVIEW_VICTIM_AGE or case.victim.date_of_birth is None:
        return change
    return AssessmentChange(change.sentence_id, change.previous, reassess(case))


def cases_flag(
    cases: Iterable[Case], changes: dict[int, AssessmentChange], *, reassess: Reassess
) -> list[Case]:
    """Mark the open cases whose statutory standing changed and save them; return those flagged.

    With no earlier assessment, a case is flagged only where its own ``statutory`` flag disagrees.
    A case whose outcome turns on a date of birth not recorded is always flagged, with the question.
    Saved with one UPDATE per distinct reason: a handful of reasons covers any number of cases,
    where bulk_update's CASE per row takes tens of seconds for the tens of thousands a first
    sweep can flag.
    """
    flagged: list[Case] = []
    for case in cases:
        change = _for_case(case, changes[case.sentence_id], reassess)
        now_statutory = change.result.outcome == Eligibility.STATUTORY
        if change.result.outcome == Eligibility.NEEDS_REVIEW:
            differs = True
        elif change.previous is None:
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
    open_cases = (
        Case.objects.filter(sentence=sentence).exclude(status=CaseStatus.CLOSED).select_related("victim")
    )

    def reassess(case: Case) -> Assessment:
        return assess(sentence, victim_born_on=case.victim.date_of_birth)

    for case in cases_flag(open_cases.only(*CASE_FLAG_FIELDS), {sentence.pk: change}, reassess=reassess):
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, summary=REVIEW_SUMMARY)
    return True


def _chunk_reassess(chunk: Chunk) -> Reassess:
    """Assess a case's sentence again from the chunk's own rows, with the case's victim."""
    by_pk = {sentence.pk: (sentence, counts) for sentence, counts in chunk}

    def reassess(case: Case) -> Assessment:
        sentence, counts = by_pk[case.sentence_id]
        return assess(sentence, counts, victim_born_on=case.victim.date_of_birth)

    return reassess


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
    """Re-check the sentences due (those changed; every one on a first run or new rules) and flag
    the cases whose standing changed.

    A second run the same day changes nothing and reports the finished day's figures (the day is
    claimed by its summary row; see ``offenders.eligibility.sentences_sweep``).
    """
    for sweep, chunk, changes in sentences_sweep(run_on=as_of, chunk_size=chunk_size):
        if not changes:
            continue
        cases = (
            Case.objects.filter(**chunk_range(chunk))
            .filter(sentence_id__in=list(changes))
            .exclude(status=CaseStatus.CLOSED)
            .select_related("victim")
            .order_by()
            .only(*CASE_FLAG_FIELDS)
        )
        flagged = cases_flag(cases, changes, reassess=_chunk_reassess(chunk))
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
