"""CSV downloads: one way to write a cell, so every export defuses formulas the same way.

A cell a spreadsheet would run as a formula (starting = + - @, a tab or a carriage return) gets a
leading quote (OWASP "CSV injection"). Dates are written in ISO form.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: dates in ISO form; text a spreadsheet would run as a formula gets a quote."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> tuple[str, int]:
    """The header and rows as CSV text, every cell through ``csv_cell``; and how many rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
    return buffer.getvalue(), count


def csv_response(text: str, *, filename: str) -> HttpResponse:
    """A CSV download that is never cached."""
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
