"""Measure how fast annual letters render, and what our pipeline costs over bare WeasyPrint.

    python manage.py bench_letters --count 1000

Prints, never asserts. Everything runs in this one process (one worker) inside a transaction that
is rolled back, on made-up cases it creates for the purpose. Three measurements per letter:

- bare: WeasyPrint alone on the same HTML (the stylesheet inlined, WeasyPrint's default fetcher);
- render: what the render task does minus the database write: read the case's facts, fill the
  template in the sandbox, build the document and make the PDF with the static-only fetcher;
- full: draft, approve and store the PDF through the services (database writes included).

The ratio render/bare is the overhead of our rendering; the targets (issue 18) are at most 1.2, and
at least 800 letters a minute per worker for the render step.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta
from typing import Any

from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from weasyprint import HTML

from offenders.models import KeyDate, KeyDateKind, Offender, SecurityCategoryChange, Sentence, SentenceType
from vcs_portal.core.models import Region, Role, Team, User
from vcs_portal.letters import rendering, services
from vcs_portal.letters.models import Letter, LetterKind
from victims.models import Address, Case, CaseStatus, ContactLevel, Relationship, Victim

TARGET_RATIO = 1.2
TARGET_PER_MINUTE = 800  # letters rendered a minute by one worker (our render step)


class _Rollback(Exception):
    pass


def _cases(n: int, today: date) -> list[Case]:
    region = Region.objects.create(name="Bench region", code="bench-region")
    team = Team.objects.create(region=region, name="Bench team")
    officer = User.objects.create(
        email="bench.vlo@probation.example.gov.uk",
        first_name="Bea",
        last_name="Bench",
        role=Role.VLO,
        region=region,
        team=team,
    )
    cases = []
    for i in range(n):
        victim = Victim.objects.create(
            team=team,
            first_name="Vic",
            last_name=f"Bench{i}",
            date_of_birth=date(1980, 1, 1),
            created_by=officer,
        )
        Address.objects.create(
            victim=victim,
            line_1=f"{i + 1} Bench Street",
            town="Salford",
            postcode="M5 4WT",
            recorded_by=officer,
        )
        offender = Offender.objects.create(
            team=team, first_name="Off", last_name=f"Bench{i}", created_by=officer, location="HMP Benchmark"
        )
        sentence = Sentence.objects.create(
            offender=offender,
            sentence_type=SentenceType.DETERMINATE,
            sentence_date=date(2025, 1, 10),
            court="Bench Crown Court",
            years=6,
            created_by=officer,
        )
        SecurityCategoryChange.objects.create(
            offender=offender, category="C", effective_on=date(2025, 6, 1), recorded_by=officer
        )
        KeyDate.objects.create(
            sentence=sentence,
            kind=KeyDateKind.CRD,
            date=today + timedelta(days=400 + i),
            source="bench",
            recorded_by=officer,
        )
        cases.append(
            Case.objects.create(
                reference=f"BENCH-{i:06d}",
                victim=victim,
                offender=offender,
                sentence=sentence,
                team=team,
                officer=officer,
                relationship=Relationship.DIRECT,
                status=CaseStatus.OPTED_IN,
                contact_level=ContactLevel.ANNUAL,
                referral_received_on=date(2025, 1, 20),
                created_by=officer,
            )
        )
    return cases


def _inline_css(html: str) -> str:
    css_path = finders.find(rendering.LETTER_STYLESHEET)
    with open(css_path, encoding="utf-8") as fh:
        css = fh.read()
    # Ours applies the stylesheet parsed once (core.pdf.stylesheet); bare WeasyPrint parses it each time.
    return html.replace("</head>", f"<style>{css}</style></head>", 1)


def _render_ours(case: Case, today: date) -> tuple[str, bytes]:
    facts = rendering.case_facts(case)
    values = rendering.letter_values(case=case, language="en", free_text="", on=today, facts=facts)
    rendered = rendering.render_template(rendering.template_get(LetterKind.ANNUAL, "en"), values)
    view = rendering.LetterView(
        language="en",
        branded=True,
        addressee=values["addressee"],
        address_lines=tuple(case.victim.current_address.lines),
        reference=case.reference,
        letter_date=values["letter_date"],
        subject=rendered.subject,
        body_html=rendered.html,
        signatory=values["officer_name"],
    )
    html = rendering.letter_document_html([view])
    pdf, _ = rendering.html_to_pdf(html)
    return html, pdf


class Command(BaseCommand):
    help = "Benchmark annual-letter rendering (prints a table; never asserts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=1000, help="letters to render (default 1000)")
        parser.add_argument("--cases", type=int, default=20, help="distinct made-up cases (default 20)")

    def handle(self, *args: Any, count: int, cases: int, **options: Any) -> None:
        try:
            with transaction.atomic():
                self._run(count, max(1, min(cases, count)))
                raise _Rollback
        except _Rollback:
            pass

    def _run(self, count: int, n_cases: int) -> None:
        today = date.today()
        actor = None
        case_list = [
            Case.objects.select_related("victim", "offender", "sentence", "officer").get(pk=c.pk)
            for c in _cases(n_cases, today)
        ]
        actor = case_list[0].officer
        # Warm up: fonts, the template cache and WeasyPrint's first-render costs.
        html, _ = _render_ours(case_list[0], today)
        HTML(string=_inline_css(html)).write_pdf(**rendering.PDF_OPTIONS)

        bare, ours, full = [], [], []
        for i in range(count):
            case = case_list[i % n_cases]
            start = time.perf_counter()
            html, _ = _render_ours(case, today)
            ours.append(time.perf_counter() - start)

            inline = _inline_css(html)
            start = time.perf_counter()
            # The same PDF variant (tagged PDF/UA) as ours: the ratio measures our pipeline, not tagging.
            HTML(string=inline).write_pdf(**rendering.PDF_OPTIONS)
            bare.append(time.perf_counter() - start)

            start = time.perf_counter()
            # Drafted as the daily job drafts it, so the officer may approve it (the second check).
            letter, _ = services.letter_draft(case=case, kind=LetterKind.ANNUAL, period_key=f"bench-{i}")
            letter = services.letter_approve(actor=actor, letter=letter)
            services.letter_pdf_store(letter_id=letter.pk)
            full.append(time.perf_counter() - start)
        stored = Letter.objects.filter(period_key__startswith="bench-", pdf__isnull=False).count()

        def row(name: str, times: list[float]) -> str:
            total = sum(times)
            per = statistics.mean(times)
            p95 = sorted(times)[int(0.95 * (len(times) - 1))]
            return f"{name:<40}{total:>9.1f}{per * 1000:>11.1f}{p95 * 1000:>10.1f}{60 / per:>13.0f}"

        ratio = statistics.mean(ours) / statistics.mean(bare)
        out = self.stdout.write
        out(f"Annual letters: {count} rendered over {n_cases} made-up cases, 1 worker (this process)")
        out(f"{'':<40}{'total s':>9}{'ms/letter':>11}{'p95 ms':>10}{'letters/min':>13}")
        out(row("bare WeasyPrint (same HTML)", bare))
        out(row("our render (facts, sandbox, PDF)", ours))
        out(row("full (draft, approve, render, store)", full))
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        out(f"ratio our render / bare: {ratio:.2f} (target <= {TARGET_RATIO}: {verdict})")
        per_minute = 60 / statistics.mean(ours)
        pace = "met" if per_minute >= TARGET_PER_MINUTE else "NOT met"
        out(
            f"our render: {per_minute:.0f} letters a minute (target >= {TARGET_PER_MINUTE}: {pace}; "
            f"bare WeasyPrint alone: {60 / statistics.mean(bare):.0f})"
        )
        out(f"PDFs stored by the full pipeline: {stored}; all rolled back")
