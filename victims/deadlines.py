"""Deadline rules for victim contact: one function per rule, each returning the date and why.

Working days are Monday to Friday less England and Wales bank holidays. Every number comes
from Django settings (with the defaults below), and every rule's text names the number it used,
so a changed setting can never leave a stale explanation on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays
from dateutil.relativedelta import relativedelta
from django.conf import settings

# England and Wales share one set of bank holidays; the `holidays` package files them under ENG.
WORKING_DAY_SUBDIVISION = "ENG"


SOURCE_VICTIMS_CODE = "Victims' Code 2020, Right 11"
SOURCE_NATIONAL_STANDARD = "national standard"
SOURCE_PAROLE_GUIDANCE = "GOV.UK parole guidance"
SOURCE_PAROLE_BOARD_RULES = "Parole Board Rules 2019, rule 28"
SOURCE_VCS_PRACTICE = "VCS practice"
SOURCE_MHA = "Mental Health Act 1983"

STATE_MET = "met"
STATE_MET_LATE = "met_late"
STATE_OVERDUE = "overdue"
STATE_DUE_SOON = "due_soon"
STATE_ON_TRACK = "on_track"
STATE_NOT_STATUTORY = "not_statutory"
STATE_NONE = "none"


@dataclass(frozen=True)
class Deadline:
    """A due date with the rule that produced it; the rule is shown beside the date."""

    due: date
    rule: str


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays in `year`, substitute days included.

    Cached (one small set per year ever asked for, so unbounded) because working-day
    arithmetic asks for the same year on every step, and a bounded cache thrashed on spans of
    more than its size in years, rebuilding each year on every request; a frozenset
    so no caller can change the cached copy for everyone else.
    """
    return frozenset(holidays.UK(subdiv=WORKING_DAY_SUBDIVISION, years=year))


def is_working_day(day: date) -> bool:
    """Whether `day` is Monday to Friday and not a bank holiday in England and Wales."""
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: date, n: int) -> date:
    """The date `n` working days after `start`; `start` itself is day 0 and never counts.

    The result is always a working day, so n=0 gives `start` if it is a working day, else the
    next one (for a weekend start, n=0 and n=1 therefore land on the same day). Each step
    checks the holidays of its own year, so a count that crosses 31 December is right.
    """
    if n < 0:
        raise ValueError(f"n must be zero or more, not {n}")
    day = start
    if n == 0:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days fall after `start`, up to and including `end` (0 if end <= start).

    The counterpart of `add_working_days`: for n >= 1,
    working_days_between(s, add_working_days(s, n)) == n.
    """
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count


def _count(n: int, unit: str) -> str:
    """'1 working day', '10 working days': rule text is read by officers and victims."""
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def referral_due(sentence_date: date) -> Deadline:
    """When the case should have been referred to the VCS, counted from sentence."""
    n = settings.VCS_REFERRAL_WORKING_DAYS
    return Deadline(
        due=add_working_days(sentence_date, n),
        rule=f"{_count(n, 'working day')} after sentence ({SOURCE_VICTIMS_CODE})",
    )


def first_contact_due(referral_received: date) -> Deadline:
    """When the VLO's first contact with the victim is due, counted from referral."""
    n = settings.VCS_FIRST_CONTACT_WORKING_DAYS
    return Deadline(
        due=add_working_days(referral_received, n),
        rule=(f"{_count(n, 'working day')} after the referral was received ({SOURCE_VICTIMS_CODE})"),
    )


def escalation_due(sentence_date: date) -> Deadline:
    """When a case with no contact yet must be escalated, counted from sentence."""
    n = settings.VCS_ESCALATION_WORKING_DAYS
    return Deadline(
        due=add_working_days(sentence_date, n),
        rule=(
            f"{_count(n, 'working day')} after sentence if there has been no contact "
            f"({SOURCE_NATIONAL_STANDARD})"
        ),
    )


def vps_due(hearing_date: date) -> Deadline:
    """The last day a victim personal statement can reach the Parole Board for a hearing.

    Calendar days, as the guidance states them; not moved off weekends.
    """
    n = settings.VCS_VPS_DAYS_BEFORE_HEARING
    return Deadline(
        due=hearing_date - timedelta(days=n),
        rule=(f"{_count(n, 'calendar day')} before the parole hearing ({SOURCE_PAROLE_GUIDANCE})"),
    )


def reconsideration_window_end(decision_date: date) -> Deadline:
    """The last day to ask for reconsideration of a parole decision (calendar days)."""
    n = settings.VCS_RECONSIDERATION_DAYS
    return Deadline(
        due=decision_date + timedelta(days=n),
        rule=(f"{_count(n, 'calendar day')} after the parole decision ({SOURCE_PAROLE_BOARD_RULES})"),
    )


def annual_letter_due(last_letter_or_opt_in: date) -> Deadline:
    """When the next contact letter is due for a victim who chose yearly letters.

    Months via relativedelta, so a month-end date clips (29 Feb 2024 + 12 months = 28 Feb 2025)
    rather than spilling into the next month.
    """
    n = settings.VCS_ANNUAL_LETTER_MONTHS
    return Deadline(
        due=last_letter_or_opt_in + relativedelta(months=n),
        rule=(f"{_count(n, 'month')} after the last letter or the victim's opt-in ({SOURCE_VCS_PRACTICE})"),
    )


def tribunal_earliest_application(order_date: date) -> Deadline:
    """The first day a restricted patient may apply to the tribunal after the order."""
    n = settings.VCS_TRIBUNAL_FIRST_MONTHS
    return Deadline(
        due=order_date + relativedelta(months=n),
        rule=(
            f"{_count(n, 'month')} after the restricted hospital order, the earliest a "
            f"tribunal application can be made ({SOURCE_MHA})"
        ),
    )


def deadline_state(
    due: date | None,
    met_on: date | None,
    today: date,
    *,
    statutory: bool = True,
    soon_working_days: int = 5,
) -> str:
    """Where a deadline stands on `today`, as one of the STATE_* strings above.

    A discretionary case (statutory=False) past its date is "not_statutory", never "overdue":
    no statutory breach is raised for it. "due_soon" means not met and due within the next
    `soon_working_days` working days, today included.
    """
    if due is None:
        return STATE_NONE
    if met_on is not None:
        return STATE_MET if met_on <= due else STATE_MET_LATE
    if due < today:
        return STATE_OVERDUE if statutory else STATE_NOT_STATUTORY
    # Due soon: at most `soon_working_days` working days from today (counted if it is one) to the
    # due date, both ends included; that is, before the next working day after those. Counted
    # forward from today, never day by day up to a due date that may be years away.
    if due < add_working_days(today - timedelta(days=1), soon_working_days + 1):
        return STATE_DUE_SOON
    return STATE_ON_TRACK
