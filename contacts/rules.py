"""When generated contact work is due: one function per kind of task, each with its key.

A rule reads the case as it stands and the day (``as_of``), never what an earlier run made, so a
run for any day gives the same answer however the days before it were run. The sweeps
(``contacts.sweeps``, ``parole.sweeps``, ``vcs_portal.letters.sweeps``) make what a rule says is
due and close, with the reason, what it no longer asks for. See docs/jobs.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from vcs_portal.core.pages import govuk_date as _d
from victims.deadlines import SOURCE_VCS_PRACTICE, add_working_days
from victims.models import Case, CaseStatus, ContactLevel

from .models import TaskKind

FIRST_CONTACT_KEY = "first_contact"
FIRST_CONTACT_ESCALATION_KEY = "escalation"

# Victims who chose yearly letters: those who asked for them and those who asked for everything.
ANNUAL_LEVELS = frozenset({ContactLevel.ANNUAL, ContactLevel.ALL_KEY_STAGES})

# Cases outside the scheme that are prompted to re-offer it as release nears (Victims' Commissioner 2020).
REOFFER_STATUSES = frozenset(
    {CaseStatus.OPTED_OUT, CaseStatus.DECLINED, CaseStatus.NO_RESPONSE, CaseStatus.UNABLE_TO_TRACE}
)
# Working days to act on a prompt to re-offer the scheme (capped at the date itself).
REOFFER_WORKING_DAYS = 10

# Statuses in which the victim is not to be contacted: work to tell them something is not needed.
OUT_OF_SCHEME = frozenset({CaseStatus.OPTED_OUT, CaseStatus.DECLINED})
# Generated work that tells the victim something; closed when they leave the scheme.
TELL_THE_VICTIM = frozenset(
    {
        TaskKind.ANNUAL_LETTER,
        TaskKind.KEY_EVENT,
        TaskKind.VPS_DUE,
        TaskKind.VPS_OVERDUE,
        TaskKind.CONDITION_REFUSED,
    }
)


ESCALATION_KEY_PREFIX = "overdue:"


def escalation_key(task_pk: int) -> str:
    """The key of the escalation of one overdue task (``vcs_portal.letters.sweeps.escalation_sweep``)."""
    return f"{ESCALATION_KEY_PREFIX}{task_pk}"


# --- first contact ------------------------------------------------------------------


def first_contact_task_due(case: Case) -> date | None:
    """The due date of the first-contact task, if the case needs one: open, no contact yet."""
    if case.status == CaseStatus.CLOSED or case.first_contact_on is not None:
        return None
    return case.first_contact_due


def first_contact_escalation_due(case: Case, as_of: date) -> date | None:
    """When the manager's escalation of a missed first contact falls due, if it does by ``as_of``.

    Statutory cases only (a discretionary case raises no statutory breach); one escalation per
    case, however many of its deadlines (first contact, escalation) were missed: the day after
    the first was missed, so a late run gives the same date.
    """
    if not case.statutory or case.status == CaseStatus.CLOSED or case.first_contact_on is not None:
        return None
    missed = [d for d in (case.first_contact_due, case.escalation_due) if d and d < as_of]
    return min(missed) + timedelta(days=1) if missed else None


# --- annual letters -----------------------------------------------------------------


@dataclass(frozen=True)
class AnnualPeriod:
    """One yearly letter of a case: the ``index``-th after the opt-in, due on ``due``."""

    index: int
    due: date
    rule: str
    task_due: date
    anchor: date  # the opt-in the cycle counts from

    @property
    def missed(self) -> tuple[date, ...]:
        """Earlier letters of this cycle, due before this one (none made: see the sweep). Worked
        out only when asked: the sweeps read thousands of periods a day and need it for few."""
        return tuple(annual_cycle_due(self.anchor, i) for i in range(1, self.index))

    @property
    def year(self) -> int:
        return self.due.year

    @property
    def task_key(self) -> str:
        return f"annual:{self.due.year}"

    @property
    def letter_period(self) -> str:
        return str(self.due.year)


def annual_cycle_due(opted_in_on: date, index: int) -> date:
    """The ``index``-th letter after the opt-in, counted from the opt-in itself so the cycle never
    drifts: an opt-in on 29 February gives 28 February, then 29 February again in a leap year."""
    return opted_in_on + relativedelta(months=settings.VCS_ANNUAL_LETTER_MONTHS * index)


def annual_letter_period(case: Case, as_of: date) -> AnnualPeriod | None:
    """The annual letter due now: the newest of the case's cycle whose window has opened by ``as_of``.

    Opted-in victims who chose yearly letters (or all key stages) only. The cycle runs from the
    opt-in (``status_changed_on``): a letter sent early does not move it. After a gap (the jobs not
    run for a year, or a case recorded years after its opt-in) only the current letter is due; the
    earlier ones are reported as missed, never made. A case recorded after its letter fell due
    has it due the day it was recorded, not in the past.
    """
    if case.status != CaseStatus.OPTED_IN or case.contact_level not in ANNUAL_LEVELS:
        return None
    anchor = case.status_changed_on
    opens = as_of + timedelta(days=settings.VCS_ANNUAL_LETTER_WINDOW_DAYS)
    months = settings.VCS_ANNUAL_LETTER_MONTHS
    index = ((opens.year - anchor.year) * 12 + opens.month - anchor.month) // months
    while index >= 1 and annual_cycle_due(anchor, index) > opens:
        index -= 1
    while annual_cycle_due(anchor, index + 1) <= opens:
        index += 1
    if index < 1:
        return None
    due = annual_cycle_due(anchor, index)
    recorded_on = timezone.localtime(case.created_at).date() if case.created_at else due
    return AnnualPeriod(
        index=index,
        due=due,
        rule=f"{months} months after the last letter or the victim's opt-in ({SOURCE_VCS_PRACTICE})",
        task_due=max(due, recorded_on),
        anchor=anchor,
    )


def annual_next_opens(case: Case, as_of: date, period: AnnualPeriod | None) -> date:
    """The day the window of the case's next annual letter opens, after ``period`` (the one due by
    ``as_of``, from ``annual_letter_period``): until then that rule cannot ask for anything new, so
    the sweeps need not read the case (``Case.next_annual_on``)."""
    opens = as_of + timedelta(days=settings.VCS_ANNUAL_LETTER_WINDOW_DAYS)
    index = period.index + 1 if period is not None else 1
    due = annual_cycle_due(case.status_changed_on, index)
    while due <= opens:  # an anchor in the future (a date corrected forward) or a run for a later day
        index += 1
        due = annual_cycle_due(case.status_changed_on, index)
    return due - timedelta(days=settings.VCS_ANNUAL_LETTER_WINDOW_DAYS)


def annual_letter_detail(period: AnnualPeriod) -> str:
    return (
        f"Due {_d(period.due)}: {period.rule}. Say what has changed, including the current security "
        "category and the next key date (in months, never an exact release date)."
    )


def annual_missed_outcome(missed: list[date]) -> str:
    """What the case's history says about yearly letters that were never made."""
    count = len(missed)
    letters = "1 annual letter" if count == 1 else f"{count} annual letters"
    span = _d(missed[0]) if count == 1 else f"between {_d(missed[0])} and {_d(missed[-1])}"
    return (
        f"Missed: {letters} fell due {span} and none was made (the daily jobs did not run, or the "
        "case was recorded later). Only the current letter is made; say in it what has changed since."
    )


# --- re-offering the scheme ------------------------------------------------------------


def reoffer_date_due(on: date) -> date:
    """A prompt to re-offer before a date: due 10 working days after its window opens, capped at
    the date, so it is the same whichever day the prompt is made."""
    opens = on - timedelta(days=settings.VCS_REOFFER_WINDOW_DAYS)
    return min(add_working_days(opens, REOFFER_WORKING_DAYS), on)


def reoffer_date_wanted(case: Case, on: date, as_of: date) -> bool:
    """Whether a victim outside the scheme is prompted about a date: it lies within
    ``VCS_REOFFER_WINDOW_DAYS`` ahead of ``as_of``, and has not passed."""
    horizon = as_of + timedelta(days=settings.VCS_REOFFER_WINDOW_DAYS)
    return case.status in REOFFER_STATUSES and as_of <= on <= horizon
