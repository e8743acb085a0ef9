"""What a letter says and how it prints: months not dates, no prison, the right addressee and
letterhead, hostile text escaped, and a PDF renderer that fetches nothing but our static files."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine

from offenders.models import EventKind, KeyDate, KeyDateKind, SecurityCategoryChange, SentenceEvent
from parole.models import ConditionKind, LicenceConditionRequest
from tests.letters.conftest import CRD, PRISON
from tests.letters.helpers import pdf_pages, pdf_reader, pdf_text
from tests.parole.factories import ParoleReviewFactory
from tests.victims.factories import CaseFactory
from vcs_portal.core import pdf as core_pdf
from vcs_portal.letters import checks, rendering, services
from vcs_portal.letters.models import LetterKind
from vcs_portal.letters.rendering import FETCH_BASE, LetterAssetRefused, StaticOnlyFetcher, static_path_for
from victims.models import Language, RestrictionKind, VictimRestriction

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def approved_pdf(letter, actor) -> bytes:
    letter = services.letter_approve(actor=actor, letter=letter)
    assert services.letter_pdf_store(letter_id=letter.pk)
    letter.refresh_from_db()
    return bytes(letter.pdf)


def draft(case, kind=LetterKind.RELEASE, free_text="", actor=None):
    letter, _ = services.letter_draft(case=case, kind=kind, period_key="test", actor=actor)
    if free_text:
        letter = services.letter_update_free_text(
            actor=actor or case.officer, letter=letter, free_text=free_text
        )
    return letter


def draft_html(letter) -> str:
    view, _ = services.letter_preview(letter)
    return rendering.letter_document_html([view])


# --- what it says ---------------------------------------------------------------------------------


def test_the_release_letter_gives_the_month_never_the_date(case, vlo, teammate):
    letter = draft(case)
    assert "due to be released on licence in March 2027" in letter.body_html
    text = pdf_text(approved_pdf(letter, teammate))
    assert "March 2027" in text
    for exact in ("14 March", "14/03/2027", "14.03.2027", "2027-03-14", "March 14"):
        assert exact not in text


def test_no_letter_names_where_the_offender_is_held(case, vlo, teammate):
    SentenceEvent.objects.create(
        sentence=case.sentence,
        kind=EventKind.TRANSFER,
        occurred_on=dt.date(2026, 9, 1),
        location="HMP Leyhill",
        recorded_by=vlo,
    )
    for kind in LetterKind.values:
        letter, _ = services.letter_draft(case=case, kind=kind, period_key="every-kind")
        html = draft_html(letter)
        assert PRISON not in html and "Leyhill" not in html, kind
    letter = draft(case, kind=LetterKind.OPEN_CONDITIONS)
    text = pdf_text(approved_pdf(letter, teammate))
    assert PRISON not in text and "Leyhill" not in text


def test_a_child_victims_letters_go_to_the_parent_or_guardian(make_case, vlo, teammate):
    case = make_case(
        victim__first_name="Mia",
        victim__last_name="Reed",
        victim__date_of_birth=dt.date(2012, 5, 1),
        victim__guardian_first_name="Jo",
        victim__guardian_last_name="Reed",
        victim__guardian_relationship="Mother",
    )
    letter = draft(case, kind=LetterKind.ANNUAL)
    view, _ = services.letter_preview(letter)
    assert view.addressee == "Jo Reed"
    text = pdf_text(approved_pdf(letter, teammate))
    assert "Dear Jo Reed," in text
    assert "Dear Mia" not in text


def test_the_letters_go_to_the_victim_from_their_18th_birthday(make_case):
    case = make_case(
        victim__first_name="Mia",
        victim__last_name="Reed",
        victim__date_of_birth=dt.date(2008, 11, 20),
        victim__guardian_first_name="Jo",
        victim__guardian_last_name="Reed",
    )
    with time_machine.travel(dt.datetime(2026, 11, 19, 12, tzinfo=dt.UTC), tick=False):
        assert services.letter_preview(draft(case))[0].addressee == "Jo Reed"
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False):
        assert services.letter_preview(draft(case))[0].addressee == "Mia Reed"


def test_only_the_current_safe_address_is_printed(case, vlo, teammate):
    from tests.victims.factories import AddressFactory

    old = case.victim.addresses.get()
    old.is_current, old.do_not_use = False, True
    old.save()
    AddressFactory(victim=case.victim, recorded_by=vlo, line_1="7 New Road", postcode="M1 1AA")
    text = pdf_text(approved_pdf(draft(case), teammate))
    assert "7 New Road" in text
    assert "12 Acacia Avenue" not in text


def test_a_victim_who_asked_for_no_branding_gets_a_plain_letterhead(case, vlo, teammate):
    VictimRestriction.objects.create(
        victim=case.victim, kind=RestrictionKind.NO_BRANDED_LETTERS, added_by=vlo
    )
    letter = draft(case)
    assert services.letter_preview(letter)[0].branded is False
    text = pdf_text(approved_pdf(letter, teammate))
    assert "HM Prison and Probation Service" not in text
    assert "Victim Liaison Officer" not in text
    assert "Private and confidential" in text
    assert "OFFICIAL-SENSITIVE" in text


def test_a_lifted_branding_restriction_brings_the_letterhead_back(case, vlo, teammate):
    from django.utils import timezone

    VictimRestriction.objects.create(
        victim=case.victim,
        kind=RestrictionKind.NO_BRANDED_LETTERS,
        added_by=vlo,
        lifted_at=timezone.now(),
        lifted_by=vlo,
    )
    text = pdf_text(approved_pdf(draft(case), teammate))
    assert "HM Prison and Probation Service" in text


def test_every_page_is_marked_and_numbered(case, vlo, teammate):
    paragraph = "This is a long paragraph to fill the page. " * 12
    letter = draft(case, kind=LetterKind.RECALL, free_text="\n\n".join([paragraph] * 12))
    pdf = approved_pdf(letter, teammate)
    pages = pdf_pages(pdf)
    assert pages >= 2
    for page in range(1, pages + 1):
        text = pdf_text(pdf, page)
        assert text.count("OFFICIAL-SENSITIVE") == 2  # top and bottom
        assert f"Page {page} of {pages}" in text


def test_a_welsh_speakers_letter_is_in_welsh(make_case, vlo, teammate):
    case = make_case(victim__language=Language.WELSH)
    letter = draft(case)
    assert letter.language == Language.WELSH
    assert letter.subject.startswith("Rhyddhau")
    text = pdf_text(approved_pdf(letter, teammate))
    assert "yn ystod mis Mawrth 2027" in text
    assert "Gwasanaeth Carchardai a Phrawf EF" in text
    assert "Tudalen 1 o 1" in text
    assert "OFFICIAL-SENSITIVE" in text


# --- hostile input ------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "{{ settings.SECRET_KEY }}",
    '<img src="http://169.254.169.254/latest/meta-data/">',
    '<link rel="stylesheet" href="file:///etc/passwd">',
]


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the PDF renderer asks for."""
    urls: list[str] = []
    real = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return real(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    return urls


def test_hostile_names_and_free_text_are_escaped_and_never_fetched(team_a1, vlo, fetched, settings):
    case = CaseFactory(
        team=team_a1,
        officer=vlo,
        victim__first_name=HOSTILE[0],
        victim__last_name=HOSTILE[2],
        offender__first_name=HOSTILE[1],
        offender__last_name=HOSTILE[3],
        sentence__court='<iframe src="https://example.com/">',
    )
    letter = draft(case, kind=LetterKind.RECALL, free_text="\n\n".join(HOSTILE), actor=vlo)
    html = draft_html(letter)
    for raw in (HOSTILE[0], HOSTILE[2], HOSTILE[3], "<iframe"):
        assert raw not in html
    assert "{{ settings.SECRET_KEY }}" in html  # as typed: text, never evaluated
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=&quot;http://169.254.169.254/latest/meta-data/&quot;&gt;" in html
    assert settings.SECRET_KEY not in html

    pdf, _ = rendering.html_to_pdf(html)
    # Nothing but the letters' own stylesheet (fetched once per worker, so perhaps not by this render).
    assert set(fetched) <= {FETCH_BASE + "static/letters/letter.css"}
    assert "<script>alert(1)</script>" in pdf_text(pdf)  # shown as text, harmlessly
    assert settings.SECRET_KEY not in pdf_text(pdf)


def test_urls_in_the_html_itself_are_refused_by_the_fetcher(fetched, caplog):
    html = (
        '<html><head><link rel="stylesheet" href="http://169.254.169.254/x.css">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head><body>'
        '<img src="https://example.com/a.png"><img src="/static/../../etc/passwd">'
        '<img src="data:image/png;base64,iVBORw0KGgo="><p>Hello</p></body></html>'
    )
    pdf, pages = rendering.html_to_pdf(html)
    assert pages == 1 and "Hello" in pdf_text(pdf)
    assert "http://169.254.169.254/x.css" in fetched  # asked for, and refused (an error, not a fetch)
    assert "root:" not in pdf_text(pdf)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/static/letters/letter.css",
        "https://letters.vcs.invalid.example.com/static/letters/letter.css",
        "file:///etc/passwd",
        "file:///work/main/static/dist/application.css",
        "data:text/css,body{color:red}",
        "ftp://letters.vcs.invalid/static/letters/letter.css",
        FETCH_BASE + "etc/passwd",
        FETCH_BASE + "static/../../etc/passwd",
        FETCH_BASE + "static/letters/../../../../etc/passwd",
        FETCH_BASE + "static/%2e%2e/%2e%2e/etc/passwd",
        FETCH_BASE + "static/letters/..%2f..%2f..%2fsettings.py",
        FETCH_BASE + "static//etc/passwd",
        FETCH_BASE + "static/letters/missing.css",
        FETCH_BASE + "static/letters/letter.css%00.png",
    ],
)
def test_the_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(LetterAssetRefused):
        static_path_for(url)
    with pytest.raises(LetterAssetRefused):
        StaticOnlyFetcher()(url)


def test_the_fetcher_serves_a_real_static_file():
    url = FETCH_BASE + "static/letters/letter.css"
    assert static_path_for(url).name == "letter.css"
    response = StaticOnlyFetcher()(url)
    try:
        assert b"@page" in response.read()
        assert response.content_type == "text/css"
    finally:
        response.close()


def test_the_letters_stylesheet_is_parsed_once_and_again_when_its_file_changes(fetched, tmp_path, settings):
    """core.pdf.stylesheet keeps the parsed sheet while the file is unchanged, and reads an edited one."""
    sheet = tmp_path / "letters" / "bench-only.css"
    sheet.parent.mkdir()
    sheet.write_text("@page { size: A5; }")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(tmp_path)]
    first = core_pdf.stylesheet("letters/bench-only.css")
    assert core_pdf.stylesheet("letters/bench-only.css") is first
    assert fetched == [FETCH_BASE + "static/letters/bench-only.css"]

    sheet.write_text("@page { size: A4 landscape; }")
    os.utime(sheet, ns=(sheet.stat().st_atime_ns, sheet.stat().st_mtime_ns + 1_000_000))
    second = core_pdf.stylesheet("letters/bench-only.css")
    assert second is not first and len(fetched) == 2
    page = core_pdf.render_document("<p>Hello</p>", ("letters/bench-only.css",)).pages[0]
    assert page.width > page.height  # the edited sheet, not the first one


def test_the_fetcher_serves_project_static_files_too():
    assert static_path_for(FETCH_BASE + "static/dist/application.css").is_file()


def test_the_stored_pdf_is_the_approved_snapshot(case, vlo, teammate):
    """Once approved, a letter prints what was approved, whatever changes on the case later."""
    letter = draft(case, kind=LetterKind.ANNUAL)
    pdf = approved_pdf(letter, teammate)
    case.victim.first_name = "Changed"
    case.victim.save()
    letter.refresh_from_db()
    pdf_again, _ = rendering.letter_pdf(letter, on=dt.date(2027, 1, 1))
    assert pdf_text(pdf_again) == pdf_text(pdf)
    assert CRD.year == 2027


@pytest.mark.parametrize(
    ("text", "gives_it"),
    [
        ("18 December 2027", True),
        ("18 December", True),
        ("18 December, 2027", True),
        ("December 18, 2027", True),
        ("18th December 2027", True),
        ("18 Rhagfyr 2027", True),
        ("18\u00a0December 2027", True),  # a no-break space between the words
        ("18 December\n2026", True),  # a year on the next line is not this date's year
        ("18 December 1500 hours", True),  # nor is a time
        ("18/12/2027", True),
        ("18 December 2026", False),
        ("December 18, 2026", False),
        ("18 Rhagfyr 2026", False),
        ("8 December 2027", False),
    ],
)
def test_exact_date_patterns_tell_the_release_date_from_another_year(text, gives_it):
    assert checks.gives_exact_date(text, [dt.date(2027, 12, 18)]) is gives_it


# --- accessible PDFs ----------------------------------------------------------------------------


def structure_types(node, found: set[str]) -> set[str]:
    """Every structure type in a tagged PDF's structure tree."""
    node = node.get_object()
    if "/S" in node:
        found.add(str(node["/S"]))
    kids = node.get("/K")
    if kids is not None:
        kids = kids.get_object()
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
                structure_types(kid, found)
    return found


@pytest.mark.parametrize("language", ["en", "cy"])
def test_letters_are_tagged_pdfs_with_their_language_and_title(make_case, vlo, language):
    case = make_case(victim__language=language)
    letter = draft(case, kind=LetterKind.OFFER)  # it has a bulleted list
    reader = pdf_reader(approved_pdf(letter, vlo))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert str(root["/Lang"]) == language
    letter.refresh_from_db()
    assert reader.metadata.title == letter.subject
    tags = structure_types(root["/StructTreeRoot"], set())
    assert {"/Document", "/P", "/L", "/LI"} <= tags, tags


# --- what the letters know about a case, read for many cases at once ------------------------------


def test_case_facts_many_reads_each_cases_own_facts_in_a_fixed_number_of_queries(
    make_case, vlo, django_assert_max_num_queries
):
    full = make_case(reference="VCS-FULL")
    bare = make_case(reference="VCS-BARE", category="", key_dates=False, offender__location="")
    SecurityCategoryChange.objects.create(
        offender=full.offender, category="D", effective_on=dt.date(2026, 9, 1), recorded_by=vlo
    )
    KeyDate.objects.create(  # recorded later: the CRD now in force
        sentence=full.sentence,
        kind=KeyDateKind.CRD,
        date=dt.date(2027, 4, 1),
        source="recalculated",
        recorded_by=vlo,
    )
    SentenceEvent.objects.create(
        sentence=full.sentence,
        kind=EventKind.TRANSFER,
        occurred_on=dt.date(2026, 8, 1),
        location="HMP Elsewhere",
        recorded_by=vlo,
    )
    VictimRestriction.objects.create(
        victim=full.victim, kind=RestrictionKind.NO_BRANDED_LETTERS, added_by=vlo
    )
    LicenceConditionRequest.objects.create(
        case=full, kind=ConditionKind.NO_CONTACT, requested_on=dt.date(2026, 5, 1), recorded_by=vlo
    )
    ParoleReviewFactory(sentence=full.sentence, hearing_on=dt.date(2027, 2, 1))

    with django_assert_max_num_queries(6):
        facts = rendering.case_facts_many([full, bare])

    f, b = facts[full.pk], facts[bare.pk]
    assert f.security_category == "D"
    assert f.key_dates[KeyDateKind.CRD] == dt.date(2027, 4, 1) == f.release_on
    assert f.places_held == ("HMP Elsewhere", PRISON)
    assert f.restrictions == {RestrictionKind.NO_BRANDED_LETTERS}
    assert [c[0] for c in f.conditions] == [ConditionKind.NO_CONTACT]
    assert f.hearings == (dt.date(2027, 2, 1),)
    assert (b.security_category, b.key_dates, b.places_held, b.restrictions, b.conditions, b.hearings) == (
        "",
        {},
        (),
        frozenset(),
        (),
        (),
    )
    assert rendering.case_facts(full) == f and rendering.case_facts(bare) == b  # the same read, one case
