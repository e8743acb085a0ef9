"""The checks a letter passes before approval: nothing unfinished, nothing a victim must not be told.

Victims are told the month of release, never the date, and never where the offender is held
(DOMAIN.md s.5). People write both in many ways, so the checks do not compare with the recorded
strings: a date is looked for in every common English and Welsh form (``exact_date_patterns``),
and an establishment by every name the prison register knows for it, open or closed, in every
common form (``offenders.register``), besides the locations recorded on the case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from offenders import register
from offenders.selectors import establishment_names_pattern

from . import sandbox
from .rendering import MONTHS, PLACEHOLDERS, CaseFacts, Rendered

# --- dates ------------------------------------------------------------------------------------

ENGLISH_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]
# Welsh ordinals for the days of the month (the traditional counting, as dates are said).
WELSH_ORDINALS = {
    1: "cyntaf",
    2: "ail",
    3: "trydydd",
    4: "pedwerydd",
    5: "pumed",
    6: "chweched",
    7: "seithfed",
    8: "wythfed",
    9: "nawfed",
    10: "degfed",
    11: "unfed ar ddeg",
    12: "deuddegfed",
    13: "trydydd ar ddeg",
    14: "pedwerydd ar ddeg",
    15: "pymthegfed",
    16: "unfed ar bymtheg",
    17: "ail ar bymtheg",
    18: "deunawfed",
    19: "pedwerydd ar bymtheg",
    20: "ugeinfed",
    21: "unfed ar hugain",
    22: "ail ar hugain",
    23: "trydydd ar hugain",
    24: "pedwerydd ar hugain",
    25: "pumed ar hugain",
    26: "chweched ar hugain",
    27: "seithfed ar hugain",
    28: "wythfed ar hugain",
    29: "nawfed ar hugain",
    30: "degfed ar hugain",
    31: "unfed ar ddeg ar hugain",
}
# A Welsh month after "o" takes the soft mutation: "14 o Fawrth".
WELSH_SOFT = {"mawrth": "fawrth", "mai": "fai", "mehefin": "fehefin", "gorffennaf": "orffennaf"} | {
    "medi": "fedi",
    "tachwedd": "dachwedd",
    "rhagfyr": "ragfyr",
}
WEEKDAYS = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
] + [f"dydd {d}" for d in ["llun", "mawrth", "mercher", "iau", "gwener", "sadwrn", "sul"]]
# Ordinal endings in English (14th) and Welsh (14eg, 1af, 2il, 3ydd, 5ed, 7fed, 21ain).
SUFFIX = r"(?:st|nd|rd|th|af|il|ydd|ed|fed|eg|ain)"
SEPARATOR = r"\s*[/.\-\\]\s*"
GAP = r"\s+"


def english_ordinal(n: int) -> str:
    """The day as an English word: "fourteenth", "twenty first" (hyphens are spaces after ``date_text``)."""
    if n <= 20:
        return ENGLISH_ORDINALS[n - 1]
    if n == 30:
        return "thirtieth"
    tens = "twenty" if n < 30 else "thirty"
    return f"{tens} {ENGLISH_ORDINALS[n % 10 - 1]}"


def _month_words(month: int) -> list[str]:
    english = MONTHS["en"][month - 1].casefold()
    welsh = MONTHS["cy"][month - 1].casefold()
    words = {english, english[:3], welsh, WELSH_SOFT.get(welsh, welsh)}
    if month == 9:
        words.add("sept")
    return sorted(words, key=len, reverse=True)


def _all_months() -> str:
    words = {w for m in range(1, 13) for w in _month_words(m)}
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")\.?(?![a-z])"


ANY_MONTH = _all_months()


def _words(phrase: str) -> str:
    return GAP.join(re.escape(w) for w in phrase.split())


def date_text(text: str) -> str:
    """Text as the date check reads it: lower case, hyphens and runs of spaces as one space, but
    line breaks kept (a year on the next line is not the date's year)."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u00ad", "")
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # "twenty-first"
    text = re.sub(r"[^\S\n]*\n\s*", "\n", text)
    return re.sub(r"[^\S\n]+", " ", text)


def exact_date_patterns(day: date) -> list[re.Pattern[str]]:
    """Ways a letter could give ``day`` exactly, in English or Welsh, matched against ``date_text``.

    Numeric with any separator, with or without leading zeros or year ("14/3", "14.03.27",
    "2027-03-14"); the day as a figure, an ordinal figure or an ordinal word, before or after the
    month, with "the", "of" or "o" ("the fourteenth of March", "March 14th", "14eg Mawrth", "y
    pedwerydd ar ddeg o Fawrth"); a weekday with the day ("Sunday the 14th"); "the 14th" on its own.
    Digits must not run on either side, and a day and month followed on the same line by another
    year is another date ("18 December 2026" when the release is on 18 December 2027).
    """
    d = rf"0?{day.day}" if day.day < 10 else str(day.day)
    m = rf"0?{day.month}" if day.month < 10 else str(day.month)
    year = rf"(?:{day.year}|{day.year % 100:02d})"
    not_digit_before, not_digit_after = r"(?<![0-9])", r"(?![0-9])"
    # A day and month followed by another year on the same line is another date.
    another_year = rf"(?!,?[ ](?!{day.year}(?![0-9]))(?:19|20)[0-9]{{2}}(?![0-9]))"
    numeric = [
        rf"{not_digit_before}{d}(?:{SEPARATOR}|{GAP}){m}(?:{SEPARATOR}|{GAP}){year}{not_digit_after}",
        rf"{not_digit_before}{day.year}{SEPARATOR}{m}{SEPARATOR}{d}{not_digit_after}",
        # Without a year: not part of a longer run of numbers (another year, or another date).
        rf"{not_digit_before}(?<![0-9][/.\-\\]){d}{SEPARATOR}{m}{not_digit_after}(?!{SEPARATOR}[0-9])",
    ]
    english_word = _words(english_ordinal(day.day))
    if day.day < 10:  # "fourth" but not "twenty fourth"
        english_word = rf"(?<!twenty )(?<!thirty ){english_word}"
    welsh_word = rf"(?:(?:y|yr){GAP})?{_words(WELSH_ORDINALS[day.day])}"
    figure = rf"{not_digit_before}{d}(?:{SUFFIX})?(?![a-z0-9])"
    day_forms = rf"(?:{figure}|(?<![a-z]){english_word}(?![a-z])|(?<![a-z]){welsh_word}(?![a-z]))"
    months = "(?:" + "|".join(re.escape(w) for w in _month_words(day.month)) + r")\.?(?![a-z])"
    the = rf"(?:(?:the|y|yr){GAP})?"
    of = rf"(?:{GAP}(?:of|o))?"
    worded = [
        rf"(?<![a-z]){the}{day_forms}{of},?\s*{months}{another_year}",
        rf"(?<![a-z]){months},?{GAP}{the}{day_forms}{another_year}",
    ]
    weekdays = "(?:" + "|".join(_words(w) for w in WEEKDAYS) + r")\.?"
    alone = [
        rf"(?<![a-z]){weekdays},?{GAP}{the}{day_forms}",
        # "on the 14th", "the fourteenth": with the month said elsewhere, that is the date. Not
        # "the first", "the second" or "yr ail", which are everyday words.
        rf"(?<![a-z])(?:the|y|yr){GAP}(?:{d}{SUFFIX}{'|' + english_word if day.day > 3 else ''})"
        rf"(?![a-z0-9])(?!{of},?\s*{ANY_MONTH})",
    ]
    return [re.compile(p) for p in numeric + worded + alone]


def gives_exact_date(text: str, days: Iterable[date]) -> bool:
    """Whether ``text`` gives any of ``days`` exactly (see ``exact_date_patterns``)."""
    normalised = date_text(text)
    return any(p.search(normalised) for day in days for p in exact_date_patterns(day))


# --- where the offender is held -----------------------------------------------------------------


def names_an_establishment(text: str, places_held: Iterable[str] = ()) -> bool:
    """Whether ``text`` names any establishment in the register, in any common form, or any place
    recorded as where the offender has been held (a location the register does not know yet)."""
    normalised = register.normalise(text)
    pattern = establishment_names_pattern()
    if pattern is not None and pattern.search(normalised):
        return True
    recorded = register.names_pattern(register.normalise(p) for p in places_held)
    return recorded is not None and recorded.search(normalised) is not None


# --- all of them ------------------------------------------------------------------------------


def approval_problems(
    *, rendered: Rendered, facts: CaseFacts, free_text: str, has_address: bool, needs_address: bool
) -> list[str]:
    """Why the letter may not be approved yet, in words a VLO can act on; empty when it may.

    Placeholders are looked for in the VLO's paragraph only: the wording cannot hold a stray one
    (the sandbox refuses it), and names and details from the record are printed as they are, so a
    victim whose name contains "{{" can still be written to.
    """
    problems = []
    everything = f"{rendered.subject}\n{rendered.text}"
    markers = sandbox.unresolved_markers(free_text)
    if markers:
        problems.append(
            "Your paragraph still contains a placeholder or brackets ("
            + ", ".join(markers)
            + "): replace them with the real words"
        )
    for name in rendered.missing:
        hint = PLACEHOLDERS.get(name, ("", ""))[1] or f"Fill in {name}"
        problems.append(f"The letter needs {name.replace('_', ' ')}, which is empty. {hint}")
    if names_an_establishment(everything, facts.places_held):
        problems.append(
            "The letter names a prison or hospital. Victims must never be told where the offender is held"
        )
    if gives_exact_date(everything, facts.release_dates):
        problems.append("The letter gives an exact release date. Give the month only")
    if needs_address and not has_address:
        problems.append("The victim has no current safe address. Record one before approving a posted letter")
    return problems
