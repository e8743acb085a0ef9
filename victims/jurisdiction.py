"""Whether a court is in England and Wales: the scheme covers only the sentences their courts pass.

The Victim Contact Scheme is the Probation Service's duty under the Domestic Violence, Crime and
Victims Act 2004, whose ss.35-45 apply to England and Wales. Scotland and Northern Ireland run
their own schemes, and the Isle of Man and the Channel Islands have their own courts, so a
referral from any of their courts is refused with that reason (DOMAIN.md section 2).

A court is recognised as outside England and Wales by either of two documented checks
(docs/referral-import.md, "Courts outside England and Wales"):

- its name contains a place or court title from ``COURT_NAMES`` (whole words, any case), e.g.
  "Glasgow High Court", "Sheriff Court", "Laganside Crown Court";
- its postcode, given on its own or written in the court's name, is in an area of
  ``POSTCODE_AREAS`` (Scotland: AB DD DG EH FK G HS IV KA KW KY ML PA PH TD ZE, except the
  English district TD15, Berwick-upon-Tweed; Northern Ireland: BT; Isle of Man: IM; Channel
  Islands: GY JE). Welsh postcodes (CF LL NP SA LD, and SY, CH and others that straddle the
  border) are all in England and Wales, so they pass.

``court_outside_england_and_wales`` is the one rule; the referral pages, the CSV import and
``case_create`` all call it.
"""

from __future__ import annotations

import re

SCOTLAND = "Scotland"
NORTHERN_IRELAND = "Northern Ireland"
ISLE_OF_MAN = "the Isle of Man"
CHANNEL_ISLANDS = "the Channel Islands"

# Where each jurisdiction's victims are offered contact instead, for the refusal message.
ELSEWHERE = {
    SCOTLAND: "Scotland runs its own Victim Notification Scheme",
    NORTHERN_IRELAND: "Northern Ireland runs its own victim information schemes",
    ISLE_OF_MAN: "the Isle of Man has its own courts and probation service",
    CHANNEL_ISLANDS: "Jersey and Guernsey have their own courts and probation services",
}

POSTCODE_AREAS = {
    **dict.fromkeys(
        ("AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "TD", "ZE"),
        SCOTLAND,
    ),
    "BT": NORTHERN_IRELAND,
    "IM": ISLE_OF_MAN,
    "GY": CHANNEL_ISLANDS,
    "JE": CHANNEL_ISLANDS,
}
# Districts of those areas that are in England: Berwick-upon-Tweed is TD15.
ENGLISH_DISTRICTS = {"TD15"}

# Court titles used only outside England and Wales, and the places where those courts sit. Matched
# as whole words, so "Perth" does not match "Perthshire Road" but does match "Perth Sheriff Court".
COURT_NAMES: dict[str, tuple[str, ...]] = {
    SCOTLAND: (
        "Scotland",
        "Scottish",
        "Sheriff Court",
        "High Court of Justiciary",
        "Justice of the Peace Court",
        "Aberdeen",
        "Airdrie",
        "Alloa",
        "Arbroath",
        "Ayr",
        "Campbeltown",
        "Dingwall",
        "Dumbarton",
        "Dumfries",
        "Dundee",
        "Dunfermline",
        "Dunoon",
        "Edinburgh",
        "Elgin",
        "Falkirk",
        "Forfar",
        "Fort William",
        "Glasgow",
        "Greenock",
        "Hamilton",
        "Inverness",
        "Jedburgh",
        "Kilmarnock",
        "Kirkcaldy",
        "Kirkwall",
        "Lanark",
        "Lerwick",
        "Livingston",
        "Oban",
        "Paisley",
        "Perth",
        "Peterhead",
        "Portree",
        "Selkirk",
        "Stirling",
        "Stornoway",
        "Stranraer",
        "Tain",
        "Wick",
    ),
    NORTHERN_IRELAND: (
        "Northern Ireland",
        "Antrim",
        "Armagh",
        "Ballymena",
        "Belfast",
        "Coleraine",
        "Craigavon",
        "Derry",
        "Downpatrick",
        "Dungannon",
        "Enniskillen",
        "Laganside",
        "Limavady",
        "Lisburn",
        "Londonderry",
        "Magherafelt",
        "Newry",
        "Newtownards",
        "Omagh",
        "Strabane",
    ),
    ISLE_OF_MAN: ("Isle of Man", "Manx"),
    CHANNEL_ISLANDS: ("Jersey", "Guernsey", "Alderney", "Sark", "St Helier", "St Peter Port"),
}

_NAME_PATTERNS = {
    where: re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
    for where, names in COURT_NAMES.items()
}
# A full postcode anywhere in a court's name ("Glasgow High Court, G2 6NE"), or an outward code
# given on its own ("G2").
_POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2})(\d[A-Z\d]?)\s*\d[A-Z]{2}\b", re.IGNORECASE)
_OUTWARD = re.compile(r"^([A-Z]{1,2})(\d[A-Z\d]?)(?:\s*\d[A-Z]{2})?$", re.IGNORECASE)


def postcode_jurisdiction(postcode: str) -> str | None:
    """Where a postcode is, if outside England and Wales; None inside it, or if it is not a postcode."""
    match = _OUTWARD.match(" ".join(postcode.split()))
    return _area(match) if match else None


def _area(match: re.Match[str]) -> str | None:
    area, district = match.group(1).upper(), match.group(2).upper()
    if f"{area}{district}" in ENGLISH_DISTRICTS:
        return None
    # "G2" is Glasgow, but "GL1" (Gloucester) and "GU1" (Guildford) are areas of their own.
    return POSTCODE_AREAS.get(area)


def court_jurisdiction(court: str, postcode: str = "") -> str | None:
    """Where a court is, if outside England and Wales; None for a court in England or Wales."""
    if postcode.strip():
        where = postcode_jurisdiction(postcode)
        if where:
            return where
    for match in _POSTCODE_IN_TEXT.finditer(court):
        where = _area(match)
        if where:
            return where
    return next((where for where, pattern in _NAME_PATTERNS.items() if pattern.search(court)), None)


def court_outside_england_and_wales(court: str, postcode: str = "") -> str | None:
    """The refusal message for a court outside England and Wales; None if the court is inside it."""
    where = court_jurisdiction(court, postcode)
    if where is None:
        return None
    name = court.strip() or "The court"
    return (
        f"{name} is a court in {where}. The Victim Contact Scheme covers sentences passed by courts "
        f"in England and Wales (Domestic Violence, Crime and Victims Act 2004), and {ELSEWHERE[where]}: "
        "do not record this referral here."
    )
