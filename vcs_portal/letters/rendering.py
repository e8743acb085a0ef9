"""Turn a letter into words, HTML and a PDF.

The words come from a ``LetterTemplate`` rendered in the sandbox (``sandbox.py``) with a dict of
plain strings built here (``letter_values``): the only facts a letter can ever contain. Dates
that would say when the offender is released are given as a month; where the offender is held
is never a value. The PDF is made by the base's PDF kit (``vcs_portal.core.pdf``), whose fetcher
serves the app's own static files and refuses every other URL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from offenders.models import (
    INDETERMINATE_TYPES,
    EventKind,
    KeyDate,
    KeyDateKind,
    SecurityCategoryChange,
    SentenceEvent,
    SentenceType,
)
from parole.models import ConditionKind, ConditionOutcome, LicenceConditionRequest, ParoleReview
from vcs_portal.core.pdf import PDF_BASE_URL, AssetRefused, render_document
from vcs_portal.core.pdf import StaticOnlyFetcher as StaticOnlyFetcher  # re-exported for the letters' tests
from vcs_portal.core.pdf import static_path_for as static_path_for  # re-exported for the letters' tests
from victims.deadlines import is_working_day, vps_due
from victims.models import Case, Channel, Language, RestrictionKind, VictimRestriction
from victims.selectors import latest_key_dates

from . import sandbox
from .models import Letter, LetterStatus, LetterTemplate

# --- placeholders ---------------------------------------------------------------------------

# name: (what it holds, what to do when a letter needs it and it is empty)
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "addressee": ("Who the letter is to: the victim, or their parent or guardian while under 18", ""),
    "victim_first_name": ("The victim's first name", ""),
    "offender_name": ("The offender's full name", ""),
    "security_category": (
        "The current security category in plain words, e.g. “category D (an open prison)”",
        "Record the offender's security category on the case",
    ),
    "next_key_date": (
        "The next key date as a month and what happens then, e.g. “March 2027, when the licence ends”",
        "Record a future key date (for example the parole eligibility date) on the case",
    ),
    "release_month": (
        "The month of release (from the conditional release date), e.g. “March 2027”; never the date",
        "Record the conditional release date (CRD) on the case",
    ),
    "licence_end_month": (
        "The month the licence ends (licence expiry date, or sentence expiry date)",
        "Record the licence expiry date (LED) on the case",
    ),
    "sentence_text": ("The sentence in words, e.g. “4 years” or “a life sentence”", ""),
    "sentence_month": ("The month and year of sentence", ""),
    "court": ("The court that passed the sentence", ""),
    "officer_name": ("The VLO's name", ""),
    "officer_email": ("The VLO's email address", ""),
    "reference": ("The case reference", ""),
    "letter_date": ("The date on the letter", ""),
    "reply_by": ("A date to reply by (the letter's date plus VCS_LETTER_REPLY_DAYS)", ""),
    "reconsideration_days": ("Days the victim has to ask for a parole decision to be reconsidered", ""),
    "category_meaning": (
        "What the current security category means, in plain words",
        "Record the offender's security category on the case",
    ),
    "conditions": (
        "The licence conditions the victim asked for, one a line: imposed, refused (with the reason "
        "recorded) or not yet decided",
        "Record the licence conditions the victim asked for, and what was decided, on the parole page",
    ),
    "hearing_month": (
        "The month of the coming parole hearing, e.g. “May 2027”",
        "Record the parole hearing (the review's hearing date) on the case",
    ),
    "statement_by": (
        "The date the statement must reach the VLO: VCS_VPS_REPLY_WORKING_DAYS working days before "
        "the Board's deadline",
        "Record the parole hearing (the review's hearing date) on the case",
    ),
    "contact_ways": ("How the victim can reach us, in the ways that fit their chosen channel", ""),
    "team_phone": (
        "The team's phone number (always given where the letter speaks of safety)",
        "Ask an admin to add the team's phone number (Admin, Teams)",
    ),
    "opening_hours": ("When the team's phone is answered", ""),
    "free_text": ("The VLO's own paragraph", "Write the paragraph that says what has happened"),
}

MONTHS = {
    Language.ENGLISH: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    Language.WELSH: [
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
    ],
}

SECURITY_CATEGORY_TEXT = {
    Language.ENGLISH: {
        "A": "category A (the highest security)",
        "B": "category B (high security)",
        "C": "category C (a closed prison)",
        "D": "category D (an open prison)",
        "R": "restricted status (the highest security)",
        "CL": "closed conditions",
        "OP": "open conditions (an open prison)",
        "YC": "closed conditions for young people",
        "YO": "open conditions for young people",
        "H": "hospital (no category is given)",
    },
    Language.WELSH: {
        "A": "categori A (y diogelwch uchaf)",
        "B": "categori B (diogelwch uchel)",
        "C": "categori C (carchar caeedig)",
        "D": "categori D (carchar agored)",
        "R": "statws cyfyngedig (y diogelwch uchaf)",
        "CL": "amodau caeedig",
        "OP": "amodau agored (carchar agored)",
        "YC": "amodau caeedig i bobl ifanc",
        "YO": "amodau agored i bobl ifanc",
        "H": "ysbyty (nid oes categori)",
    },
}

# What each category means for the victim, in plain words (DOMAIN.md s.7: say what changed).
CATEGORY_MEANING = {
    Language.ENGLISH: {
        "A": "This is for people who would be most dangerous to the public if they escaped.",
        "B": "This is a closed prison with high security.",
        "C": "This is a closed prison. People there are not trusted in open conditions.",
        "D": "This is an open prison. People there may go out to work or train, under strict rules.",
        "R": "This is the highest security, for women and young people.",
        "CL": "This is a closed prison. People there are not trusted in open conditions.",
        "OP": "This is an open prison. People there may go out to work or train, under strict rules.",
        "YC": "This is a closed unit for young people.",
        "YO": "This is an open unit for young people, with strict rules.",
        "H": "This is a secure hospital. The doctors and the Ministry of Justice decide on any leave.",
    },
    Language.WELSH: {
        "A": "Mae hyn ar gyfer pobl a fyddai'n fwyaf peryglus i'r cyhoedd pe baen nhw'n dianc.",
        "B": "Carchar caeedig gyda diogelwch uchel yw hwn.",
        "C": "Carchar caeedig yw hwn. Nid yw'r bobl yno yn cael eu trystio mewn amodau agored.",
        "D": "Carchar agored yw hwn. Gall y bobl yno fynd allan i weithio neu hyfforddi, o dan reolau llym.",
        "R": "Dyma'r diogelwch uchaf, ar gyfer menywod a phobl ifanc.",
        "CL": "Carchar caeedig yw hwn. Nid yw'r bobl yno yn cael eu trystio mewn amodau agored.",
        "OP": "Carchar agored yw hwn. Gall y bobl yno fynd allan i weithio neu hyfforddi, o dan reolau llym.",
        "YC": "Uned gaeedig i bobl ifanc yw hon.",
        "YO": "Uned agored i bobl ifanc yw hon, gyda rheolau llym.",
        "H": "Ysbyty diogel yw hwn. Y meddygon a'r Weinyddiaeth Gyfiawnder sy'n penderfynu am absenoldeb.",
    },
}

# A licence condition the victim asked for, in plain words, and what became of it.
CONDITION_TEXT = {
    Language.ENGLISH: {
        ConditionKind.NO_CONTACT: "No contact with you",
        ConditionKind.EXCLUSION_ZONE: "An exclusion zone (an area they must not go into)",
        ConditionKind.NON_ASSOCIATION: "Not to meet certain named people",
        ConditionKind.OTHER: "Another condition you asked for",
    },
    Language.WELSH: {
        ConditionKind.NO_CONTACT: "Dim cysylltiad â chi",
        ConditionKind.EXCLUSION_ZONE: "Parth gwahardd (ardal na chaiff fynd iddi)",
        ConditionKind.NON_ASSOCIATION: "Peidio â chwrdd â phobl a enwir",
        ConditionKind.OTHER: "Amod arall y gofynnoch chi amdano",
    },
}
OUTCOME_TEXT = {
    Language.ENGLISH: {
        ConditionOutcome.IMPOSED: "{what}: this is a condition of the licence.",
        ConditionOutcome.NOT_IMPOSED: "{what}: this was not made a condition. The reason given was: {reason}",
        ConditionOutcome.REQUESTED: "{what}: we have asked for this. No decision has been made yet.",
        "no_reason": "no reason has been recorded yet. I will ask for it and tell you.",
    },
    Language.WELSH: {
        ConditionOutcome.IMPOSED: "{what}: mae hwn yn un o amodau'r drwydded.",
        ConditionOutcome.NOT_IMPOSED: "{what}: ni chafodd hwn ei wneud yn amod. Y rheswm oedd: {reason}",
        ConditionOutcome.REQUESTED: "{what}: rydyn ni wedi gofyn am hyn. Nid oes penderfyniad eto.",
        "no_reason": "nid oes rheswm wedi'i gofnodi eto. Byddaf i'n gofyn amdano ac yn dweud wrthych chi.",
    },
}

# How a victim can reach us, by their chosen channel; a phone number is offered with each.
CONTACT_WAYS = {
    Language.ENGLISH: {
        Channel.LETTER: "You can write to me at {address}.",
        Channel.PHONE: "You can call me on {phone}.",
        Channel.EMAIL: "You can email me at {email}.",
        Channel.VISIT: "To arrange a visit, call me on {phone}.",
        "or_call": "Or you can call {phone}.",
        "hours": "The phone line is open {hours}.",
    },
    Language.WELSH: {
        Channel.LETTER: "Gallwch chi ysgrifennu ataf i yn {address}.",
        Channel.PHONE: "Gallwch chi fy ffonio i ar {phone}.",
        Channel.EMAIL: "Gallwch chi anfon e-bost ataf i yn {email}.",
        Channel.VISIT: "I drefnu ymweliad, ffoniwch fi ar {phone}.",
        "or_call": "Neu gallwch chi ffonio {phone}.",
        "hours": "Mae'r llinell ffôn ar agor {hours}.",
    },
}

# What happens on each key date, said so that it follows a month.
KEY_DATE_TEXT = {
    Language.ENGLISH: {
        KeyDateKind.PED: "{month}, when the Parole Board can first consider release",
        KeyDateKind.CRD: "{month}, when release on licence is due",
        KeyDateKind.LED: "{month}, when the licence ends",
        KeyDateKind.SED: "{month}, when the sentence ends",
        KeyDateKind.TARIFF: "{month}, when the minimum term ends",
        KeyDateKind.HDCED: "{month}, when release on a home curfew (a tag) can first be considered",
    },
    Language.WELSH: {
        KeyDateKind.PED: "mis {month} (y dyddiad cyntaf y gall y Bwrdd Parôl ystyried rhyddhau)",
        KeyDateKind.CRD: "mis {month} (pan fydd disgwyl rhyddhau ar drwydded)",
        KeyDateKind.LED: "mis {month} (pan ddaw'r drwydded i ben)",
        KeyDateKind.SED: "mis {month} (pan ddaw'r ddedfryd i ben)",
        KeyDateKind.TARIFF: "mis {month} (pan ddaw'r isafswm tymor i ben)",
        KeyDateKind.HDCED: "mis {month} (y dyddiad cyntaf y gellir ystyried cyrffyw cartref gyda thag)",
    },
}

SENTENCE_TEXT = {
    Language.ENGLISH: {
        SentenceType.LIFE: "a life sentence",
        SentenceType.IPP: "an indeterminate sentence for public protection (IPP)",
        SentenceType.DETENTION_PLEASURE: "detention at His Majesty's pleasure",
        "hospital": "a hospital order",
        "extended": "{term} (an extended sentence)",
    },
    Language.WELSH: {
        SentenceType.LIFE: "dedfryd oes",
        SentenceType.IPP: "dedfryd amhenodol er mwyn diogelu'r cyhoedd (IPP)",
        SentenceType.DETENTION_PLEASURE: "cadw yn ôl ewyllys Ei Fawrhydi",
        "hospital": "gorchymyn ysbyty",
        "extended": "{term} (dedfryd estynedig)",
    },
}

# The words around the body, per language.
FRAME = {
    Language.ENGLISH: {
        "service": "HM Prison and Probation Service",
        "scheme": "Victim Contact Scheme",
        "private": "Private and confidential",
        "reference": "Our reference",
        "date": "Date",
        "dear": "Dear",
        "sign_off": "Yours sincerely",
        "title": "Victim Liaison Officer",
        "marking": "OFFICIAL-SENSITIVE",
        "welsh_line": "",
        "welsh_line_en": "",
    },
    Language.WELSH: {
        "service": "Gwasanaeth Carchardai a Phrawf EF",
        "scheme": "Cynllun Cyswllt â Dioddefwyr",
        "private": "Preifat a chyfrinachol",
        "reference": "Ein cyfeirnod",
        "date": "Dyddiad",
        "dear": "Annwyl",
        "sign_off": "Yn gywir",
        "title": "Swyddog Cyswllt â Dioddefwyr",
        "marking": "SWYDDOGOL-SENSITIF / OFFICIAL-SENSITIVE",
        # HMPPS Welsh Language Scheme: Welsh and English are equal; say that Welsh is welcome.
        "welsh_line": "Rydym yn croesawu gohebiaeth yn Gymraeg. Byddwn yn ateb yn Gymraeg, heb oedi.",
        "welsh_line_en": "We welcome correspondence in Welsh. We will reply in Welsh, without delay.",
    },
}


def month_text(day: date | None, language: str) -> str:
    """ "March 2027" (or "Mawrth 2027"): how a victim is told when something happens."""
    if day is None:
        return ""
    return f"{MONTHS[Language(language)][day.month - 1]} {day.year}"


def long_date(day: date | None, language: str) -> str:
    if day is None:
        return ""
    return f"{day.day} {MONTHS[Language(language)][day.month - 1]} {day.year}"


def _welsh_term(years: int | None, months: int | None, days: int | None) -> str:
    parts = []
    for value, one, many in (
        (years, "1 flwyddyn", "{} o flynyddoedd"),
        (months, "1 mis", "{} o fisoedd"),
        (days, "1 diwrnod", "{} o ddiwrnodau"),
    ):
        if value:
            parts.append(one if value == 1 else many.format(value))
    return ", ".join(parts)


def sentence_text(sentence: object, language: str) -> str:
    words = SENTENCE_TEXT[Language(language)]
    kind = sentence.sentence_type  # type: ignore[attr-defined]
    if kind in INDETERMINATE_TYPES:
        return words[kind]
    if sentence.is_hospital:  # type: ignore[attr-defined]
        return words["hospital"]
    if language == Language.WELSH:
        term = _welsh_term(sentence.years, sentence.months, sentence.days)  # type: ignore[attr-defined]
    else:
        term = sentence.term_display  # type: ignore[attr-defined]
    if kind in {SentenceType.EXTENDED, SentenceType.SOPC} and term:
        return words["extended"].format(term=term)
    return term


# --- the facts a letter may contain ------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """What the letters need to know about a case, read once (the sweeps and the bench reuse it)."""

    key_dates: dict[str, date]  # the current date of each kind
    security_category: str  # a SecurityCategory value, or ""
    release_on: date | None
    places_held: tuple[str, ...]  # never to be printed: used to check letters do not name them
    release_dates: tuple[date, ...]  # exact dates a letter must not give
    restrictions: frozenset[str]
    # (kind, outcome, reason, description) of each licence condition the victim asked for
    conditions: tuple[tuple[str, str, str, str], ...] = ()
    hearings: tuple[date, ...] = ()  # parole hearings recorded, oldest first


def case_facts(case: Case) -> CaseFacts:
    return case_facts_many([case])[case.pk]


def case_facts_many(cases: Sequence[Case]) -> dict[int, CaseFacts]:
    """``CaseFacts`` of each case by pk, in six queries whatever their number (a sweep drafts
    hundreds of letters). Reads ``case.offender``: select it with the cases."""
    sentence_ids = {c.sentence_id for c in cases}
    key_date_rows: dict[int, list[KeyDate]] = defaultdict(list)
    for key_date in KeyDate.objects.filter(sentence_id__in=sentence_ids).order_by(
        "sentence_id", "kind", "-recorded_at", "-pk"
    ):
        key_date_rows[key_date.sentence_id].append(key_date)
    categories = {
        change.offender_id: change.category
        for change in SecurityCategoryChange.objects.filter(offender_id__in={c.offender_id for c in cases})
        .order_by("offender_id", "-effective_on", "-pk")
        .distinct("offender_id")
    }
    events: dict[int, list[tuple[str, date, str]]] = defaultdict(list)
    for sentence_id, kind, on, location in SentenceEvent.objects.filter(
        sentence_id__in=sentence_ids
    ).values_list("sentence_id", "kind", "occurred_on", "location"):
        events[sentence_id].append((kind, on, location))
    restrictions: dict[int, set[str]] = defaultdict(set)
    for victim_id, kind in VictimRestriction.objects.filter(
        victim_id__in={c.victim_id for c in cases}, lifted_at__isnull=True
    ).values_list("victim_id", "kind"):
        restrictions[victim_id].add(kind)
    conditions: dict[int, list[tuple[str, str, str, str]]] = defaultdict(list)
    for case_id, *condition in (
        LicenceConditionRequest.objects.filter(case_id__in=[c.pk for c in cases])
        .order_by("case_id", "requested_on", "pk")
        .values_list("case_id", "kind", "outcome", "outcome_reason", "description")
    ):
        conditions[case_id].append(tuple(condition))  # type: ignore[arg-type]
    review_hearings: dict[int, set[date]] = defaultdict(set)
    for sentence_id, on in ParoleReview.objects.filter(
        sentence_id__in=sentence_ids, hearing_on__isnull=False
    ).values_list("sentence_id", "hearing_on"):
        review_hearings[sentence_id].add(on)
    facts: dict[int, CaseFacts] = {}
    for case in cases:
        key_dates = {k.kind: k.date for k in latest_key_dates(key_date_rows.get(case.sentence_id, []))}
        sentence_events = events.get(case.sentence_id, [])
        places = {case.offender.location.strip()} | {loc.strip() for _, _, loc in sentence_events}
        release_events = [on for kind, on, _ in sentence_events if kind == EventKind.RELEASE]
        release_on = key_dates.get(KeyDateKind.CRD) or (max(release_events) if release_events else None)
        release_dates = {d for d in (key_dates.get(KeyDateKind.CRD), *release_events) if d}
        hearings = {on for kind, on, _ in sentence_events if kind == EventKind.PAROLE_HEARING}
        hearings |= review_hearings.get(case.sentence_id, set())
        facts[case.pk] = CaseFacts(
            conditions=tuple(conditions.get(case.pk, [])),
            hearings=tuple(sorted(hearings)),
            key_dates=key_dates,
            security_category=categories.get(case.offender_id, ""),
            release_on=release_on,
            places_held=tuple(sorted(p for p in places if p)),
            release_dates=tuple(sorted(release_dates)),
            restrictions=frozenset(restrictions.get(case.victim_id, set())),
        )
    return facts


def next_key_date_text(key_dates: dict[str, date], on: date, language: str) -> str:
    upcoming = sorted((d, k) for k, d in key_dates.items() if d >= on)
    if not upcoming:
        return ""
    day, kind = upcoming[0]
    return KEY_DATE_TEXT[Language(language)][KeyDateKind(kind)].format(month=month_text(day, language))


def conditions_text(conditions: Sequence[tuple[str, str, str, str]], language: str) -> str:
    """One bullet line per licence condition the victim asked for, with what was decided and why."""
    lang = Language(language)
    lines = []
    for kind, outcome, reason, description in conditions:
        what = CONDITION_TEXT[lang].get(kind, CONDITION_TEXT[lang][ConditionKind.OTHER])
        if description.strip() and kind in (ConditionKind.EXCLUSION_ZONE, ConditionKind.OTHER):
            what = f"{what}: {' '.join(description.split())}"
        reason_text = " ".join(reason.split()) or OUTCOME_TEXT[lang]["no_reason"]
        if reason_text[-1] not in ".!?":
            reason_text += "."
        template = OUTCOME_TEXT[lang].get(outcome, OUTCOME_TEXT[lang][ConditionOutcome.REQUESTED])
        lines.append("- " + template.format(what=what, reason=reason_text))
    return "\n".join(lines)


def statement_due(hearing: date) -> date:
    """The day a Victim Personal Statement must reach the VLO: ``VCS_VPS_REPLY_WORKING_DAYS`` working
    days before the Board's own deadline (``victims.deadlines.vps_due``), so there is time to send it on."""
    day = vps_due(hearing).due
    remaining = settings.VCS_VPS_REPLY_WORKING_DAYS
    while remaining > 0 or not is_working_day(day):
        day -= timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def contact_ways_text(case: Case, language: str) -> str:
    """The ways the victim can reach us that fit their chosen channel; a phone number when there is one."""
    words = CONTACT_WAYS[Language(language)]
    team, channel = case.team, case.victim.preferred_channel
    phone, address = team.phone.strip(), ", ".join(team.postal_lines)
    email = case.officer.email or team.email
    if (channel == Channel.LETTER and not address) or (
        channel in (Channel.PHONE, Channel.VISIT) and not phone
    ):
        channel = Channel.EMAIL
    sentences = [words[channel].format(address=address, phone=phone, email=email)]
    if phone and channel in (Channel.LETTER, Channel.EMAIL):
        sentences.append(words["or_call"].format(phone=phone))
    return " ".join(sentences)


def opening_hours_text(case: Case, language: str) -> str:
    team = case.team
    hours = team.opening_hours_welsh if language == Language.WELSH and team.opening_hours_welsh else ""
    return hours or team.opening_hours


def letter_values(*, case: Case, language: str, free_text: str, on: date, facts: CaseFacts) -> dict[str, str]:
    """The placeholders' values for a letter on ``case``: plain strings, nothing else."""
    victim, offender, sentence = case.victim, case.offender, case.sentence
    led = facts.key_dates.get(KeyDateKind.LED) or facts.key_dates.get(KeyDateKind.SED)
    reply_days = settings.VCS_LETTER_REPLY_DAYS
    hearing = next((d for d in facts.hearings if d >= on), None)
    statement_by = statement_due(hearing) if hearing else None
    hours = opening_hours_text(case, language)
    return {
        "category_meaning": CATEGORY_MEANING[Language(language)].get(facts.security_category, ""),
        "conditions": conditions_text(facts.conditions, language),
        "hearing_month": month_text(hearing, language),
        # Too late to give the usual notice: ask for it as soon as they can, never a past date.
        "statement_by": (long_date(statement_by, language) if statement_by and statement_by > on else "")
        or (long_date(vps_due(hearing).due, language) if hearing and vps_due(hearing).due > on else ""),
        "contact_ways": contact_ways_text(case, language),
        "team_phone": case.team.phone.strip(),
        "opening_hours": CONTACT_WAYS[Language(language)]["hours"].format(hours=hours) if hours else "",
        "addressee": victim.addressee_name(on),
        "victim_first_name": victim.first_name,
        "offender_name": offender.full_name,
        "security_category": SECURITY_CATEGORY_TEXT[Language(language)].get(facts.security_category, ""),
        "next_key_date": next_key_date_text(facts.key_dates, on, language),
        "release_month": month_text(facts.release_on, language),
        "licence_end_month": month_text(led, language),
        "sentence_text": sentence_text(sentence, language),
        "sentence_month": month_text(sentence.sentence_date, language),
        "court": sentence.court,
        "officer_name": case.officer.get_full_name(),
        "officer_email": case.officer.email,
        "reference": case.reference,
        "letter_date": long_date(on, language),
        "reply_by": long_date(on + timedelta(days=reply_days), language),
        "reconsideration_days": str(settings.VCS_RECONSIDERATION_DAYS),
        "free_text": free_text.strip(),
    }


SAMPLE_FREE_TEXT = {
    Language.ENGLISH: "This is where you add your own words. Keep them short and clear.",
    Language.WELSH: "Dyma lle rydych chi'n ychwanegu eich geiriau eich hun. Cadwch nhw'n fyr ac yn glir.",
}


def sample_values(language: str) -> dict[str, str]:
    """Made-up values for previews and the plain-English check."""
    on = date(2026, 11, 20)
    english = language == Language.ENGLISH
    return {
        "addressee": "Sam Reed",
        "victim_first_name": "Sam",
        "offender_name": "Dan Marsh",
        "security_category": SECURITY_CATEGORY_TEXT[Language(language)]["C"],
        "next_key_date": KEY_DATE_TEXT[Language(language)][KeyDateKind.PED].format(
            month=month_text(date(2027, 3, 1), language)
        ),
        "release_month": month_text(date(2027, 9, 1), language),
        "licence_end_month": month_text(date(2029, 9, 1), language),
        "sentence_text": "4 years" if english else "4 o flynyddoedd",
        "sentence_month": month_text(date(2026, 3, 1), language),
        "court": "Manchester Crown Court",
        "officer_name": "Alice Jones",
        "officer_email": "alice.jones@justice.gov.uk",
        "reference": "VCS-2026-000042",
        "letter_date": long_date(on, language),
        "reply_by": long_date(on + timedelta(days=28), language),
        "reconsideration_days": "21",
        "category_meaning": CATEGORY_MEANING[Language(language)]["C"],
        "conditions": conditions_text(
            [
                (ConditionKind.NO_CONTACT, ConditionOutcome.IMPOSED, "", ""),
                (
                    ConditionKind.EXCLUSION_ZONE,
                    ConditionOutcome.NOT_IMPOSED,
                    "The area you asked for was too large to police."
                    if english
                    else "Roedd yr ardal yn rhy fawr.",
                    "",
                ),
            ],
            language,
        ),
        "hearing_month": month_text(date(2027, 5, 1), language),
        "statement_by": long_date(date(2027, 3, 26), language),
        "contact_ways": CONTACT_WAYS[Language(language)][Channel.LETTER].format(
            address="Victim Contact Unit, PO Box 100, Manchester M1 1AA"
        ),
        "team_phone": "0300 123 4567",
        "opening_hours": CONTACT_WAYS[Language(language)]["hours"].format(
            hours="Monday to Friday, 9am to 5pm" if english else "dydd Llun i ddydd Gwener, 9am i 5pm"
        ),
        "free_text": SAMPLE_FREE_TEXT[Language(language)],
    }


# --- words -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str  # the body as plain text
    html: SafeString  # the body, escaped, as paragraphs and lists
    missing: tuple[str, ...] = field(default=())  # required placeholders that were empty


def render_template(template: LetterTemplate, values: dict[str, str]) -> Rendered:
    allowed = PLACEHOLDERS.keys()
    subject_t = sandbox.compile_template(template.subject, allowed)
    body_t = sandbox.compile_template(template.body, allowed)
    subject = " ".join(sandbox.render_text(subject_t, values).split())
    text = sandbox.render_text(body_t, values)
    required = subject_t.required | body_t.required
    missing = tuple(sorted(n for n in required if not values.get(n, "").strip()))
    return Rendered(subject=subject, text=text, html=sandbox.text_to_html(text), missing=missing)


def template_get(kind: str, language: str) -> LetterTemplate:
    try:
        return LetterTemplate.objects.get(kind=kind, language=language)
    except LetterTemplate.DoesNotExist:
        try:
            return LetterTemplate.objects.get(kind=kind, language=Language.ENGLISH)
        except LetterTemplate.DoesNotExist as exc:
            raise LookupError(f"No wording for letters of kind {kind!r}: add it in the admin") from exc


# --- the whole letter --------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterView:
    """Everything printed on a letter, as plain values (the document template escapes them)."""

    language: str
    branded: bool
    addressee: str
    address_lines: tuple[str, ...]
    reference: str
    letter_date: str
    subject: str
    body_html: SafeString
    signatory: str
    large_print: bool = False

    @property
    def frame(self) -> dict[str, str]:
        return FRAME[Language(self.language)]


def letter_view(letter: Letter, *, on: date) -> LetterView:
    """The letter as it will print: frozen values once approved, today's values while a draft."""
    case = letter.case
    if letter.status in (LetterStatus.APPROVED, LetterStatus.SENT):
        address = letter.address
        return LetterView(
            language=letter.language,
            branded=letter.branded,
            addressee=letter.addressee,
            address_lines=tuple(address.lines) if address else (),
            reference=case.reference,
            letter_date=long_date(letter.letter_date, letter.language),
            subject=letter.subject,
            body_html=mark_safe(letter.body_html),  # noqa: S308 - escaped by sandbox.text_to_html
            signatory=letter.signatory,
            large_print=letter.large_print,
        )
    address = case.victim.current_address
    restricted = case.victim.restrictions.filter(
        kind=RestrictionKind.NO_BRANDED_LETTERS, lifted_at__isnull=True
    ).exists()
    return LetterView(
        language=letter.language,
        branded=not restricted,
        addressee=case.victim.addressee_name(on),
        address_lines=tuple(address.lines) if address else (),
        reference=case.reference,
        letter_date=long_date(on, letter.language),
        subject=letter.subject,
        body_html=mark_safe(letter.body_html),  # noqa: S308 - escaped by sandbox.text_to_html
        signatory=case.officer.get_full_name(),
        large_print=case.victim.large_print,
    )


def letter_fragment_html(view: LetterView) -> SafeString:
    """The letter's page content (letterhead to signature), for the web preview and the PDF."""
    return mark_safe(render_to_string("letters/_letter.html", {"letter": view}))  # noqa: S308


def letter_document_html(views: Sequence[LetterView]) -> str:
    """A whole HTML document (A4, margin boxes) holding one or more letters."""
    return render_to_string(
        "letters/document.html",
        {
            "letters": [{"view": v, "html": letter_fragment_html(v)} for v in views],
            "language": views[0].language if views else Language.ENGLISH,
            "title": views[0].subject if len(views) == 1 else "Letters",
        },
    )


# --- PDF ---------------------------------------------------------------------------------------

# The letters' names for the base's PDF kit (vcs_portal.core.pdf), kept so callers need not change.
FETCH_BASE = PDF_BASE_URL
LetterAssetRefused = AssetRefused


# Tagged PDF/UA-1 (structure, reading order, the document's language and title from the HTML), so a
# victim using a screen reader gets headings, paragraphs and lists rather than loose text.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
# Every letter's stylesheet, parsed once per worker (core.pdf.stylesheet) rather than linked from
# each document: the A4 page, its margin boxes and the letter itself.
LETTER_STYLESHEET = "letters/letter.css"


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """(PDF bytes, number of pages)."""
    document = render_document(html, (LETTER_STYLESHEET,))
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)


def merged_pdf(htmls: Iterable[str]) -> tuple[bytes, int]:
    """One PDF of several documents, each starting on a new page; page numbers restart per letter."""
    documents = [render_document(h, (LETTER_STYLESHEET,)) for h in htmls]
    if not documents:
        raise ValueError("Nothing to print")
    pages = [p for d in documents for p in d.pages]
    return documents[0].copy(pages).write_pdf(**PDF_OPTIONS), len(pages)


def letter_pdf(letter: Letter, *, on: date) -> tuple[bytes, int]:
    return html_to_pdf(letter_document_html([letter_view(letter, on=on)]))


def letters_merged_pdf(letters: Iterable[Letter], *, on: date) -> tuple[bytes, int]:
    return merged_pdf(letter_document_html([letter_view(letter, on=on)]) for letter in letters)
