"""The approval checks: no establishment in any of its names, no exact release date in any form."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offenders.models import Establishment, EstablishmentKind
from vcs_portal.letters import checks

# --- where the offender is held -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "written",
    [
        "HMP Cardiff",
        "H.M.P. Cardiff",
        "H. M. P.\nCardiff",
        "Cardiff prison",
        "cardiff  Prison",
        "HM Prison Cardiff",
        "His Majesty\u2019s Prison Cardiff",
        "Cardiff (HMP & YOI)",
        "Carchar Caerdydd",
        "yng Ngharchar Caerdydd",
        "CEF Caerdydd",
        "Strangeways",
        "HMP & YOI Wormwood Scrubs",
        "Broadmoor Hospital",
        "HMP Holloway",  # closed, but still a prison's name
    ],
)
def test_any_establishment_in_any_common_form_is_found(written):
    assert checks.names_an_establishment(f"He has moved to {written} this week.")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "written",
    [
        "Cardiff Crown Court",
        "I work in Cardiff.",
        "This means an open prison, category D.",
        "He was sent back to prison.",
        "Mae e mewn carchar agored.",
        "You may see him in Manchester.",
    ],
)
def test_places_and_prisons_in_general_are_not_establishments(written):
    assert not checks.names_an_establishment(written)


@pytest.mark.django_db
def test_a_recorded_location_outside_the_register_is_still_found():
    assert checks.names_an_establishment("Now at h.m.p. example.", ["HMP Example"])


@pytest.mark.django_db
def test_an_establishment_an_admin_adds_is_found_at_once():
    assert not checks.names_an_establishment("He is at HMP Newtown now.")
    Establishment.objects.create(code="NTI", name="Newtown", kind=EstablishmentKind.PRISON)
    assert checks.names_an_establishment("He is at Newtown prison now.")


# --- exact dates: generated formats and placements ------------------------------------------------

MONTHS_EN = list(calendar.month_name)[1:]
MONTHS_CY = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
]
SOFT_CY = dict(
    zip(
        MONTHS_CY,
        [
            "Ionawr",
            "Chwefror",
            "Fawrth",
            "Ebrill",
            "Fai",
            "Fehefin",
            "Orffennaf",
            "Awst",
            "Fedi",
            "Hydref",
            "Dachwedd",
            "Ragfyr",
        ],
        strict=True,
    )
)
DAYS_CY = ["Llun", "Mawrth", "Mercher", "Iau", "Gwener", "Sadwrn", "Sul"]
WORDS_EN = [
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
    "twenty-first",
    "twenty-second",
    "twenty-third",
    "twenty-fourth",
    "twenty-fifth",
    "twenty-sixth",
    "twenty-seventh",
    "twenty-eighth",
    "twenty-ninth",
    "thirtieth",
    "thirty-first",
]
WORDS_CY = [
    "cyntaf", "ail", "trydydd", "pedwerydd", "pumed", "chweched", "seithfed", "wythfed", "nawfed",
    "degfed", "unfed ar ddeg", "deuddegfed", "trydydd ar ddeg", "pedwerydd ar ddeg", "pymthegfed",
    "unfed ar bymtheg", "ail ar bymtheg", "deunawfed", "pedwerydd ar bymtheg", "ugeinfed",
    "unfed ar hugain", "ail ar hugain", "trydydd ar hugain", "pedwerydd ar hugain", "pumed ar hugain",
    "chweched ar hugain", "seithfed ar hugain", "wythfed ar hugain", "nawfed ar hugain",
    "degfed ar hugain", "unfed ar ddeg ar hugain",
]  # fmt: skip
SUFFIX_CY = {
    1: "af",
    2: "il",
    3: "ydd",
    4: "ydd",
    5: "ed",
    6: "ed",
    11: "eg",
    13: "eg",
    14: "eg",
    16: "eg",
} | {
    17: "eg",
    19: "eg",
}


def suffix_en(n: int) -> str:
    return "th" if 11 <= n <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def suffix_cy(n: int) -> str:
    return SUFFIX_CY.get(n, "ain" if n > 20 else "fed")


def formats(day: dt.date) -> list[str]:
    d, m, y = day.day, day.month, day.year
    month, mon, mis = MONTHS_EN[m - 1], MONTHS_EN[m - 1][:3], MONTHS_CY[m - 1]
    weekday, dydd = calendar.day_name[day.weekday()], DAYS_CY[day.weekday()]
    th, eg, word, gair = suffix_en(d), suffix_cy(d), WORDS_EN[d - 1], WORDS_CY[d - 1]
    return [
        # numeric, any separator, with or without zeros or year
        f"{d}/{m}/{y}", f"{d:02}/{m:02}/{y}", f"{d}.{m}.{y}", f"{d}-{m}-{y % 100:02}",
        f"{d:02}.{m:02}.{y % 100:02}", f"{d}/{m}", f"{d:02}-{m:02}", f"{d}\\{m}\\{y}", f"{d} / {m} / {y}",
        f"{y}-{m:02}-{d:02}", f"{d} {m:02} {y}",
        # English words and figures
        f"{d} {month}", f"{d} {month} {y}", f"{d}{th} {month}", f"{d}{th} of {month}",
        f"the {d}{th} of {month}", f"{word} of {month}", f"the {word} of {month} {y}", f"{month} {d}",
        f"{month} {d}{th}", f"{month} the {d}{th}", f"{month} {d}, {y}", f"{mon} {d}", f"{d} {mon}. {y}",
        f"{weekday} {d} {month}", f"{weekday} the {d}{th}", f"{weekday}, {d}{th} {month} {y}",
        f"on the {d}{th}",
        # Welsh
        f"{d} {mis}", f"{d}{eg} {mis}", f"{d} o {SOFT_CY[mis]}", f"y {d}{eg} o {SOFT_CY[mis]}",
        f"y {gair} o {SOFT_CY[mis]}", f"dydd {dydd} {d} {mis} {y}", f"dydd {dydd} y {d}{eg}",
    ]  # fmt: skip


def month_only(day: dt.date) -> list[str]:
    month, mis = MONTHS_EN[day.month - 1], MONTHS_CY[day.month - 1]
    return [
        f"{month} {day.year}",
        f"in {month}",
        f"early {month} {day.year}",
        f"at the end of {month}",
        f"{mis} {day.year}",
        f"ym mis {mis} {day.year}",
        f"yn ystod mis {mis}",
    ]


dates = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2032, 12, 31))
spaces = st.sampled_from([" ", "  ", "\n", " \n ", "\u00a0", "\t"])
before = st.sampled_from(["", "He will leave on ", "Mae disgwyl iddo adael ar ", "Release:\n", "("])
after = st.sampled_from(["", ".", " at the latest.", "\nPlease call me.", ")", ", I think."])
case_of = st.sampled_from([str, str.upper, str.lower, str.title])


@st.composite
def placed(draw, written: str) -> str:
    """``written`` inside a sentence, its spaces replaced by other runs of white space."""
    words = written.split(" ")
    text = words[0] + "".join(draw(spaces) + w for w in words[1:])
    return draw(before) + draw(case_of)(text) + draw(after)


@settings(max_examples=300, deadline=None)
@given(day=dates, data=st.data())
def test_every_common_form_of_the_release_date_is_found(day, data):
    written = data.draw(st.sampled_from(formats(day)), label="format")
    text = data.draw(placed(written), label="text")
    assert checks.gives_exact_date(text, [day]), text


@settings(max_examples=200, deadline=None)
@given(day=dates, data=st.data())
def test_the_month_alone_is_allowed(day, data):
    text = data.draw(placed(data.draw(st.sampled_from(month_only(day)))), label="text")
    assert not checks.gives_exact_date(text, [day]), text


@pytest.mark.parametrize(
    ("text", "gives_it"),
    [
        ("reply by 24 March 2027", False),  # another day that ends in the same figure
        ("the twenty-fourth of March", False),
        ("the 14th of April", False),
        ("14 March 2026", False),  # the same day in another year
        ("14/3/2026", False),
        ("14 March\n2026", True),  # a year on the next line is not the date's year
    ],
)
def test_other_dates_are_not_the_release_date(text, gives_it):
    assert checks.gives_exact_date(text, [dt.date(2027, 3, 14)]) is gives_it


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("We met for the first time.", 1),
        ("The second letter is enclosed.", 2),
        ("Dyma'r ail lythyr.", 2),
        ("Y tro cyntaf.", 1),
    ],
)
def test_everyday_ordinal_words_are_not_the_release_date(text, day):
    assert not checks.gives_exact_date(text, [dt.date(2027, 3, day)])
