"""``manage.py bench`` on a tiny national data set: every page measured, nothing left behind."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from contacts.models import Contact
from vcs_portal.core.models import AuditEvent
from vcs_portal.devtools.seed import seed_national

pytestmark = pytest.mark.django_db

PAGES = [
    "Signed-in floor (health check)",
    "My caseload, team's (VLO)",
    "Case page (VLO)",
    "Search, part of a name (VLO)",
    "Search, part of a name (regional)",
    "Search, postcode (regional)",
    "Team dashboard",
    "Regional dashboard",
    "Performance, region, 12 months",
    "List: never offered, region",
]


def _rows(text: str, first_line: str) -> dict[str, list[str]]:
    """The table that starts at ``first_line``: page name to its figures."""
    block = text.split(first_line, 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in block.splitlines():
        for page in PAGES:
            if line.startswith(page):
                rows[page] = line[len(page) :].split()
    return rows


def test_bench_measures_every_page_and_leaves_no_trace():
    seed_national(seed=2, scale="tiny", today=timezone.localdate(), sweep=False)
    audit_rows, contacts = AuditEvent.objects.count(), Contact.objects.count()
    out = io.StringIO()

    call_command("bench", requests=3, no_sweep=True, no_letters=True, stdout=out)

    text = out.getvalue()
    speed = _rows(text, "page ")
    assert list(speed) == PAGES
    for page, figures in speed.items():
        queries, p50, p95, sql, _python, ratio, *verdict = figures
        assert int(queries) >= 3, page  # session, user, second factor at least
        assert 0 < float(p50) <= float(p95)
        assert float(sql) > 0
        # The ratio is p50 over the bare SQL, both printed to 0.1 ms.
        low, high = (float(p50) - 0.05) / (float(sql) + 0.05), (float(p50) + 0.05) / (float(sql) - 0.05)
        assert low - 0.01 <= float(ratio) <= high + 0.01, page
        met = float(p95) <= 150 and float(ratio) <= 2.0
        assert verdict == (["(reference)"] if page == PAGES[0] else ["met" if met else "MISSED"]), page
    parts = _rows(text, "where the time goes")
    assert list(parts) == PAGES
    for page, figures in parts.items():
        sql, building, templates, rest, total = map(float, figures)
        assert sql > 0 and building > 0 and total > 0, page
        assert sql + building + templates + rest == pytest.approx(total, abs=0.25)  # each to 0.1 ms
    assert float(parts["My caseload, team's (VLO)"][2]) > 0  # a rendered page
    assert re.search(r"Targets: p95 <= 150 ms, ratio <= 2\.0", text)
    # Everything ran in a transaction that was rolled back: no audit rows, sessions or contacts.
    assert (AuditEvent.objects.count(), Contact.objects.count()) == (audit_rows, contacts)
