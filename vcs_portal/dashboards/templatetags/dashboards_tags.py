"""Small helpers for the dashboards' templates."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def days_overdue(due: date | None, today: date) -> str:
    """'1 day', '12 days': how long past ``due`` it is; empty when not overdue."""
    if due is None or due >= today:
        return ""
    days = (today - due).days
    return f"{days} day{'s' if days != 1 else ''}"


@register.filter
def percent(value: float | None) -> str:
    return "No cases" if value is None else f"{value:g}%"


@register.simple_tag
def figure(n: int, url: str, label: str, *, red: bool = False) -> SafeString | str:
    """A count that links to its list when there is something to see; red for missed offers.

    ``label`` says what the number counts, for screen readers (the link text is otherwise a bare number).
    """
    if not n:
        return "0"
    link = format_html(
        '<a class="govuk-link app-figure-link" href="{}">{}'
        '<span class="govuk-visually-hidden"> {}</span></a>',
        url,
        n,
        label,
    )
    return format_html('<strong class="govuk-tag govuk-tag--red">{}</strong>', link) if red else link
