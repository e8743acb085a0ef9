"""The one check that a victim's details are not in something leaving the service.

``victim_details_found(text, victims=...)`` says which of the victims' details ``text`` holds:
names (each part too), every address (current and former) whole and by its parts, the town,
county and postcode (whole, and its outward and inward codes), phone numbers however spaced
or written +44, email addresses (and the part before the @), dates of birth in the usual
forms, and the safety details the VLO recorded (restrictions, safety concerns, access needs).

It errs on the side of refusing: a victim called May blocks "may" in an answer, and the VLO
rewrites it. The words the VLO may use instead ("an exclusion zone around the victim's home
town") name no victim, so they pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from offenders.models import Offender
from victims.models import SafetyConcern, Victim

# Words of an address line too common to identify anyone on their own.
_STREET_WORDS = {
    "road",
    "street",
    "avenue",
    "lane",
    "close",
    "drive",
    "way",
    "court",
    "place",
    "crescent",
    "gardens",
    "grove",
    "terrace",
    "flat",
    "house",
    "the",
    "and",
    "walk",
    "view",
    "hill",
    "park",
    "square",
    "row",
    "mews",
    "rise",
    "green",
    "north",
    "south",
    "east",
    "west",
    "upper",
    "lower",
    "apartment",
    "floor",
    "block",
}
_WORD = re.compile(r"[^\W\d_][\w'\u2019]*", re.UNICODE)


@dataclass(frozen=True)
class Detail:
    label: str  # what it is, for the message: never the value itself
    pattern: re.Pattern[str]


def _words(value: str) -> re.Pattern[str]:
    """``value`` as whole words, any spacing, any case."""
    parts = value.split()
    return re.compile(r"(?<!\w)" + r"\s*".join(re.escape(p) for p in parts) + r"(?!\w)", re.IGNORECASE)


def _phrase(value: str) -> re.Pattern[str]:
    """``value`` anywhere, whitespace-flexible and in any case."""
    return re.compile(r"\s+".join(re.escape(p) for p in value.split()), re.IGNORECASE)


def _phone(value: str) -> list[re.Pattern[str]]:
    digits = re.sub(r"\D", "", value)
    if len(digits) < 6:
        return []
    patterns = [re.compile(r"\D{0,2}".join(digits))]
    if digits.startswith("0"):  # the same number written +44 7700 ...
        patterns.append(re.compile(r"\+?44\D{0,3}(?:\(0\))?\D{0,2}" + r"\D{0,2}".join(digits[1:])))
    return patterns


def _name_parts(value: str) -> set[str]:
    """A name, and each part of it split at spaces and hyphens (two letters or more)."""
    value = value.strip()
    parts = {value} if value else set()
    parts |= {p for p in re.split(r"[\s\-]+", value) if len(p) >= 2}
    return parts


def _postcode(value: str) -> list[re.Pattern[str]]:
    compact = re.sub(r"\s", "", value).upper()
    if len(compact) < 5:
        return [_words(value)] if value.strip() else []
    outward, inward = compact[:-3], compact[-3:]
    return [
        re.compile(rf"(?<!\w){re.escape(outward)}\s*{re.escape(inward)}(?!\w)", re.IGNORECASE),
        re.compile(rf"(?<!\w){re.escape(outward)}(?!\w)", re.IGNORECASE),
        re.compile(rf"(?<!\w){re.escape(inward)}(?!\w)", re.IGNORECASE),
    ]


def _dates(victim: Victim) -> list[re.Pattern[str]]:
    dob = victim.date_of_birth
    if dob is None:
        return []
    forms = {
        f"{dob:%-d %B %Y}",
        f"{dob:%d %B %Y}",
        f"{dob:%-d %b %Y}",
        f"{dob:%d/%m/%Y}",
        f"{dob:%-d/%-m/%Y}",
        f"{dob:%d/%m/%y}",
        f"{dob:%d.%m.%Y}",
        f"{dob:%d-%m-%Y}",
        dob.isoformat(),
    }
    return [_phrase(f) for f in forms]


def _free_text(value: str) -> list[re.Pattern[str]]:
    """A note the VLO wrote about the victim: the whole of it, and each sentence of three words or more."""
    value = " ".join(value.split())
    if len(value) < 8:
        return []
    pieces = {value} | {p.strip() for p in re.split(r"[.;:!?\n]+", value) if len(p.split()) >= 3}
    return [_phrase(p) for p in pieces if p]


def victim_details(victims: Iterable[Victim]) -> list[Detail]:
    """Every detail of ``victims`` as patterns, labelled by kind."""
    details: list[Detail] = []

    def add(label: str, patterns: Iterable[re.Pattern[str]]) -> None:
        details.extend(Detail(label, p) for p in patterns)

    for victim in victims:
        names = set()
        for value in (victim.first_name, victim.last_name, victim.full_name):
            names |= _name_parts(value)
        add("the victim's name", (_words(n) for n in names))
        guardian = set()
        for value in (victim.guardian_first_name, victim.guardian_last_name):
            guardian |= _name_parts(value)
        add("the name of the victim's parent or guardian", (_words(n) for n in guardian))
        for address in victim.addresses.all():
            for line in (address.line_1, address.line_2):
                if line.strip():
                    add("the victim's address", [_words(line)])
                    words = {w for w in _WORD.findall(line) if len(w) >= 3 and w.lower() not in _STREET_WORDS}
                    add("the victim's address", (_words(w) for w in words))
            for place in (address.town, address.county):
                if place.strip():
                    add("the town or county of the victim's address", [_words(place)])
            if address.postcode.strip():
                add("the victim's postcode", _postcode(address.postcode))
        add("the victim's phone number", _phone(victim.phone or ""))
        if victim.email:
            local = victim.email.split("@", 1)[0]
            add("the victim's email address", [_phrase(victim.email)])
            if len(local) >= 3:
                add("the victim's email address", [_words(local)])
        add("the victim's date of birth", _dates(victim))
        for note in (victim.accessibility_needs, victim.safe_times_to_call):
            add("the victim's safety or access details", _free_text(note or ""))
        for restriction in victim.restrictions.all():
            add("the victim's safety or access details", _free_text(restriction.detail))
        for concern in SafetyConcern.objects.filter(case__victim=victim):
            add("the victim's safety or access details", _free_text(concern.description))
    return details


def offender_victims(offender: Offender) -> list[Victim]:
    """Every victim on any case of the offender, with what ``victim_details`` reads."""
    return list(
        Victim.objects.filter(cases__offender=offender)
        .distinct()
        # Former addresses and lifted restrictions still describe the victim.
        .prefetch_related("addresses", "restrictions")
    )


def victim_details_found(text: str, *, victims: Iterable[Victim]) -> list[str]:
    """What kinds of the victims' details ``text`` holds, in the order first found; empty if none."""
    found: list[str] = []
    if not text:
        return found
    for detail in victim_details(victims):
        if detail.label not in found and detail.pattern.search(text):
            found.append(detail.label)
    return found
