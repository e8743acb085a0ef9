"""Small helpers for the dashboards' templates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from vcs_portal.core import pages
from victims.templatetags.vcs_tags import status_tag

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


@register.simple_tag
def never_offered_rows(cases: Iterable[Any], today: date, with_team: bool = False) -> SafeString:
    """The dashboards' preview of the victims never offered the scheme (``selectors.list_head``),
    built in Python like ``list_rows``: every value from a case escaped."""
    detail = pages.pk_url("cases:detail")
    html = []
    for case in cases:
        url = escape(detail(case.pk))
        team = f'<td class="govuk-table__cell">{escape(case.team.name)}</td>' if with_team else ""
        due = case.first_contact_due
        html.append(
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell app-nowrap"><a class="govuk-link" href="{url}">'
            f"{escape(case.reference)}</a></td>"
            f'<td class="govuk-table__cell">{escape(case.victim.full_name)}</td>'
            f'<td class="govuk-table__cell">{escape(case.offender.full_name)}</td>'
            f'<td class="govuk-table__cell">{escape(case.officer.get_full_name())}</td>'
            f"{team}"
            f'<td class="govuk-table__cell app-nowrap">{pages.govuk_date_short(due)}</td>'
            '<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--red app-nowrap">'
            f"{days_overdue(due, today)}</strong></td>"
            "</tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308  (every value escaped above)


@register.simple_tag
def list_rows(rows: Iterable[Any], with_team: bool = False) -> SafeString:
    """A drill-down list's body rows (``selectors.ListRow``), built in Python as the caseload's
    are (victims' ``caseload_rows``): every value from a case escaped as autoescaping would."""
    detail = pages.pk_url("cases:detail")
    html = []
    for case in rows:
        url = escape(detail(case.pk))
        team = f'<td class="govuk-table__cell">{escape(case.team_name)}</td>' if with_team else ""
        html.append(
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell app-nowrap"><a class="govuk-link" href="{url}">'
            f"{escape(case.reference)}</a></td>"
            f'<td class="govuk-table__cell">{escape(case.victim_name)}</td>'
            f'<td class="govuk-table__cell">{escape(case.offender_name)}</td>'
            f'<td class="govuk-table__cell">{escape(case.officer_name)}</td>'
            f"{team}"
            f'<td class="govuk-table__cell">{status_tag(case.status)}</td>'
            f'<td class="govuk-table__cell">{pages.govuk_date_short(case.list_date) or "Not recorded"}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308  (every value escaped above)
