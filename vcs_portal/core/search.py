"""Text search helpers: accent- and case-blind matching that a trigram index can serve.

``vcs_search_text(text)`` (core migration 0005) is ``lower(unaccent(text))`` declared
IMMUTABLE, which PostgreSQL requires of an index expression (``unaccent`` itself is only
STABLE, because its dictionary could change). Models index ``search_text(...)`` of their name
fields with pg_trgm's ``gin_trgm_ops``; a ``contains`` lookup on the same expression (SQL
``LIKE '%term%'``) then uses that index, so a partial name is found without a sequential scan.
"""

from __future__ import annotations

import re

from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Concat

SEARCH_TEXT_FUNCTION = "vcs_search_text"
MIN_TRIGRAM_TERM = 3  # a shorter term matches too much, and a trigram index cannot serve it


def search_text(*fields: str) -> Func:
    """The accent- and case-folded text of ``fields`` joined by spaces, as SQL."""
    parts: list = []
    for field in fields:
        if parts:
            parts.append(Value(" "))
        parts.append(F(field))
    expression = parts[0] if len(parts) == 1 else Concat(*parts, output_field=TextField())
    return Func(expression, function=SEARCH_TEXT_FUNCTION, output_field=TextField())


def search_term(term: str) -> Func:
    """``term`` folded the same way, so both sides of a comparison agree."""
    return Func(Value(" ".join(term.split())), function=SEARCH_TEXT_FUNCTION, output_field=TextField())


POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def postcode_normalise(value: str) -> str:
    """A postcode in capitals without spaces ("m5 4wt" -> "M54WT"); as typed otherwise."""
    return "".join(value.upper().split())


def looks_like_postcode(term: str) -> bool:
    return bool(POSTCODE.match(postcode_normalise(term)))
