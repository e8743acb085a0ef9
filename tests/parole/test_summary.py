"""The offender manager summary: no victim contact details, hostile text inert, a locked-down renderer."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from offenders.models import SentenceType
from parole.models import ConditionKind
from parole.summary import PDF_BASE_URL, StaticOnlyURLFetcher, om_summary_pdf, static_path_for
from tests.parole.factories import ConditionFactory
from tests.victims.factories import AddressFactory, CaseFactory
from victims.models import SafetyConcern

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script> {{ 7*7 }} <img src=http://evil.example/x.png>"
# Everything that identifies or locates the victim, in the forms it might be written.
VICTIM_DETAILS = [
    "Zebedee",
    "Quillfeather",
    "Xylophone",
    "ZZ9 9ZZ",
    "ZZ99ZZ",
    "07700 900982",
    "07700900982",
    "900982",
    "zebedee.q@hidden-mail.example",
    "hidden-mail",
    "14 March 1979",
    "14/03/1979",
    "1979-03-14",
    "Guardianname",
]


@pytest.fixture
def case(vlo):
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        reference="VCS-2026-000099",
        victim__first_name="Zebedee",
        victim__last_name="Quillfeather",
        victim__date_of_birth=dt.date(1979, 3, 14),
        victim__phone="07700 900982",
        victim__email="zebedee.q@hidden-mail.example",
        victim__safe_times_to_call="After 6pm " + HOSTILE,
        victim__accessibility_needs="Large print " + HOSTILE,
        victim__guardian_first_name="Guardianname",
        victim__guardian_last_name="Quillfeather",
        offender__first_name="Dan" + HOSTILE,
        offender__last_name="Marsh",
        sentence__sentence_type=SentenceType.LIFE,
        sentence__years=None,
    )
    AddressFactory(victim=case.victim, line_1="17 Xylophone Crescent", town="Quartzville", postcode="ZZ9 9ZZ")
    # Typed in before the service checked descriptions: the summary must still not carry them.
    ConditionFactory(
        case=case,
        kind=ConditionKind.EXCLUSION_ZONE,
        description="Not to enter Quartzville town centre north of the ring road. " + HOSTILE,
        outcome="not_imposed",
        outcome_on=dt.date(2026, 5, 1),
        outcome_reason="Zone too wide. " + HOSTILE,
    )
    ConditionFactory(
        case=case,
        kind=ConditionKind.OTHER,
        description="Zebedee Quillfeather asks he stays away from 17 Xylophone Crescent, ZZ99ZZ, "
        "tel 07700900982, zebedee.q@hidden-mail.example, born 14/03/1979",
    )
    SafetyConcern.objects.create(
        case=case,
        raised_on=dt.date(2026, 4, 2),
        description="Offender's brother seen outside the victim's workplace. " + HOSTILE,
        share_with_offender_manager=True,
        recorded_by=vlo,
    )
    SafetyConcern.objects.create(
        case=case,
        raised_on=dt.date(2026, 4, 3),
        description="UNSHARED-CONCERN: the victim has moved to a refuge.",
        share_with_offender_manager=False,
        recorded_by=vlo,
    )
    return case


def html_of(vlo_client, case) -> str:
    response = vlo_client.get(reverse("parole:om_summary", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def pdf_text(pdf: bytes) -> str:
    """The PDF's text in reading order (pypdf: no poppler binary needed)."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def pdf(vlo_client, case) -> bytes:
    response = vlo_client.get(reverse("parole:om_summary", args=[case.pk]) + "?format=pdf")
    assert response["Content-Type"] == "application/pdf"
    return response.content


# --- what the summary holds -----------------------------------------------------------------


@pytest.mark.parametrize("detail", VICTIM_DETAILS)
def test_html_holds_none_of_the_victims_details(vlo_client, case, detail):
    page = html_of(vlo_client, case)
    main = page.split('id="main-content"')[1]
    assert detail.casefold() not in main.casefold()


@pytest.mark.parametrize("detail", VICTIM_DETAILS)
def test_pdf_text_holds_none_of_the_victims_details(pdf, detail):
    text = pdf_text(pdf)
    assert detail.casefold() not in re.sub(r"\s+", " ", text).casefold()


def test_pdf_bytes_hold_none_of_the_victims_details(case, vlo):
    raw = om_summary_pdf(case=case, today=dt.date(2026, 6, 10))
    for detail in ("Zebedee", "Xylophone", "900982", "hidden-mail"):
        assert detail.encode() not in raw


def test_summary_refers_to_the_victim_as_the_victim(pdf):
    text = re.sub(r"\s+", " ", pdf_text(pdf))
    assert 'Referred to as "the victim"' in text
    assert "the victim asks he stays away from" in text
    assert "[contact details removed]" in text


def test_summary_shows_conditions_outcomes_zones_and_shared_concerns(vlo_client, case):
    page = re.sub(r"\s+", " ", html_of(vlo_client, case))
    # A zone is described by its area; the victim's town is not a contact detail, their street is.
    assert "Not to enter Quartzville town centre north of the ring road" in page
    assert "Exclusion zone" in page
    assert "Not imposed" in page
    assert "Zone too wide." in page
    assert "Offender&#x27;s brother seen outside the victim&#x27;s workplace" in page


def test_unshared_concern_is_left_out(vlo_client, case, pdf):
    assert "UNSHARED-CONCERN" not in html_of(vlo_client, case)
    assert "UNSHARED-CONCERN" not in pdf_text(pdf)


def test_where_the_offender_is_held_is_left_out(vlo_client, case):
    assert case.offender.location not in html_of(vlo_client, case)


# --- hostile text ---------------------------------------------------------------------------


def test_hostile_text_is_escaped_in_the_html(vlo_client, case):
    main = html_of(vlo_client, case).split('id="main-content"')[1]
    assert "<script>alert(1)</script>" not in main
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in main
    assert "<img src=http://evil" not in main
    assert "{{ 7*7 }}" in main  # shown as typed, never evaluated
    assert " 49 " not in main


def test_hostile_text_is_printed_not_rendered_in_the_pdf(pdf):
    text = re.sub(r"\s+", " ", pdf_text(pdf))
    assert "<script>alert(1)</script>" in text
    assert "<img src=http://evil.example/x.png>" in text


def test_pdf_renderer_never_asks_for_the_hostile_image(case, monkeypatch):
    asked: list[str] = []
    original = StaticOnlyURLFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyURLFetcher, "fetch", spy)
    om_summary_pdf(case=case, today=dt.date(2026, 6, 10))
    assert not [url for url in asked if "evil" in url]


# --- the PDF itself -------------------------------------------------------------------------


def test_pdf_is_a4_marked_official_sensitive_with_page_numbers(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:  # A4 is 595.28 x 841.89 points; allow for rounding
        assert abs(float(page.mediabox.width) - 595.28) < 1
        assert abs(float(page.mediabox.height) - 841.89) < 1
    text = re.sub(r"\s+", " ", pdf_text(pdf))
    assert "OFFICIAL-SENSITIVE" in text
    assert f"Page 1 of {len(reader.pages)}" in text


# --- the URL fetcher ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example/x.png",
        "https://evil.example/static/dist/application.css",
        "file:///etc/passwd",
        "data:text/css,body{}",
        f"{PDF_BASE_URL}etc/passwd",
        f"{PDF_BASE_URL}static/../../etc/passwd",
        f"{PDF_BASE_URL}static/%2e%2e/%2e%2e/etc/passwd",
        f"{PDF_BASE_URL}static/",
    ],
)
def test_url_fetcher_refuses_anything_but_static_files(url):
    assert static_path_for(url) is None
    with pytest.raises(ValueError, match="Refused"):
        StaticOnlyURLFetcher().fetch(url)


def test_url_fetcher_serves_a_static_file():
    response = StaticOnlyURLFetcher().fetch(f"{PDF_BASE_URL}static/dist/application.css")
    assert response.content_type == "text/css"
    assert len(response.read()) > 100
