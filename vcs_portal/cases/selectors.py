"""Reads for the case page: the case's whole history, gathered from every app that adds to it."""

from __future__ import annotations

from contacts.selectors import case_timeline_entries as contact_entries
from parole.selectors import case_timeline_entries as parole_entries
from vcs_portal.letters.selectors import case_timeline_entries as letter_entries
from victims.models import Case
from victims.selectors import TimelineEntry
from victims.selectors import case_timeline_entries as case_entries

# Every source of timeline entries, each ``(*, case, newest) -> list[TimelineEntry]``.
TIMELINE_SOURCES = (case_entries, contact_entries, parole_entries, letter_entries)


def case_timeline(*, case: Case, newest: int | None = None) -> list[TimelineEntry]:
    """Everything that happened on the case and its sentence, newest first.

    With ``newest``, a source with many rows (the contact log) reads only its newest that many,
    so the first ``newest`` entries are right and the list may be cut after them.
    """
    entries = [entry for source in TIMELINE_SOURCES for entry in source(case=case, newest=newest)]
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    return entries
