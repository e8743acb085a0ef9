"""Turn a letter into words, HTML and a PDF.

The words come from a ``LetterTemplate`` rendered in the sandbox (``sandbox.py``) with a dict of
plain strings built here (``letter_values``): the only facts a letter can ever contain. Dates
that would say when the offender is released are given as a month; where the offender is held
is never a value. The PDF is made by WeasyPrint with ``StaticOnlyFetcher``, which serves the
app's own static files and refuses every other URL.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from offenders.models import INDETERMINATE_TYPES, KeyDateKind, SentenceType
from victims.models import Case, Language, RestrictionKind

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


def case_facts(case: Case) -> CaseFacts:
    from offenders.models import EventKind, SentenceEvent
    from victims.selectors import current_key_dates

    key_dates = {k.kind: k.date for k in current_key_dates(sentence_id=case.sentence_id)}
    category = case.offender.security_category
    events = list(
        SentenceEvent.objects.filter(sentence_id=case.sentence_id).values_list(
            "kind", "occurred_on", "location"
        )
    )
    places = {case.offender.location.strip()} | {loc.strip() for _, _, loc in events}
    release_events = [on for kind, on, _ in events if kind == EventKind.RELEASE]
    release_on = key_dates.get(KeyDateKind.CRD) or (max(release_events) if release_events else None)
    release_dates = {d for d in (key_dates.get(KeyDateKind.CRD), *release_events) if d}
    restrictions = frozenset(
        case.victim.restrictions.filter(lifted_at__isnull=True).values_list("kind", flat=True)
    )
    return CaseFacts(
        key_dates=key_dates,
        security_category=category.category if category else "",
        release_on=release_on,
        places_held=tuple(sorted(p for p in places if p)),
        release_dates=tuple(sorted(release_dates)),
        restrictions=restrictions,
    )


def next_key_date_text(key_dates: dict[str, date], on: date, language: str) -> str:
    upcoming = sorted((d, k) for k, d in key_dates.items() if d >= on)
    if not upcoming:
        return ""
    day, kind = upcoming[0]
    return KEY_DATE_TEXT[Language(language)][KeyDateKind(kind)].format(month=month_text(day, language))


def letter_values(*, case: Case, language: str, free_text: str, on: date, facts: CaseFacts) -> dict[str, str]:
    """The placeholders' values for a letter on ``case``: plain strings, nothing else."""
    victim, offender, sentence = case.victim, case.offender, case.sentence
    led = facts.key_dates.get(KeyDateKind.LED) or facts.key_dates.get(KeyDateKind.SED)
    reply_days = getattr(settings, "VCS_LETTER_REPLY_DAYS", 28)
    return {
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
            # Not {% static %}: a hashed production name would not be found by the fetcher's finders.
            "css_url": settings.STATIC_URL + "letters/letter.css",
        },
    )


# --- PDF ---------------------------------------------------------------------------------------

# Relative URLs in letters resolve against this origin; nothing is ever fetched from it.
FETCH_BASE = "https://letters.vcs.invalid/"
ALLOWED_ASSET_TYPES = {".css", ".png", ".jpg", ".jpeg", ".svg", ".woff", ".woff2", ".ttf", ".otf"}


class LetterAssetRefused(ValueError):
    """A letter asked for a URL that is not one of the app's own static files."""


def _static_roots() -> list[Path]:
    roots: list[Path] = []
    for finder in finders.get_finders():
        for location in getattr(finder, "locations", []):
            roots.append(Path(location[1] if isinstance(location, tuple) else location).resolve())
        for storage in getattr(finder, "storages", {}).values():
            if getattr(storage, "location", None):
                roots.append(Path(storage.location).resolve())
    return roots


def static_path_for(url: str) -> Path:
    """The file behind a ``/static/...`` URL on ``FETCH_BASE``; raises for every other URL."""
    base = urlsplit(FETCH_BASE)
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        raise LetterAssetRefused(f"Letters may only use the service's own static files, not {url[:80]!r}")
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL):
        raise LetterAssetRefused(f"Not a static file: {path[:80]!r}")
    relative = path[len(settings.STATIC_URL) :]
    segments = relative.replace("\\", "/").split("/")
    if not relative or any(s in ("", ".", "..") for s in segments) or "\x00" in relative:
        raise LetterAssetRefused(f"Not a plain static path: {relative[:80]!r}")
    if Path(relative).suffix.lower() not in ALLOWED_ASSET_TYPES:
        raise LetterAssetRefused(f"Letters may not use files of this type: {relative[:80]!r}")
    found = finders.find(relative)
    if not found:
        raise LetterAssetRefused(f"No such static file: {relative[:80]!r}")
    resolved = Path(found).resolve()
    if not any(resolved.is_relative_to(root) for root in _static_roots()):
        raise LetterAssetRefused(f"Outside the static folders: {relative[:80]!r}")
    return resolved


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher for letters: the app's static files, and nothing else at all."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        path = static_path_for(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    def open(self, url: object, data: object = None, timeout: object = None) -> URLFetcherResponse:
        return self.fetch(str(getattr(url, "full_url", url)))


def _document(html: str):  # -> weasyprint.Document
    return HTML(string=html, base_url=FETCH_BASE, url_fetcher=StaticOnlyFetcher()).render()


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """(PDF bytes, number of pages)."""
    document = _document(html)
    return document.write_pdf(), len(document.pages)


def merged_pdf(htmls: Iterable[str]) -> tuple[bytes, int]:
    """One PDF of several documents, each starting on a new page; page numbers restart per letter."""
    documents = [_document(h) for h in htmls]
    if not documents:
        raise ValueError("Nothing to print")
    pages = [p for d in documents for p in d.pages]
    return documents[0].copy(pages).write_pdf(), len(pages)


def letter_pdf(letter: Letter, *, on: date) -> tuple[bytes, int]:
    return html_to_pdf(letter_document_html([letter_view(letter, on=on)]))


def letters_merged_pdf(letters: Iterable[Letter], *, on: date) -> tuple[bytes, int]:
    return merged_pdf(letter_document_html([letter_view(letter, on=on)]) for letter in letters)
