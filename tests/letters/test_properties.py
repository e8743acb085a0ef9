"""Properties over generated data: what must never be disclosed (DOMAIN.md section 5).

- No victim contact detail (address lines, postcode, phone, email) reaches the offender manager's
  summary (``parole.summary``), whether it sits in the victim's record or was typed into a licence
  condition or a shared concern.
- No victim letter's PDF gives the exact release date: only the month.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offenders.models import KeyDate, KeyDateKind
from parole.models import ConditionKind, LicenceConditionRequest, ParoleReview, ReviewKind
from tests.letters.helpers import pdf_text
from tests.victims.factories import AddressFactory
from vcs_portal.letters import services
from vcs_portal.letters.models import LetterKind
from victims.models import SafetyConcern

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
references = itertools.count(1)

line_1 = st.from_regex(r"[1-9][0-9]{0,2} [A-Z][a-z]{3,9} (Road|Street|Close|Avenue|Lane)", fullmatch=True)
line_2 = st.from_regex(r"(Flat|Unit) [1-9][0-9]?[A-D]?", fullmatch=True)
postcode = st.from_regex(r"[A-PR-UWYZ][A-HK-Y]?[1-9][0-9]? [0-9][ABD-HJLNP-UW-Z]{2}", fullmatch=True)
phone = st.from_regex(r"07[0-9]{3} [0-9]{6}", fullmatch=True)
email = st.from_regex(
    r"[a-z]{3,10}\.[a-z]{3,10}[0-9]{0,3}@(example|mailbox)\.(com|org|co\.uk)", fullmatch=True
)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).casefold()


@PROPERTY
@given(line_1=line_1, line_2=line_2, postcode=postcode, phone=phone, email=email, typed=st.booleans())
def test_no_victim_contact_detail_reaches_the_offender_managers_summary(
    make_case, vlo, line_1, line_2, postcode, phone, email, typed
):
    from parole.summary import om_summary_html

    case = make_case(
        reference=f"VCS-P{next(references):06d}",
        address=False,
        victim__phone=phone,
        victim__email=email,
    )
    AddressFactory(victim=case.victim, recorded_by=vlo, line_1=line_1, line_2=line_2, postcode=postcode)
    if typed:  # the details typed into text that goes to the offender manager
        LicenceConditionRequest.objects.create(
            case=case,
            kind=ConditionKind.EXCLUSION_ZONE,
            description=f"Not to go near {line_1}, {postcode}. Ring {phone} or write to {email}.",
            requested_on=dt.date(2026, 10, 1),
            recorded_by=vlo,
        )
        SafetyConcern.objects.create(
            case=case,
            raised_on=dt.date(2026, 10, 2),
            description=(
                f"Saw him outside {line_1.upper()} ({postcode.replace(' ', '')}); "
                f"call {phone.replace(' ', '')}"
            ),
            share_with_offender_manager=True,
            recorded_by=vlo,
        )
    html = squash(om_summary_html(case=case, today=dt.date(2026, 11, 20)))
    for detail in (line_1, postcode, email):
        assert squash(detail) not in html
        assert squash(detail).replace(" ", "") not in html.replace(" ", "")
    if not typed:
        assert squash(line_2) not in html  # a second line typed into free text is not a contact detail alone
    assert re.sub(r"\D", "", phone) not in re.sub(r"\D", "", html)


def exact_spellings(day: dt.date) -> list[re.Pattern[str]]:
    months = [
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
    ]
    welsh = [
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
    forms = [day.isoformat(), f"{day:%d/%m/%Y}", f"{day.day}/{day.month}/{day.year}", f"{day:%d.%m.%Y}"]
    patterns = [re.compile(rf"(?<!\d){re.escape(f)}(?!\d)") for f in forms]
    for names in (months, welsh):
        month = re.escape(names[day.month - 1])
        # The day and month with this year, or with no year at all ("on 14 March"). The same day and
        # month with another year is another date (the letter's own date, say).
        patterns += [
            re.compile(rf"(?<!\d){day.day} {month}(?: {day.year}|(?! \d{{4}}))(?!\d)", re.IGNORECASE),
            re.compile(rf"{month} {day.day}(?!\d)", re.IGNORECASE),
        ]
    return patterns


WELSH = [
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


@PROPERTY
@given(
    crd=st.dates(min_value=dt.date(2027, 2, 1), max_value=dt.date(2035, 12, 31)),
    kind=st.sampled_from([k for k in LetterKind.values if k != LetterKind.OPT_OUT]),
    language=st.sampled_from(["en", "cy"]),
    free_text=st.sampled_from(["", "We spoke on the phone last week.", "- one thing\n- another thing"]),
)
def test_no_letter_gives_the_exact_release_date(make_case, vlo, crd, kind, language, free_text, teammate):
    # A fixed surname: a random "May" followed by the house number reads as "May 12" in the PDF.
    case = make_case(
        reference=f"VCS-L{next(references):06d}",
        key_dates=False,
        victim__language=language,
        victim__last_name="Quillfeather",
    )
    KeyDate.objects.create(
        sentence=case.sentence, kind=KeyDateKind.CRD, date=crd, source="x", recorded_by=vlo
    )
    KeyDate.objects.create(
        sentence=case.sentence,
        kind=KeyDateKind.LED,
        date=crd.replace(year=crd.year + 2, day=1),
        source="x",
        recorded_by=vlo,
    )
    # What the licence and VPS letters need from the record; a hearing whose dates are all before any CRD.
    LicenceConditionRequest.objects.create(
        case=case, kind=ConditionKind.NO_CONTACT, requested_on=dt.date(2026, 10, 1), recorded_by=vlo
    )
    ParoleReview.objects.create(
        sentence=case.sentence,
        referred_on=dt.date(2026, 9, 1),
        kind=ReviewKind.ORAL,
        hearing_on=dt.date(2027, 1, 20),
        recorded_by=vlo,
    )
    letter, _ = services.letter_draft(case=case, kind=kind, period_key="p")
    services.letter_update_free_text(actor=vlo, letter=letter, free_text=free_text or "Nothing else to add.")
    letter = services.letter_approve(actor=teammate, letter=letter)
    assert services.letter_pdf_store(letter_id=letter.pk)
    letter.refresh_from_db()
    text = pdf_text(bytes(letter.pdf))
    for pattern in exact_spellings(crd):
        assert not pattern.search(text), (pattern.pattern, text)
    if kind == LetterKind.RELEASE:
        month = f"{crd:%B %Y}" if language == "en" else f"{WELSH[crd.month - 1]} {crd.year}"
        assert month in text
