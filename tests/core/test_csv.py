from __future__ import annotations

import datetime as dt

import pytest

from vcs_portal.core.csv import csv_cell, csv_text


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_gets_a_quote(start):
    assert csv_cell(f"{start}SUM(A1)") == f"'{start}SUM(A1)"


def test_plain_text_dates_and_nothing_are_written_as_they_are():
    assert (csv_cell("Sam Reed"), csv_cell(dt.date(2026, 5, 1)), csv_cell(None)) == (
        "Sam Reed",
        "2026-05-01",
        "",
    )


def test_csv_text_counts_its_rows_and_defuses_every_cell():
    text, rows = csv_text(["Name"], [["=1+1"], ["Ann"]])
    assert rows == 2
    assert text.splitlines() == ["Name", "'=1+1", "Ann"]
