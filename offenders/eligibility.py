"""Who is eligible for the Victim Contact Scheme: one function per rule, with reasons a VLO can read.

The statutory test (DOMAIN.md section 2, ss.35-45 Domestic Violence, Crime and Victims Act 2004)
needs a sexual or violent offence and either custody of 12 months or more, an indeterminate
sentence or a hospital disposal. Domestic abuse, stalking, harassment and hate crime may be
offered the scheme at a manager's discretion. ``assess`` is pure; ``sentence_reassess`` and
``eligibility_sweep`` store a new assessment only when the outcome or rule changes, and flag
the open cases of a sentence whose statutory standing changed for a person to review: a case is
never closed by a rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from vcs_portal.core.pages import lower_first
from vcs_portal.core.prepared import Prepared

from . import models as offender_models
from .models import (
    HOSPITAL_TYPES,
    INDETERMINATE_TYPES,
    NON_CUSTODIAL_TYPES,
    RECHECK_TABLE,
    RESTRICTED_HOSPITAL_TYPES,
    Concurrency,
    Eligibility,
    EligibilityAssessment,
    EligibilityRecheck,
    EligibilitySweep,
    Offence,
    Sentence,
    SentenceOffence,
    SentenceType,
    SexualCondition,
)

SWEEP_CHUNK_SIZE = 2000
# Any fixed 64-bit number: held for the whole sweep so two workers never run it at once.
SWEEP_LOCK_KEY = 0x5643_5345_4C49_47  # "VCSELIG"

DVCVA = "Domestic Violence, Crime and Victims Act 2004"
SOURCE_CUSTODY = f"s.35 {DVCVA}"
SOURCE_HOSPITAL = f"ss.36-44A {DVCVA}"
SOURCE_OFFENCE = f"s.45 {DVCVA}"
SOURCE_SCHEDULE_18 = "Schedule 18, Sentencing Act 2020"
SOURCE_SCHEDULE_15 = "Criminal Justice Act 2003"
SOURCE_NOTIFICATION = "Part 2 and Schedule 3, Sexual Offences Act 2003"
SOURCE_SCHEDULE_3 = "Sexual Offences Act 2003"
SOURCE_CHILD = "Criminal Justice and Court Services Act 2000"
SOURCE_DISCRETION = "a discretionary case under the Probation Service's Victim Contact Scheme guidance"

RULE_CUSTODY = "custody_12_months"
RULE_CUSTODY_SHORT = "custody_under_12_months"
RULE_TERM_MISSING = "term_not_recorded"
RULE_HOSPITAL = "hospital_order"
RULE_INDETERMINATE = "indeterminate"
RULE_DISCRETIONARY = "discretionary_context"
RULE_NO_OFFENCE = "no_qualifying_offence"
RULE_NON_CUSTODIAL = "non_custodial"
# Outcome NEEDS_REVIEW: the sentence qualifies if a condition is met that turns on a date of birth
# not recorded; the reasons ask the question.
RULE_REVIEW_VICTIM_AGE = "needs_review_victim_age"
RULE_REVIEW_OFFENDER_AGE = "needs_review_offender_age"

# Plain-English names for the rule codes, used in review reasons shown on a case.
RULE_LABELS = {
    RULE_CUSTODY: "custody of 12 months or more",
    RULE_CUSTODY_SHORT: "custody under 12 months",
    RULE_TERM_MISSING: "no custodial term recorded",
    RULE_HOSPITAL: "hospital order",
    RULE_INDETERMINATE: "indeterminate sentence",
    RULE_DISCRETIONARY: "discretionary case (domestic abuse, stalking, harassment or hate crime)",
    RULE_NO_OFFENCE: "no sexual or violent offence",
    RULE_NON_CUSTODIAL: "not a custodial sentence",
    RULE_REVIEW_VICTIM_AGE: "needs the victim's date of birth",
    RULE_REVIEW_OFFENDER_AGE: "needs the offender's date of birth",
}

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@dataclass(frozen=True)
class Assessment:
    """The outcome of the rules for one sentence: which rule decided it, and why in plain English."""

    outcome: str
    rule: str
    reasons: tuple[str, ...]


# --- helpers ----------------------------------------------------------------------------------


def min_custody_months() -> int:
    """The custody threshold in months; a setting so a change in law or policy is not a code change."""
    return settings.VCS_ELIGIBILITY_MIN_CUSTODY_MONTHS


def _number(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def term_text(term: relativedelta) -> str:
    """A length as people say it ("3 years 6 months"), or "no time" when it is empty."""
    parts = [
        _plural(value, unit)
        for value, unit in ((term.years, "year"), (term.months, "month"), (term.days, "day"))
        if value
    ]
    return " ".join(parts) or "no time"


@lru_cache(maxsize=8)
def _months(n: int) -> relativedelta:
    return relativedelta(months=n)  # Cached: the sweep compares tens of thousands of terms with it.


def _is_at_least(start: date, term: relativedelta, months: int) -> bool:
    """Whether ``term`` from ``start`` lasts ``months`` or more; dates, since relativedelta has no order."""
    return start + term >= start + _months(months)


def _label(outcome: str) -> str:
    return str(Eligibility(outcome).label) if outcome in Eligibility.values else outcome


# --- the qualifying offence (s.45) ------------------------------------------------------------

_PARTS = (
    (1, "specified_violent", "violent"),
    (2, "specified_sexual", "sexual"),
    (3, "specified_terrorism", "terrorism"),
)


def _schedule_18(offence: Offence, part: int) -> str:
    """Where Schedule 18 (or, numbered there, Schedule 15) lists the offence, as a VLO reads it."""
    if offence.schedule_18_paragraph:
        return f"Schedule 18 Part {part} para {offence.schedule_18_paragraph}, Sentencing Act 2020"
    if offence.schedule_15_paragraph:
        return (
            f"Schedule 15 Part {part} para {offence.schedule_15_paragraph}, {SOURCE_SCHEDULE_15}; "
            f"now Schedule 18 Part {part}, Sentencing Act 2020"
        )
    return SOURCE_SCHEDULE_18


def _schedule_3(offence: Offence) -> str:
    if offence.sexual_paragraph:
        return f"Schedule 3 para {offence.sexual_paragraph}, {SOURCE_SCHEDULE_3}"
    return SOURCE_NOTIFICATION


def _schedule_4(offence: Offence) -> str:
    if offence.child_paragraph:
        return f"Schedule 4 para {offence.child_paragraph}, {SOURCE_CHILD}; {SOURCE_OFFENCE}"
    return SOURCE_OFFENCE


def offence_grounds(offence: Offence) -> list[str]:
    """Why an offence is sexual or violent under s.45 whoever the parties, one phrase per ground.

    Empty if it is not. Grounds with a condition (Schedule 3 thresholds, the victim being a child)
    are weighed per count by ``count_grounds``, which needs the sentence and the people.
    """
    grounds = []
    if offence.murder:
        grounds.append(f"murder, named in {SOURCE_OFFENCE}")
    for part, flag, label in _PARTS:
        if getattr(offence, flag):
            grounds.append(f"a specified {label} offence ({_schedule_18(offence, part)})")
    if offence.sex_offender_notification and not offence.sexual_condition:
        grounds.append(f"an offence that requires notification as a sex offender ({_schedule_3(offence)})")
    if offence.against_child:
        grounds.append(f"an offence against a child ({_schedule_4(offence)})")
    return grounds


def _join(phrases: Sequence[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return f"{', '.join(phrases[:-1])} and {phrases[-1]}"


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _age(born: date, on: date) -> int:
    return relativedelta(on, born).years


@dataclass(frozen=True)
class Question:
    """A fact the law needs that is not recorded, as the question a person must answer."""

    rule: str
    text: str


@dataclass
class People:
    """The dates of birth the conditions read; the offender's is fetched only when a condition needs it."""

    sentence: Sentence
    victim_born_on: date | None = None
    offender_born_on: date | None = None
    _offender_read: bool = field(default=False, init=False, repr=False)

    def offender_born(self) -> date | None:
        if self.offender_born_on is None and not self._offender_read:
            self._offender_read = True  # One lookup: ``sentence.offender`` is a query unless select_related.
            self.offender_born_on = self.sentence.offender.date_of_birth
        return self.offender_born_on


# A condition's answer: True or False, or the Question when a fact is missing.
Answer = bool | Question


def _offender_at_least(people: People, years: int) -> Answer:
    """Whether the offender was ``years`` or over at conviction; the sentence date stands in for it."""
    on = people.sentence.sentence_date
    born = people.offender_born()
    if born is None:
        return Question(
            RULE_REVIEW_OFFENDER_AGE,
            f"Was the offender {years} or over when convicted (sentenced on {_day(on)})? "
            "Record their date of birth.",
        )
    return _age(born, on) >= years


def _victim_under_18(people: People, count: SentenceOffence) -> Answer:
    """Whether the victim was under 18 on the offence date."""
    on = count.offence_date
    if people.victim_born_on is None:
        when = f"on {_day(on)}" if on else "when the offence was committed"
        return Question(
            RULE_REVIEW_VICTIM_AGE, f"Was the victim under 18 {when}? Record their date of birth."
        )
    if on is None:
        return Question(
            RULE_REVIEW_VICTIM_AGE,
            f"Was the victim under 18 when {count.offence} was committed? Record the offence date.",
        )
    return _age(people.victim_born_on, on) < 18


def _count_term_at_least(
    sentence: Sentence, count: SentenceOffence, counts: Sequence[SentenceOffence], months: int
) -> bool:
    """Whether the custody passed for this offence is ``months`` or more (Schedule 3 thresholds).

    The count's own term where the court gave one, else the sentence's; indeterminate custody meets
    any threshold; a hospital order or a non-custodial sentence is not imprisonment.
    """
    kind = sentence.sentence_type
    if kind in INDETERMINATE_TYPES:
        return True
    if kind in HOSPITAL_TYPES or kind in NON_CUSTODIAL_TYPES:
        return False
    term = count.term if count.has_term else aggregate_term(sentence, counts)
    return term is not None and _is_at_least(sentence.sentence_date, term, months)


def _all(*answers: Answer) -> Answer:
    """Conditions joined by "and": False if any fails, else the first missing fact, else True."""
    if any(a is False for a in answers):
        return False
    return next((a for a in answers if isinstance(a, Question)), True)


def sexual_condition_met(
    condition: str,
    *,
    sentence: Sentence,
    count: SentenceOffence,
    counts: Sequence[SentenceOffence],
    people: People,
) -> Answer:
    """Apply one Schedule 3 condition to a count; a Question when a date of birth it needs is missing."""
    at_least = _count_term_at_least
    if condition == SexualCondition.OFFENDER_18_OR_12_MONTHS:
        return True if at_least(sentence, count, counts, 12) else _offender_at_least(people, 18)
    if condition == SexualCondition.OFFENDER_18_AND_2_YEARS:
        return _offender_at_least(people, 18) if at_least(sentence, count, counts, 24) else False
    if condition == SexualCondition.OFFENDER_20:
        return _offender_at_least(people, 20)
    if condition == SexualCondition.OFFENDER_20_VICTIM_UNDER_18:
        return _all(_offender_at_least(people, 20), _victim_under_18(people, count))
    if condition == SexualCondition.VICTIM_UNDER_18:
        return _victim_under_18(people, count)
    if condition == SexualCondition.VICTIM_UNDER_18_OR_30_MONTHS:
        if at_least(sentence, count, counts, 30) or sentence.sentence_type in RESTRICTED_HOSPITAL_TYPES:
            return True
        return _victim_under_18(people, count)
    if condition == SexualCondition.SENTENCE_12_MONTHS:
        return at_least(sentence, count, counts, 12)
    return True


@dataclass
class Grounds:
    """What the counts make of the s.45 test: reasons met, questions open, conditions not met."""

    qualifying: list[str]
    questions: list[Question]
    notes: list[str]


def count_grounds(sentence: Sentence, counts: Sequence[SentenceOffence], people: People) -> Grounds:
    """Weigh each count's grounds, conditional ones included, naming the paragraph that applied."""
    grounds = Grounds([], [], [])
    seen: set[str] = set()
    for count in counts:
        offence = count.offence
        phrases = offence_grounds(offence)
        if offence.sex_offender_notification and offence.sexual_condition:
            label = SexualCondition(offence.sexual_condition).label
            where = _schedule_3(offence)
            answer = sexual_condition_met(
                offence.sexual_condition, sentence=sentence, count=count, counts=counts, people=people
            )
            if answer is True:
                phrases.append(
                    f"an offence that requires notification as a sex offender, as {label} ({where})"
                )
            elif answer is False:
                grounds.notes.append(
                    f"{offence} requires notification only if {label} ({where}); that is not met."
                )
            else:
                grounds.questions.append(answer)
                grounds.notes.append(f"{offence} requires notification only if {label} ({where}).")
        if offence.victim_child_route and not offence.against_child:
            where = _schedule_4(offence)
            answer = _victim_under_18(people, count)
            if answer is True:
                phrases.append(f"an offence against a child, as the victim was under 18 ({where})")
            elif answer is False:
                grounds.notes.append(
                    f"{offence} is an offence against a child only if the victim was under 18 ({where}); "
                    "the victim was 18 or over."
                )
            else:
                grounds.questions.append(answer)
                grounds.notes.append(
                    f"{offence} is an offence against a child only if the victim was under 18 ({where})."
                )
        if phrases:
            reason = f"{offence} is {_join(phrases)}."
            if reason not in seen:  # Two counts of one offence say it once.
                seen.add(reason)
                grounds.qualifying.append(reason)
        if offence.in_force_from and count.offence_date and count.offence_date < offence.in_force_from:
            grounds.notes.append(
                f"{offence} came into force on {_day(offence.in_force_from)}, after the recorded "
                f"offence date of {_day(count.offence_date)}; check the offence recorded."
            )
    grounds.notes = list(dict.fromkeys(grounds.notes))
    grounds.questions = list(dict.fromkeys(grounds.questions))
    return grounds


def qualifying_reasons(
    counts: Iterable[SentenceOffence], *, sentence: Sentence | None = None, people: People | None = None
) -> tuple[str, ...]:
    """One sentence per sexual or violent offence among the counts, naming its grounds; empty if none.

    Without the sentence, conditional grounds are left out (they need it to be weighed).
    """
    counts = list(counts)
    if sentence is None:
        reasons = {f"{c.offence} is {_join(g)}.": None for c in counts if (g := offence_grounds(c.offence))}
        return tuple(reasons)
    return tuple(count_grounds(sentence, counts, people or People(sentence)).qualifying)


def rule_qualifying_offence(
    counts: Sequence[SentenceOffence], qualifying: Sequence[str] = (), notes: Sequence[str] = ()
) -> Assessment | None:
    """Not eligible when no count is a sexual or violent offence (s.45); None when one is."""
    if qualifying:
        return None
    if not counts:
        reasons = ["No offences are recorded on this sentence, so it cannot be assessed; add them."]
    else:
        offences = _join([str(c.offence) for c in counts])
        reasons = [f"None of the offences is a sexual or violent offence ({SOURCE_OFFENCE}): {offences}."]
        reasons += notes
        for count in counts:
            if count.offence.homicide:
                reasons.append(
                    f"{count.offence} caused a death, but that alone does not make it a sexual or "
                    f"violent offence ({SOURCE_OFFENCE})."
                )
    return Assessment(Eligibility.NOT_ELIGIBLE, RULE_NO_OFFENCE, tuple(reasons))


# --- the sentence -----------------------------------------------------------------------------


def rule_hospital_order(sentence: Sentence, qualifying: tuple[str, ...]) -> Assessment | None:
    """Statutory for a hospital disposal (s37, s37/41, s45A, s47/49 MHA 1983) for a qualifying offence.

    Whatever its length, and including after a finding of not guilty by reason of insanity or of
    unfitness to plead: those end in the same orders, so they need no rule of their own.
    """
    if sentence.sentence_type not in HOSPITAL_TYPES or not qualifying:
        return None
    label = lower_first(sentence.get_sentence_type_display())
    reason = (
        f"The disposal is a {label}, which brings the victim into the scheme whatever its length "
        f"({SOURCE_HOSPITAL})."
    )
    return Assessment(Eligibility.STATUTORY, RULE_HOSPITAL, (*qualifying, reason))


def rule_indeterminate(sentence: Sentence, qualifying: tuple[str, ...]) -> Assessment | None:
    """Statutory for life, IPP or detention at His Majesty's pleasure for a qualifying offence."""
    if sentence.sentence_type not in INDETERMINATE_TYPES or not qualifying:
        return None
    reason = (
        f"The sentence is indeterminate ({lower_first(sentence.get_sentence_type_display())}), so it "
        f"counts as custody of {min_custody_months()} months or more ({SOURCE_CUSTODY})."
    )
    return Assessment(Eligibility.STATUTORY, RULE_INDETERMINATE, (*qualifying, reason))


def rule_non_custodial(sentence: Sentence) -> Assessment | None:
    """Not eligible for a suspended sentence or community order: neither is custody (s.35)."""
    if sentence.sentence_type not in NON_CUSTODIAL_TYPES:
        return None
    what = "A suspended sentence" if sentence.sentence_type == SentenceType.SUSPENDED else "A community order"
    reason = (
        f"{what} is not custody, so the statutory scheme does not apply whatever its length "
        f"({SOURCE_CUSTODY})."
    )
    return Assessment(Eligibility.NOT_ELIGIBLE, RULE_NON_CUSTODIAL, (reason,))


def _counts_description(timed: Sequence[SentenceOffence]) -> str:
    """How the counts combine, each count with its term, so a VLO can check the arithmetic."""
    n = len(timed)
    consecutive = sum(1 for c in timed[1:] if c.concurrency == Concurrency.CONSECUTIVE)
    if n == 1:
        return f"one count: {timed[0].offence}, {term_text(timed[0].term)}"
    items = []
    for i, count in enumerate(timed):
        how = ""
        if i:
            how = ", consecutive" if count.concurrency == Concurrency.CONSECUTIVE else ", concurrent"
        items.append(f"count {count.position}, {count.offence}: {term_text(count.term)}{how}")
    listing = "; ".join(items)
    if consecutive == 0:
        return f"{_number(n)} concurrent terms, so the longest counts: {listing}"
    if consecutive == n - 1:
        return f"{_number(n)} consecutive terms, added together: {listing}"
    return f"{_number(n)} terms, {_number(consecutive)} of them consecutive: {listing}"


def counts_term(sentence: Sentence, counts: Sequence[SentenceOffence]) -> relativedelta | None:
    """The length the counts' own terms come to, laid out on the calendar; None if no count has one.

    From the sentence date, in count order (position, then pk): the first count and every
    concurrent count start on the sentence date; a consecutive count starts when everything
    before it has ended. The length is the whole period, from the sentence date to the latest
    end. Counts without a term of their own (e.g. "no separate penalty") are left out.
    """
    start = sentence.sentence_date
    end = None
    for count in counts:
        if not count.has_term:
            continue
        begins = end if end is not None and count.concurrency == Concurrency.CONSECUTIVE else start
        end = begins + count.term if end is None else max(end, begins + count.term)
    return None if end is None else relativedelta(end, start)


def aggregate_term(sentence: Sentence, counts: Sequence[SentenceOffence]) -> relativedelta | None:
    """The custodial length that counts for the threshold; None for indeterminate and hospital disposals.

    The sentence's own length when one is recorded: it is the total the court passed, and it is
    what an appeal amends (``sentence_amend_on_appeal`` changes only the total), so counts that
    said otherwise would hide the appeal. Otherwise the counts' terms combined (``counts_term``);
    None if neither is recorded.
    """
    if sentence.sentence_type in INDETERMINATE_TYPES or sentence.sentence_type in HOSPITAL_TYPES:
        return None
    if sentence.has_term:
        return sentence.term
    return counts_term(sentence, counts)


def rule_custody_length(
    sentence: Sentence, counts: Sequence[SentenceOffence], qualifying: tuple[str, ...]
) -> Assessment | None:
    """Statutory for custody of 12 months or more for a qualifying offence; not eligible under that (s.35).

    None when the rule does not apply: no qualifying offence, or not a fixed-term custodial sentence.
    The threshold is the setting VCS_ELIGIBILITY_MIN_CUSTODY_MONTHS (default 12).
    """
    kind = sentence.sentence_type
    if not qualifying or kind in INDETERMINATE_TYPES or kind in HOSPITAL_TYPES or kind in NON_CUSTODIAL_TYPES:
        return None
    months = min_custody_months()
    term = aggregate_term(sentence, counts)
    if term is None:
        reason = (
            "No custodial term is recorded for this sentence or its counts, so the "
            f"{months}-month test ({SOURCE_CUSTODY}) cannot be applied; record the term."
        )
        return Assessment(Eligibility.NOT_ELIGIBLE, RULE_TERM_MISSING, (*qualifying, reason))
    start = sentence.sentence_date
    timed = [c for c in counts if c.has_term]
    notes: tuple[str, ...] = ()
    if not sentence.has_term:
        what = f"aggregate custodial term is {term_text(term)} ({_counts_description(timed)})"
    else:
        what = f"custodial term is {term_text(term)}"
        by_counts = counts_term(sentence, counts) if timed else None
        if by_counts is not None and start + by_counts != start + term:
            notes = (
                f"The counts' own terms come to {term_text(by_counts)} ({_counts_description(timed)}), "
                f"not the recorded total of {term_text(term)}; the total is used. Check the sentence record.",
            )
    if _is_at_least(start, term, months):
        reason = f"The {what}, which is {months} months or more ({SOURCE_CUSTODY})."
        return Assessment(Eligibility.STATUTORY, RULE_CUSTODY, (*qualifying, *notes, reason))
    reason = f"The {what}, which is less than {months} months ({SOURCE_CUSTODY})."
    return Assessment(Eligibility.NOT_ELIGIBLE, RULE_CUSTODY_SHORT, (*qualifying, *notes, reason))


def _flagged_contexts(counts: Sequence[SentenceOffence]) -> list[str]:
    """ "<offence> is flagged as <contexts>" for each distinct offence the catalogue flags."""
    phrases = []
    seen: set[int] = set()
    for count in counts:
        offence = count.offence
        if offence.pk in seen or not offence.discretionary_context:
            continue
        seen.add(offence.pk)
        contexts = [
            label
            for flag, label in (
                (offence.domestic_abuse, "domestic abuse"),
                (offence.stalking_harassment, "stalking or harassment"),
                (offence.hate_crime, "hate crime"),
            )
            if flag
        ]
        phrases.append(f"{offence} is flagged as {_join(contexts)}")
    return phrases


def rule_discretionary_context(
    counts: Sequence[SentenceOffence], *, context: str | None = None
) -> Assessment | None:
    """A discretionary candidate for domestic abuse, stalking, harassment or hate crime, at any length.

    Only when the statutory rules did not make the case statutory; ``assess`` sees to that.
    ``context`` is the context a case recorded at referral, in words ("domestic abuse"): it decides.
    None (a sentence assessed without a case) lets the catalogue's offence flags decide instead;
    "" (a case that recorded no context) leaves the flags as a hint to record one.
    """
    flagged = _flagged_contexts(counts)
    if context is None and not flagged:
        return None
    if context == "":
        if not flagged:
            return None
        hint = (
            f"{_join(flagged)}: if the offence happened in that context, record it on the case so a "
            f"manager can decide on a discretionary offer ({SOURCE_DISCRETION})."
        )
        return Assessment(Eligibility.NOT_ELIGIBLE, "", (hint,))  # a hint only: the refusal's rule stands
    reasons = [f"{phrase}." for phrase in flagged]
    if context:
        reasons.insert(0, f"The referral records that the offence happened in a context of {context}.")
    reasons.append(
        "The scheme may be offered with a manager's approval, whatever the sentence or its length "
        f"({SOURCE_DISCRETION}); no statutory deadline applies."
    )
    return Assessment(Eligibility.DISCRETIONARY, RULE_DISCRETIONARY, tuple(reasons))


def _would_qualify(sentence: Sentence, counts: Sequence[SentenceOffence]) -> Assessment | None:
    """The statutory result the disposal would give with a qualifying offence; None if it gives none."""
    stand_in = ("",)
    for result in (
        rule_hospital_order(sentence, stand_in),
        rule_indeterminate(sentence, stand_in),
        rule_custody_length(sentence, counts, stand_in),
    ):
        if result is not None and result.outcome == Eligibility.STATUTORY:
            return result
    return None


def rule_needs_review(
    sentence: Sentence, counts: Sequence[SentenceOffence], grounds: Grounds
) -> Assessment | None:
    """Needs review when only a condition on a missing date of birth stands between the case and statutory.

    The law's answer turns on a fact nobody recorded, so the reasons ask for it rather than guess;
    the rule names which date of birth (victim's first, since a VLO can ask the victim).
    """
    if not grounds.questions or grounds.qualifying:
        return None
    disposal = _would_qualify(sentence, counts)
    if disposal is None:
        return None
    rules = {q.rule for q in grounds.questions}
    rule = RULE_REVIEW_VICTIM_AGE if RULE_REVIEW_VICTIM_AGE in rules else RULE_REVIEW_OFFENDER_AGE
    reasons = (*grounds.notes, *(q.text for q in grounds.questions), *disposal.reasons[1:])
    return Assessment(Eligibility.NEEDS_REVIEW, rule, reasons)


def assess(
    sentence: Sentence,
    counts: Sequence[SentenceOffence] | None = None,
    *,
    victim_born_on: date | None = None,
    offender_born_on: date | None = None,
    context: str | None = None,
) -> Assessment:
    """Apply the rules to a sentence: statutory rules first, then discretion, else not eligible and why.

    Pure: reads ``sentence.counts.all()`` and each count's offence, so prefetching
    ``counts__offence`` makes it query-free. The sweep passes ``counts`` it loaded itself.
    ``victim_born_on`` decides the victim-was-a-child conditions (Schedule 3, Schedule 4 paras 2-3
    CJCSA 2000); ``offender_born_on`` the offender-age ones, read from ``sentence.offender`` only
    when a condition needs it and it is not given. A missing date of birth that decides the
    outcome gives NEEDS_REVIEW with the question, never a guess. ``context`` is a case's
    discretionary context in words, or "" for a case that recorded none (see
    ``rule_discretionary_context``); None, for a sentence without a case, reads the offence flags.
    """
    counts = list(sentence.counts.all()) if counts is None else counts
    people = People(sentence, victim_born_on=victim_born_on, offender_born_on=offender_born_on)
    grounds = count_grounds(sentence, counts, people)
    qualifying = tuple(grounds.qualifying)
    if qualifying:
        # Conditions that failed for one count do not matter once another qualifies; data warnings do.
        qualifying = (*qualifying, *(n for n in grounds.notes if "check the offence recorded" in n))
    custody = rule_custody_length(sentence, counts, qualifying)
    for result in (
        rule_hospital_order(sentence, qualifying),
        rule_indeterminate(sentence, qualifying),
        custody,
    ):
        if result is not None and result.outcome == Eligibility.STATUTORY:
            return result
    review = rule_needs_review(sentence, counts, grounds)
    if review is not None:
        return review
    # Not statutory: the most fundamental reason first. One always applies: with a qualifying
    # offence, a sentence is a hospital order, indeterminate, non-custodial or fixed-term custody.
    refusal = (
        rule_qualifying_offence(counts, qualifying, grounds.notes) or rule_non_custodial(sentence) or custody
    )
    if refusal is None:
        raise ValueError(f"No eligibility rule covers sentence type {sentence.sentence_type!r}")
    discretionary = rule_discretionary_context(counts, context=context)
    if discretionary is None:
        return refusal
    rule = refusal.rule if discretionary.outcome == Eligibility.NOT_ELIGIBLE else discretionary.rule
    return Assessment(discretionary.outcome, rule, (*refusal.reasons, *discretionary.reasons))


# --- storing assessments ----------------------------------------------------------------------
# Offenders own the assessment rows; what a change means for a case (flagging it for review) is
# the victims app's, which calls these and then acts (victims/eligibility.py).


@dataclass(frozen=True)
class AssessmentChange:
    """A sentence whose stored outcome or rule changed: what it was (None: first assessed) and is now."""

    sentence_id: int
    previous: str | None
    result: Assessment


_latest_of_sentence: Prepared[EligibilityAssessment] = Prepared(
    lambda sentence_id: EligibilityAssessment.objects.filter(sentence_id=sentence_id).order_by(
        "-assessed_at", "-pk"
    )[:1]
)


def latest_assessment(*, sentence_id: int) -> EligibilityAssessment | None:
    """The sentence's stored assessment, newest first (the case page reads it on every view)."""
    return _latest_of_sentence.first(sentence_id)


@transaction.atomic
def sentence_assess(*, sentence: Sentence, today: date | None = None) -> AssessmentChange | None:
    """Assess a sentence and store the result if its outcome or rule changed; None if nothing changed.

    Never overwrites: a change is a new row, so the history shows what was decided when.
    """
    # Serialise assessments of one sentence, so two at once cannot both add a row.
    list(Sentence.objects.select_for_update().filter(pk=sentence.pk).values_list("pk"))
    result = assess(sentence)
    latest = latest_assessment(sentence_id=sentence.pk)
    if latest is not None and (latest.outcome, latest.rule) == (result.outcome, result.rule):
        return None
    EligibilityAssessment.objects.create(
        sentence=sentence,
        outcome=result.outcome,
        rule=result.rule,
        reasons=list(result.reasons),
        assessed_on=today or timezone.localdate(),
    )
    return AssessmentChange(sentence.pk, latest.outcome if latest else None, result)


# --- the daily sweep's parts --------------------------------------------------------------------

# Consecutive sentences by pk, each with its counts (offences attached).
Chunk = list[tuple[Sentence, list[SentenceOffence]]]
# The only fields the rules read: loading no others saves about a sixth of the sweep's time. A
# rule that reads another field would make a query per row; the sweep's query-count test shows it.
SENTENCE_FACTS = (
    "pk",
    "sentence_type",
    "sentence_date",
    "years",
    "months",
    "days",
    "offender__date_of_birth",  # the offender-age conditions of Schedule 3
)
COUNT_FACTS = (
    "pk",
    "sentence_id",
    "offence_id",
    "offence_date",  # in-force dates and the victim's age on the day
    "concurrency",
    "position",
    "years",
    "months",
    "days",
)


def _sentences_load(
    sentences: list[Sentence], offences: dict[int, Offence], **counts_filter: object
) -> Chunk:
    """Attach each sentence's counts (one query, ``counts_filter``) and their offences from the catalogue."""
    by_sentence: dict[int, list[SentenceOffence]] = {s.pk: [] for s in sentences}
    counts = list(
        SentenceOffence.objects.filter(**counts_filter)
        .order_by("sentence_id", "position", "pk")
        .only(*COUNT_FACTS)
    )
    missing = {c.offence_id for c in counts} - offences.keys()
    if missing:  # added to the catalogue since the sweep began
        offences.update(Offence.objects.in_bulk(missing))
    cache_offence = SentenceOffence.offence.field.set_cached_value
    for count in counts:
        bucket = by_sentence.get(count.sentence_id)
        if bucket is None:  # a sentence committed between the two queries: the next sweep has it
            continue
        cache_offence(count, offences[count.offence_id])
        bucket.append(count)
    return [(sentence, by_sentence[sentence.pk]) for sentence in sentences]


def _sentences(**filters: object) -> QuerySet[Sentence]:
    return Sentence.objects.filter(**filters).select_related("offender").order_by("pk").only(*SENTENCE_FACTS)


def chunk_load(after_pk: int, size: int, offences: dict[int, Offence]) -> Chunk:
    """The next ``size`` sentences after ``after_pk`` with their counts and offences, in two queries.

    Counts come in one query by pk range and offences from the catalogue loaded once per sweep:
    prefetch_related builds a queryset per sentence, which costs more than the rules themselves.
    """
    sentences = list(_sentences(pk__gt=after_pk)[:size])
    if not sentences:
        return []
    return _sentences_load(
        sentences, offences, sentence_id__gte=sentences[0].pk, sentence_id__lte=sentences[-1].pk
    )


def queued_sentences() -> list[int]:
    """The sentences queued for a re-check now, by pk: one day's work (``EligibilityRecheck``)."""
    return list(EligibilityRecheck.objects.order_by("sentence_id").values_list("sentence_id", flat=True))


def chunk_load_queued(pks: list[int], offences: dict[int, Offence]) -> Chunk:
    """Take these sentences off the re-check queue, with their counts and offences.

    Call inside the transaction that stores their assessments: the queue's rows are deleted first,
    so a change committed after this read waits for the transaction and queues its sentence again
    (the triggers' insert then meets no row), and a crash puts the rows back. A queued sentence
    since deleted is dropped.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {RECHECK_TABLE} WHERE sentence_id = ANY(%s) RETURNING sentence_id",  # noqa: S608 - a constant
            [pks],
        )
        taken = sorted(row[0] for row in cursor.fetchall())
    if not taken:
        return []
    sentences = list(_sentences(pk__in=taken))
    return _sentences_load(sentences, offences, sentence_id__in=taken) if sentences else []


def chunk_assess(chunk: Chunk, *, run_on: date, sweep: EligibilitySweep) -> dict[int, AssessmentChange]:
    """Assess one chunk in a constant number of queries, storing the changed outcomes.

    Adds the chunk's tallies to ``sweep`` (unsaved) and returns the changes by sentence pk.
    """
    # The chunk is every sentence in a pk range, so filter by the range: an index range scan
    # whatever the planner's statistics, where a 2,000-id IN list can fall back to a table scan.
    latest = {
        a.sentence_id: a
        for a in EligibilityAssessment.objects.filter(**chunk_range(chunk))
        .order_by("sentence_id", "-assessed_at", "-pk")
        .distinct("sentence_id")
        .only("sentence_id", "outcome", "rule")
    }
    now = timezone.now()
    new_rows: list[EligibilityAssessment] = []
    changed: dict[int, AssessmentChange] = {}
    for sentence, counts in chunk:
        result = assess(sentence, counts)
        sweep.sentences_checked += 1
        if result.outcome == Eligibility.STATUTORY:
            sweep.statutory += 1
        elif result.outcome == Eligibility.DISCRETIONARY:
            sweep.discretionary += 1
        else:
            sweep.not_eligible += 1
        before = latest.get(sentence.pk)
        if before is not None and (before.outcome, before.rule) == (result.outcome, result.rule):
            continue
        changed[sentence.pk] = AssessmentChange(sentence.pk, before.outcome if before else None, result)
        new_rows.append(
            EligibilityAssessment(
                sentence_id=sentence.pk,
                outcome=result.outcome,
                rule=result.rule,
                reasons=list(result.reasons),
                assessed_on=run_on,
                assessed_at=now,
            )
        )
    if new_rows:
        sweep.changed += len(new_rows)
        EligibilityAssessment.objects.bulk_create(new_rows)
    return changed


def chunk_range(chunk: Chunk) -> dict[str, object]:
    """A filter on ``sentence_id`` for the chunk's sentences: their pk range, or their pks if scattered.

    A walk's chunk is consecutive sentences, so its range is an index range scan whatever the
    planner's statistics (a 2,000-id IN list can fall back to a table scan); a day's queued
    sentences are scattered across the table, and their range could span all of it.
    """
    first, last = chunk[0][0].pk, chunk[-1][0].pk
    if last - first < 2 * len(chunk):
        return {"sentence_id__gte": first, "sentence_id__lte": last}
    return {"sentence_id__in": [sentence.pk for sentence, _ in chunk]}


def rules_fingerprint() -> str:
    """What every assessment depends on besides the facts the triggers watch: the rules' code and
    the custody threshold. A sweep that finds it changed checks every sentence; a changed offence
    in the catalogue queues its own sentences (the trigger on ``Offence``)."""
    digest = hashlib.sha256()
    for module_file in (__file__, offender_models.__file__):
        digest.update(Path(module_file).read_bytes())
    digest.update(f"min_custody_months={min_custody_months()}".encode())
    return digest.hexdigest()


def _try_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SWEEP_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def _unlock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK_KEY])


# What the sweep yields: the day's summary row, a chunk, and the chunk's changed sentences.
_Yield = Iterator[tuple[EligibilitySweep, Chunk, dict[int, AssessmentChange]]]


def sentences_sweep(*, run_on: date, chunk_size: int = SWEEP_CHUNK_SIZE) -> _Yield:
    """Re-check the sentences due for ``run_on``, yielding each chunk's changes inside its transaction.

    An ordinary day takes only the sentences queued since the last sweep (``EligibilityRecheck``:
    the triggers queue any change to a sentence, its counts, its offender's date of birth or an
    offence it names). The first sweep, and any sweep after the rules or the custody threshold
    changed (``rules_fingerprint``), walks every sentence instead, emptying the queue first.

    The caller (the victims app's sweep) flags cases for each chunk before the next is read, in
    the chunk's own transaction, so a crash loses at most one chunk whole. The day is claimed by
    its unique summary row, and a session advisory lock stops a second worker running alongside;
    a day already finished, or held by another worker, yields nothing. An unfinished row (a crashed
    run) is redone: a walk from the start, adding rows only where the last stored outcome still
    differs; a queue from where it stopped.
    """
    sweep, _ = EligibilitySweep.objects.get_or_create(run_on=run_on)
    if sweep.finished_at is not None or not _try_lock():
        return
    try:
        sweep.refresh_from_db()  # A worker that held the lock may have finished since we read the row.
        if sweep.finished_at is not None:
            return
        # A crashed run left partial tallies; this run recounts the day.
        sweep.started_at = timezone.now()
        sweep.sentences_checked = sweep.statutory = sweep.discretionary = sweep.not_eligible = 0
        sweep.changed = sweep.flagged_for_review = 0
        sweep.rules_fingerprint = rules_fingerprint()
        last = EligibilitySweep.objects.filter(finished_at__isnull=False).exclude(pk=sweep.pk).first()
        sweep.whole = last is None or last.rules_fingerprint != sweep.rules_fingerprint
        # Saved before the walk: a crashed walk leaves no finished sweep with these rules, so the
        # next run walks again (the queue it emptied is covered by the walk).
        sweep.save()
        offences = Offence.objects.in_bulk()  # the catalogue: a few hundred rows, read once
        if sweep.whole:
            yield from _walk(sweep, run_on=run_on, chunk_size=chunk_size, offences=offences)
        else:
            yield from _queue(sweep, run_on=run_on, chunk_size=chunk_size, offences=offences)
        sweep.finished_at = timezone.now()
        sweep.save()
    finally:
        _unlock()


def _walk(sweep: EligibilitySweep, *, run_on: date, chunk_size: int, offences: dict[int, Offence]) -> _Yield:
    """Every sentence by pk; whatever the queue held before the walk began is in it."""
    EligibilityRecheck.objects.all().delete()
    last_pk = 0
    while True:
        chunk = chunk_load(last_pk, chunk_size, offences)
        if not chunk:
            break
        with transaction.atomic():
            yield sweep, chunk, chunk_assess(chunk, run_on=run_on, sweep=sweep)
        last_pk = chunk[-1][0].pk
        if len(chunk) < chunk_size:
            break


def _queue(sweep: EligibilitySweep, *, run_on: date, chunk_size: int, offences: dict[int, Offence]) -> _Yield:
    """The sentences queued when the sweep began, a chunk at a time, each taken off in its own
    transaction; a sentence queued (again) while it runs waits for the next day."""
    pks = queued_sentences()
    for start in range(0, len(pks), chunk_size):
        with transaction.atomic():
            chunk = chunk_load_queued(pks[start : start + chunk_size], offences)
            if chunk:
                yield sweep, chunk, chunk_assess(chunk, run_on=run_on, sweep=sweep)
