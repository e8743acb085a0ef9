"""What every app's one-form pages share: reading the POST, calling the service, the GOV.UK date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse

from .forms import ServiceForm


class Paged:
    """What ``Paginator`` asks of its list (how many rows, and a slice of them), given as a count
    and a window (offset, limit): for a list counted and cut by compiled SQL (``Prepared.count``
    and ``Prepared.window``) or by a queryset."""

    def __init__(self, count: Callable[[], int], window: Callable[[int, int], list[Any]]) -> None:
        self._count, self._window = count, window

    def count(self) -> int:
        return self._count()

    def __getitem__(self, rows: slice) -> list[Any]:
        start = rows.start or 0
        return self._window(start, rows.stop - start)


def post_data(request: HttpRequest) -> Any:
    """The data to bind a form to: the POST, or nothing for a GET (an unbound form)."""
    return request.POST if request.method == "POST" else None


def form_saved(
    request: HttpRequest,
    form: ServiceForm | None,
    save: Callable[[dict[str, Any]], object] | None,
    success: str | Callable[[], str],
) -> bool:
    """On a valid POST, call ``save`` with the cleaned data and flash ``success``; True if saved.

    A service's ``ValidationError`` is put on the form instead (beside the field it names, for the
    GOV.UK error summary), and nothing is flashed: the caller shows the form again.
    """
    if form is None or save is None or request.method != "POST" or not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return False
    messages.success(request, success() if callable(success) else success)
    return True


def govuk_date(day: date | None) -> str:
    """'1 April 2026', the GOV.UK style for dates in text; empty for no date."""
    return f"{day:%-d %B %Y}" if day else ""


def govuk_date_short(day: date | None) -> str:
    """'1 Apr 2026': the one short form, for table cells only (docs/frontend.md "Dates")."""
    return f"{day:%-d %b %Y}" if day else ""


def lower_first(text: str) -> str:
    """Lower-case the first letter, to put a label mid-sentence ("Parole hearing" -> "parole hearing")."""
    return text[:1].lower() + text[1:]


def pk_url(name: str) -> Callable[[Any], str]:
    """``reverse(name, args=[pk])`` for every row of a list at the cost of one ``reverse``: the
    address is reversed once with a stand-in pk, and each row's pk put in its place."""
    stand_in = "987654321987"
    prefix, _, suffix = reverse(name, args=[int(stand_in)]).partition(stand_in)
    return lambda pk: f"{prefix}{pk}{suffix}"
