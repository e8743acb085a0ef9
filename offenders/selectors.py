"""Reads about the prison register: the chooser's choices, the names no letter may contain, and the
recorded locations the register does not know yet."""

from __future__ import annotations

import re
from functools import lru_cache

from django.db.models import Count, Max

from . import register
from .models import Establishment, Offender, SentenceEvent

NOT_KNOWN = ("", "Not known")


def establishment_choices() -> list[tuple[str, str]]:
    """The chooser for where an offender is held: open establishments by name (value = label)."""
    names = sorted(
        (e.display_name for e in Establishment.objects.filter(is_active=True)), key=lambda n: n.casefold()
    )
    return [NOT_KNOWN, *((n, n) for n in names)]


@lru_cache(maxsize=4)
def _pattern(version: tuple[int, object]) -> re.Pattern[str] | None:
    forms: set[str] = set()
    for e in Establishment.objects.all():
        forms.update(
            register.forms_for(name=e.name, kind=e.kind, welsh_name=e.welsh_name, common_forms=e.common_forms)
        )
    return register.names_pattern(forms)


def establishment_names_pattern() -> re.Pattern[str] | None:
    """A pattern for every establishment in the register, open or closed, in every common form.

    Matched against ``register.normalise``d text. Rebuilt only when the register changes (its
    count or newest edit), so an approval costs one small query.
    """
    version = Establishment.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    return _pattern((version["n"], version["at"]))


def unregistered_locations() -> list[tuple[str, int]]:
    """Recorded locations that are not a form of any registered establishment, with how often each occurs."""
    establishments = list(Establishment.objects.all())
    counts: dict[str, int] = {}
    for model in (Offender, SentenceEvent):
        rows = model.objects.exclude(location="").values("location").annotate(n=Count("pk"))
        for row in rows:
            counts[row["location"]] = counts.get(row["location"], 0) + row["n"]
    return sorted(
        ((loc, n) for loc, n in counts.items() if register.match_location(loc, establishments) is None),
        key=lambda item: (-item[1], item[0]),
    )
