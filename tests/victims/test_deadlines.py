"""Worked examples for the deadline rules, each checked by hand against the calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from victims.deadlines import (
    Deadline,
    add_working_days,
    annual_letter_due,
    bank_holidays,
    deadline_state,
    escalation_due,
    first_contact_due,
    is_working_day,
    reconsideration_window_end,
    referral_due,
    tribunal_earliest_application,
    vps_due,
    working_days_between,
)

# Calendars used below (Mo..Su), bank holidays in [brackets]:
#
#      March 2026              April 2026
#  23 24 25 26 27 28 29    30 31  1  2 [3] 4  5
#                          [6] 7  8  9 10 11 12
#                          13 14 ...
#
#      December 2026           January 2027
#  14 15 16 17 18 19 20                [1] 2  3
#  21 22 23 24[25]26 27     4  5  6  7  8  9 10
# [28]29 30 31              11 12 13 14 15 16 17
#
#      March 2027              April 2027
#  22 23 24 25[26]27 28     .  .  .  1  2  3  4
# [29]30 31                 5  6  7  8  9 10 11


# --- bank holidays and working days -------------------------------------------------------


def test_bank_holidays_include_easter_2026() -> None:
    assert {date(2026, 4, 3), date(2026, 4, 6)} <= bank_holidays(2026)


def test_bank_holidays_include_boxing_day_substitute_2026() -> None:
    # Boxing Day 2026 is a Saturday, so Monday 28 December is the bank holiday.
    assert date(2026, 12, 28) in bank_holidays(2026)


def test_bank_holidays_are_england_and_wales_not_scotland() -> None:
    # 2 January is a bank holiday in Scotland only.
    assert date(2026, 1, 2) not in bank_holidays(2026)


def test_weekday_is_working_day() -> None:
    assert is_working_day(date(2026, 3, 26))  # Thursday


def test_saturday_is_not_working_day() -> None:
    assert not is_working_day(date(2026, 3, 28))


def test_bank_holiday_is_not_working_day() -> None:
    assert not is_working_day(date(2026, 4, 3))  # Good Friday


# --- add_working_days ---------------------------------------------------------------------


def test_add_working_days_skips_easter_2026() -> None:
    # Thu 26 Mar 2026 + 10: Fri 27 (1), Mon 30 (2), Tue 31 (3), Wed 1 Apr (4), Thu 2 (5),
    # skip Fri 3 (Good Friday), Sat 4, Sun 5, Mon 6 (Easter Monday),
    # Tue 7 (6), Wed 8 (7), Thu 9 (8), Fri 10 (9), Mon 13 (10).
    assert add_working_days(date(2026, 3, 26), 10) == date(2026, 4, 13)


def test_add_working_days_skips_christmas_and_new_year_2026() -> None:
    # Mon 14 Dec 2026 + 20: Tue 15 (1) .. Fri 18 (4), Mon 21 (5) .. Thu 24 (8),
    # skip Fri 25, Sat 26, Sun 27, Mon 28 (Boxing Day substitute),
    # Tue 29 (9), Wed 30 (10), Thu 31 (11), skip Fri 1 Jan 2027, Sat 2, Sun 3,
    # Mon 4 (12) .. Fri 8 (16), Mon 11 (17), Tue 12 (18), Wed 13 (19), Thu 14 (20).
    assert add_working_days(date(2026, 12, 14), 20) == date(2027, 1, 14)


def test_add_one_working_day_from_christmas_eve_2026() -> None:
    # Thu 24 Dec: skip Fri 25, Sat 26, Sun 27, Mon 28; Tue 29 is day 1.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_add_working_days_crosses_month_end_over_easter_2027() -> None:
    # Thu 25 Mar 2027 + 3: skip Fri 26 (Good Friday), Sat 27, Sun 28, Mon 29 (Easter Monday),
    # Tue 30 (1), Wed 31 (2), Thu 1 Apr (3).
    assert add_working_days(date(2027, 3, 25), 3) == date(2027, 4, 1)


def test_add_working_days_skips_next_years_new_year_holiday() -> None:
    # Thu 31 Dec 2026 + 1: Fri 1 Jan 2027 is a 2027 bank holiday, so Mon 4 Jan is day 1.
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_add_working_days_from_saturday_counts_from_monday() -> None:
    # Sat 7 Mar 2026: Sun 8 is not counted, Mon 9 is day 1.
    assert add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)


def test_add_working_days_from_easter_saturday_skips_easter_monday() -> None:
    # Sat 4 Apr 2026: Sun 5, Mon 6 (Easter Monday) skipped; Tue 7 is day 1.
    assert add_working_days(date(2026, 4, 4), 1) == date(2026, 4, 7)


def test_add_zero_working_days_to_working_day_returns_it() -> None:
    assert add_working_days(date(2026, 3, 11), 0) == date(2026, 3, 11)


def test_add_zero_working_days_to_saturday_returns_monday() -> None:
    assert add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 9)


def test_add_zero_working_days_to_christmas_day_2026_returns_29_december() -> None:
    assert add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 29)


def test_add_negative_working_days_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 26), -1)


def test_add_working_days_always_lands_on_working_day() -> None:
    start = date(2026, 1, 1)
    for offset in range(730):
        for n in (0, 1, 2, 5):
            assert is_working_day(add_working_days(start + timedelta(days=offset), n))


# --- working_days_between -----------------------------------------------------------------


def test_working_days_between_over_easter_2026() -> None:
    assert working_days_between(date(2026, 3, 26), date(2026, 4, 13)) == 10


def test_working_days_between_excludes_start_and_includes_end() -> None:
    # Mon 9 Mar to Tue 10 Mar 2026: only Tue 10 counts.
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 10)) == 1


def test_working_days_between_same_day_is_zero() -> None:
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0


def test_working_days_between_end_before_start_is_zero() -> None:
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 2)) == 0


def test_working_days_between_easter_weekend_is_zero() -> None:
    # After Good Friday: Sat 4, Sun 5 and Easter Monday 6 April 2026 are not working days.
    assert working_days_between(date(2026, 4, 3), date(2026, 4, 6)) == 0


def test_working_days_between_inverts_add_working_days() -> None:
    # Every start in 2026 and 2027 (weekends, holidays and year ends included).
    # n starts at 1: for n=0 from a non-working day the result is the next working day, 1 away.
    first = date(2026, 1, 1)
    for offset in range(730):
        start = first + timedelta(days=offset)
        for n in (1, 2, 3, 5, 10, 20, 40):
            assert working_days_between(start, add_working_days(start, n)) == n, (start, n)


def test_working_days_between_inverts_add_zero_from_working_day() -> None:
    start = date(2026, 12, 29)
    assert working_days_between(start, add_working_days(start, 0)) == 0


# --- the rules, with their default numbers ------------------------------------------------


def test_referral_due_skips_easter_2026() -> None:
    assert referral_due(date(2026, 3, 26)) == Deadline(
        due=date(2026, 4, 13),
        rule="10 working days after sentence (Victims' Code 2020, Right 11)",
    )


def test_first_contact_due_skips_christmas_2026() -> None:
    assert first_contact_due(date(2026, 12, 14)) == Deadline(
        due=date(2027, 1, 14),
        rule="20 working days after the referral was received (Victims' Code 2020, Right 11)",
    )


def test_first_contact_due_over_easter_2027_month_end() -> None:
    # Wed 24 Mar 2027 + 20: Thu 25 (1), skip 26-29, Tue 30 (2), Wed 31 (3), Thu 1 Apr (4),
    # Fri 2 (5), Mon 5 - Fri 9 (6-10), Mon 12 - Fri 16 (11-15), Mon 19 - Fri 23 (16-20).
    assert first_contact_due(date(2027, 3, 24)).due == date(2027, 4, 23)


def test_escalation_due_skips_easter_and_may_bank_holidays_2026() -> None:
    # Thu 26 Mar 2026: day 10 is Mon 13 Apr (see above); Tue 14 - Fri 17 (11-14),
    # Mon 20 - Fri 24 (15-19), Mon 27 - Fri 1 May (20-24), skip Mon 4 May (Early May),
    # Tue 5 - Fri 8 (25-28), Mon 11 - Fri 15 (29-33), Mon 18 - Fri 22 (34-38),
    # skip Mon 25 May (Spring), Tue 26 (39), Wed 27 (40).
    assert escalation_due(date(2026, 3, 26)) == Deadline(
        due=date(2026, 5, 27),
        rule="40 working days after sentence if there has been no contact (national standard)",
    )


def test_vps_due_is_28_calendar_days_before_hearing() -> None:
    # Tue 14 Jul 2026 - 28 days = Tue 16 Jun 2026.
    assert vps_due(date(2026, 7, 14)) == Deadline(
        due=date(2026, 6, 16),
        rule="28 calendar days before the parole hearing (GOV.UK parole guidance)",
    )


def test_reconsideration_window_ends_21_calendar_days_after_decision() -> None:
    # Fri 23 Oct 2026 + 21 days = Fri 13 Nov 2026.
    assert reconsideration_window_end(date(2026, 10, 23)) == Deadline(
        due=date(2026, 11, 13),
        rule="21 calendar days after the parole decision (Parole Board Rules 2019, rule 28)",
    )


def test_annual_letter_due_12_months_later() -> None:
    assert annual_letter_due(date(2026, 1, 15)) == Deadline(
        due=date(2027, 1, 15),
        rule="12 months after the last letter or the victim's opt-in (VCS practice)",
    )


def test_annual_letter_due_from_29_february_clips_to_28_february() -> None:
    assert annual_letter_due(date(2024, 2, 29)).due == date(2025, 2, 28)


def test_tribunal_earliest_application_6_months_after_order() -> None:
    assert tribunal_earliest_application(date(2026, 1, 1)) == Deadline(
        due=date(2026, 7, 1),
        rule=(
            "6 months after the restricted hospital order, the earliest a tribunal "
            "application can be made (Mental Health Act 1983)"
        ),
    )


def test_tribunal_earliest_application_from_31_august_clips_to_february() -> None:
    assert tribunal_earliest_application(date(2026, 8, 31)).due == date(2027, 2, 28)


# --- changed settings change both the date and the text -----------------------------------


@pytest.mark.parametrize(
    ("setting", "value", "rule_function", "start", "due", "text"),
    [
        # Thu 26 Mar 2026 + 5: Fri 27, Mon 30, Tue 31, Wed 1 Apr, Thu 2 Apr.
        (
            "VCS_REFERRAL_WORKING_DAYS",
            5,
            referral_due,
            date(2026, 3, 26),
            date(2026, 4, 2),
            "5 working days after sentence",
        ),
        # Mon 14 Dec 2026 + 10: Tue 15 - Thu 24 (8), skip 25-28, Tue 29 (9), Wed 30 (10).
        (
            "VCS_FIRST_CONTACT_WORKING_DAYS",
            10,
            first_contact_due,
            date(2026, 12, 14),
            date(2026, 12, 30),
            "10 working days after the referral",
        ),
        # Day 30 in the escalation count above.
        (
            "VCS_ESCALATION_WORKING_DAYS",
            30,
            escalation_due,
            date(2026, 3, 26),
            date(2026, 5, 12),
            "30 working days after sentence",
        ),
        (
            "VCS_VPS_DAYS_BEFORE_HEARING",
            42,
            vps_due,
            date(2026, 7, 14),
            date(2026, 6, 2),
            "42 calendar days before",
        ),
        (
            "VCS_RECONSIDERATION_DAYS",
            14,
            reconsideration_window_end,
            date(2026, 10, 23),
            date(2026, 11, 6),
            "14 calendar days after",
        ),
        (
            "VCS_ANNUAL_LETTER_MONTHS",
            6,
            annual_letter_due,
            date(2026, 1, 15),
            date(2026, 7, 15),
            "6 months after",
        ),
        (
            "VCS_TRIBUNAL_FIRST_MONTHS",
            12,
            tribunal_earliest_application,
            date(2026, 1, 1),
            date(2027, 1, 1),
            "12 months after",
        ),
    ],
)
def test_changed_setting_changes_due_date_and_rule_text(
    settings, setting, value, rule_function, start, due, text
) -> None:
    setattr(settings, setting, value)
    deadline = rule_function(start)
    assert deadline.due == due
    assert deadline.rule.startswith(text)


def test_rule_text_uses_singular_for_one(settings) -> None:
    settings.VCS_REFERRAL_WORKING_DAYS = 1
    assert referral_due(date(2026, 12, 24)) == Deadline(
        due=date(2026, 12, 29),
        rule="1 working day after sentence (Victims' Code 2020, Right 11)",
    )


# --- deadline_state -----------------------------------------------------------------------

# Wed 1 Apr 2026. The 5 working days from today inclusive are Wed 1, Thu 2, Tue 7 (after
# Good Friday and Easter Monday), Wed 8 and Thu 9 April.
TODAY = date(2026, 4, 1)


def test_deadline_state_without_due_date_is_none() -> None:
    assert deadline_state(None, None, TODAY) == "none"


def test_deadline_state_met_on_due_date_is_met() -> None:
    assert deadline_state(date(2026, 3, 20), date(2026, 3, 20), TODAY) == "met"


def test_deadline_state_met_early_is_met() -> None:
    assert deadline_state(date(2026, 4, 20), date(2026, 3, 30), TODAY) == "met"


def test_deadline_state_met_after_due_date_is_met_late() -> None:
    assert deadline_state(date(2026, 3, 20), date(2026, 3, 23), TODAY) == "met_late"


def test_deadline_state_past_due_and_unmet_is_overdue() -> None:
    assert deadline_state(date(2026, 3, 31), None, TODAY) == "overdue"


def test_deadline_state_discretionary_past_due_is_not_statutory() -> None:
    assert deadline_state(date(2026, 3, 31), None, TODAY, statutory=False) == "not_statutory"


def test_deadline_state_discretionary_before_due_is_still_due_soon() -> None:
    # Only a breach is suppressed for a discretionary case; the reminder still shows.
    assert deadline_state(date(2026, 4, 2), None, TODAY, statutory=False) == "due_soon"


def test_deadline_state_due_today_is_due_soon() -> None:
    assert deadline_state(TODAY, None, TODAY) == "due_soon"


def test_deadline_state_due_on_fifth_working_day_is_due_soon() -> None:
    assert deadline_state(date(2026, 4, 9), None, TODAY) == "due_soon"


def test_deadline_state_due_on_sixth_working_day_is_on_track() -> None:
    assert deadline_state(date(2026, 4, 10), None, TODAY) == "on_track"


def test_deadline_state_honours_soon_working_days() -> None:
    # Within 2 working days of Wed 1 Apr: Wed 1, Thu 2. Tue 7 April is the third.
    assert deadline_state(date(2026, 4, 2), None, TODAY, soon_working_days=2) == "due_soon"
    assert deadline_state(date(2026, 4, 7), None, TODAY, soon_working_days=2) == "on_track"


def test_deadline_state_on_saturday_counts_from_monday() -> None:
    # Sat 7 Mar 2026: the next 5 working days are Mon 9 - Fri 13 March.
    saturday = date(2026, 3, 7)
    assert deadline_state(date(2026, 3, 13), None, saturday) == "due_soon"
    assert deadline_state(date(2026, 3, 16), None, saturday) == "on_track"


@given(
    today=st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 1, 31)),
    ahead=st.integers(min_value=0, max_value=40),
    soon=st.integers(min_value=1, max_value=10),
)
def test_due_soon_agrees_with_counting_working_days_one_by_one(today, ahead, soon) -> None:
    """deadline_state counts forward from today; the definition counts up to the due date."""
    due = today + timedelta(days=ahead)
    counted = working_days_between(today - timedelta(days=1), due)
    expected = "due_soon" if counted <= soon else "on_track"
    assert deadline_state(due, None, today, soon_working_days=soon) == expected
