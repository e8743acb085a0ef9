"""The prison register: establishments of England and Wales and every name each goes by.

Loaded from ``offenders/data/establishments.csv`` (prisons and YOIs with their HMPPS codes, as
in the public ministryofjustice/prison-register; secure training centres; high and medium secure
hospitals under codes of our own) by migration 0006 and kept by admins afterwards.

A letter to a victim must never name an establishment (DOMAIN.md s.5), and people write the same
prison many ways: "HMP Cardiff", "H.M.P. Cardiff", "Cardiff prison", "HM Prison Cardiff",
"Carchar Caerdydd". ``forms_for`` lists them and ``normalise`` makes text and forms comparable
(case, dots, brackets, line breaks and spacing do not matter). The functions take plain values
rather than model instances, so the data migration can use them with historical models.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REGISTER_PATH = Path(__file__).resolve().parent / "data" / "establishments.csv"

# Kinds of establishment (EstablishmentKind's values) and how each is usually named.
PRISON, YOI, STC, HOSPITAL = "prison", "yoi", "stc", "hospital"

# Before or after a prison's short name ("HMP Cardiff", "Cardiff prison").
_PRISON_PREFIXES = (
    "HMP",
    "HM Prison",
    "His Majesty's Prison",
    "Her Majesty's Prison",
    "HMP & YOI",
    "HMPYOI",
    "HMYOI",
    "HM YOI",
    "YOI",
    "HM Young Offender Institution",
)
_PRISON_SUFFIXES = (
    "prison",
    "jail",
    "gaol",
    "YOI",
    "HMP",
    "Young Offender Institution",
    "Young Offenders Institution",
    "Young Offenders' Institution",
)
_STC_SUFFIXES = ("Secure Training Centre", "STC")
# "Carchar" (prison) after a mutation: "yng Ngharchar Caerdydd", "i Garchar Caerdydd", "a Charchar".
_WELSH_PRISON = ("Carchar", "Ngharchar", "Garchar", "Charchar")
_WELSH_PREFIXES = ("CEF", "Carchar EF", "Carchar Ei Fawrhydi")


def display_name_for(name: str, kind: str) -> str:
    """How the service writes an establishment: "HMP Cardiff", "HMYOI Wetherby", "Broadmoor Hospital"."""
    if kind == PRISON:
        return f"HMP {name}"
    if kind == YOI:
        return f"HMYOI {name}"
    if kind == STC:
        return f"{name} Secure Training Centre"
    return name


def _welsh_forms(welsh_name: str) -> set[str]:
    if not welsh_name:
        return set()
    forms = {welsh_name}
    first, _, rest = welsh_name.partition(" ")
    if first.lower() == "carchar" and rest:
        place = rest.removeprefix("y ").removeprefix("Y ")
        forms |= {f"{word} {rest}" for word in _WELSH_PRISON}
        forms |= {f"{prefix} {place}" for prefix in _WELSH_PREFIXES}
        forms |= {f"{prefix} {rest}" for prefix in _WELSH_PREFIXES}
    return forms


def forms_for(*, name: str, kind: str, welsh_name: str = "", common_forms: str = "") -> list[str]:
    """Every common way of writing the establishment, normalised, longest first."""
    forms = {display_name_for(name, kind)}
    if kind in (PRISON, YOI):
        short = name.removeprefix("The ")
        for base in {name, short}:
            forms |= {f"{prefix} {base}" for prefix in _PRISON_PREFIXES}
            forms |= {f"{base} {suffix}" for suffix in _PRISON_SUFFIXES}
    elif kind == STC:
        forms |= {f"{name} {suffix}" for suffix in _STC_SUFFIXES}
    forms |= _welsh_forms(welsh_name)
    forms |= {f.strip() for f in re.split(r"[;\n]", common_forms) if f.strip()}
    normalised = {normalise(f) for f in forms}
    return sorted((f for f in normalised if f), key=lambda f: (-len(f), f))


_SINGLE_LETTERS = re.compile(r"\b(?:[a-z] )+[a-z]\b")


def normalise(text: str) -> str:
    """Lower case, punctuation and line breaks to single spaces, initials joined ("h m p" -> "hmp")."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub("['\u2019`]", "", text)  # "majesty's" and "majestys" alike
    text = re.sub(r"[^\w]+|_", " ", text)
    text = " ".join(text.split())
    return _SINGLE_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), text)


def names_pattern(forms: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of the normalised ``forms`` as whole words in normalised text."""
    alternatives = sorted({f for f in forms if f}, key=lambda f: (-len(f), f))
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in alternatives) + r")(?!\w)")


def register_rows(path: Path = REGISTER_PATH) -> list[dict[str, Any]]:
    """The register file as model field values, one dict per establishment."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            {
                "code": row["code"].strip(),
                "name": row["name"].strip(),
                "kind": row["kind"].strip(),
                "welsh_name": row.get("welsh_name", "").strip(),
                "common_forms": "\n".join(
                    f.strip() for f in row.get("common_forms", "").split(";") if f.strip()
                ),
                "is_active": row.get("is_active", "1").strip() == "1",
            }
            for row in csv.DictReader(handle)
        ]


def register_load(model: type) -> int:
    """Add the establishments in the file that are not in the table (never overwrites an admin's edits)."""
    have = set(model.objects.values_list("code", flat=True))  # type: ignore[attr-defined]
    rows = [model(**row) for row in register_rows() if row["code"] not in have]
    model.objects.bulk_create(rows)  # type: ignore[attr-defined]
    return len(rows)


def match_location(text: str, establishments: Iterable[Any]) -> Any | None:
    """The establishment whose name, in any common form, is the whole of ``text``; None if none is."""
    wanted = normalise(text)
    if not wanted:
        return None
    for establishment in establishments:
        forms = forms_for(
            name=establishment.name,
            kind=establishment.kind,
            welsh_name=establishment.welsh_name,
            common_forms=establishment.common_forms,
        )
        if wanted in forms:
            return establishment
    return None
