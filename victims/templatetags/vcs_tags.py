"""Template helpers for victims pages: GOV.UK dates and the tags for status, deadlines and eligibility."""

from __future__ import annotations

from datetime import date
from functools import cache
from html import escape
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from offenders.models import Eligibility
from vcs_portal.core import pages
from victims import deadlines
from victims.models import CaseStatus, Standing

register = template.Library()

# One colour per status, so a caseload can be scanned by colour as well as by word.
STATUS_COLOURS = {
    CaseStatus.REFERRED: "",
    CaseStatus.OFFER_SENT: "govuk-tag--turquoise",
    CaseStatus.OPTED_IN: "govuk-tag--green",
    CaseStatus.DECLINED: "govuk-tag--pink",
    CaseStatus.NO_RESPONSE: "govuk-tag--yellow",
    CaseStatus.UNABLE_TO_TRACE: "govuk-tag--orange",
    CaseStatus.OPTED_OUT: "govuk-tag--purple",
    CaseStatus.CLOSED: "govuk-tag--grey",
}

DEADLINE_TAGS = {
    deadlines.STATE_OVERDUE: ("Overdue", "govuk-tag--red"),
    deadlines.STATE_DUE_SOON: ("Due soon", "govuk-tag--orange"),
    deadlines.STATE_ON_TRACK: ("On track", ""),
    deadlines.STATE_MET: ("Met", "govuk-tag--green"),
    deadlines.STATE_MET_LATE: ("Met late", "govuk-tag--yellow"),
    deadlines.STATE_NOT_STATUTORY: ("Not statutory", "govuk-tag--grey"),
}

# Statutory is the usual case, so it has no tag; each other standing is said the same way everywhere.
STANDING_COLOURS = {
    Standing.NEEDS_REVIEW: "govuk-tag--red",
    Standing.AWAITING_DECISION: "govuk-tag--yellow",
    Standing.APPROVED: "govuk-tag--grey",
    Standing.DECLINED: "govuk-tag--grey",
    Standing.NOT_ELIGIBLE: "govuk-tag--red",
}

ELIGIBILITY_COLOURS = {
    Eligibility.STATUTORY: "govuk-tag--green",
    Eligibility.DISCRETIONARY: "govuk-tag--yellow",
    Eligibility.NOT_ELIGIBLE: "govuk-tag--red",
}


@cache
def _tag(text: str, colour: str) -> SafeString:
    """A GOV.UK tag; the few distinct ones are built once (every list row shows one)."""
    return format_html('<strong class="govuk-tag{}">{}</strong>', f" {colour}" if colour else "", text)


@register.filter
def govuk_date(value: date | None) -> str:
    """'1 April 2026', the GOV.UK style; empty for no date."""
    return pages.govuk_date(value)


@register.filter
def govuk_date_short(value: date | None) -> str:
    """'1 Apr 2026': dates in table cells; everywhere else ``govuk_date``."""
    return pages.govuk_date_short(value)


@register.simple_tag
@cache
def status_tag(status: str) -> SafeString:
    label = CaseStatus(status).label if status in CaseStatus.values else status
    return _tag(str(label), STATUS_COLOURS.get(status, ""))


@register.simple_tag
def deadline_tag(state: str) -> SafeString | str:
    """The tag for a ``deadlines.STATE_*`` value; nothing for a deadline that does not apply."""
    if state not in DEADLINE_TAGS:
        return ""
    return _tag(*DEADLINE_TAGS[state])


@register.simple_tag
@cache
def standing_tag(standing: str) -> SafeString | str:
    """The tag for ``Case.standing``; nothing for a statutory case."""
    if standing not in STANDING_COLOURS:
        return ""
    return _tag(str(Standing(standing).label), STANDING_COLOURS[standing])


@register.simple_tag
@cache
def eligibility_tag(outcome: str) -> SafeString:
    label = Eligibility(outcome).label if outcome in Eligibility.values else outcome
    return _tag(str(label), ELIGIBILITY_COLOURS.get(outcome, ""))


@register.simple_tag
def caseload_rows(rows: list[dict[str, Any]], selectable: bool = False) -> SafeString:
    """The caseload table's body rows, built in Python as Django admin builds its changelist's
    (``items_for_result``): a page has 25 rows of six or seven cells, and the template engine's
    lookups cost several times this for the same markup. Every value from a case is escaped
    (``escape`` is what Django's autoescaping applies); the tags are built by ``format_html``.
    """
    detail = pages.pk_url("cases:detail")
    html = []
    for row in rows:
        case = row["case"]
        pk, reference = case.pk, escape(case.reference)
        cells = []
        if selectable:
            cells.append(
                '<td class="govuk-table__cell"><div class="govuk-checkboxes govuk-checkboxes--small" '
                'data-module="govuk-checkboxes"><div class="govuk-checkboxes__item">'
                f'<input class="govuk-checkboxes__input" id="select-case-{pk}" name="case" type="checkbox" '
                f'value="{pk}"><label class="govuk-label govuk-checkboxes__label" for="select-case-{pk}">'
                f'<span class="govuk-visually-hidden">Select case {reference}</span></label></div></div></td>'
            )
        url = escape(detail(pk))
        cells.append(f'<td class="govuk-table__cell"><a class="govuk-link" href="{url}">{reference}</a></td>')
        cells.append(f'<td class="govuk-table__cell">{escape(case.victim.full_name)}</td>')
        cells.append(f'<td class="govuk-table__cell">{escape(case.offender.full_name)}</td>')
        standing = case.standing
        tags = [status_tag(case.status)]
        if case.is_open:
            tags.append(standing_tag(standing))
        if case.needs_review and standing != Standing.NEEDS_REVIEW:
            tags.append(_NEEDS_REVIEW)
        cells.append(f'<td class="govuk-table__cell">{" ".join(tags)}</td>')
        due = pages.govuk_date_short(case.first_contact_due) if case.first_contact_due else "Not set"
        state = row["state"]
        deadline = f"<br>{deadline_tag(state)}" if state != deadlines.STATE_NONE else ""
        cells.append(f'<td class="govuk-table__cell">{due}{deadline}</td>')
        cells.append(f'<td class="govuk-table__cell">{escape(case.officer.get_full_name())}</td>')
        html.append(f'<tr class="govuk-table__row">{"".join(cells)}</tr>')
    return mark_safe("\n".join(html))  # noqa: S308  (every value escaped above)


@register.simple_tag
def search_results(rows: list[dict[str, Any]]) -> SafeString:
    """The search page's results, built in Python like ``caseload_rows`` (every value escaped)."""
    detail = pages.pk_url("cases:detail")
    html = []
    for row in rows:
        case = row["case"]
        victim, offender = escape(case.victim.full_name), escape(case.offender.full_name)
        pnc = f", PNC {escape(case.offender.pnc_number)}" if case.offender.pnc_number else ""
        html.append(
            '<li class="app-search-results__item">'
            '<h2 class="govuk-heading-s govuk-!-margin-bottom-1">'
            f'<a class="govuk-link" href="{escape(detail(case.pk))}">{escape(case.reference)}'
            f'<span class="govuk-visually-hidden">: {victim}</span></a> {status_tag(case.status)}</h2>'
            '<dl class="app-search-results__facts govuk-body-s">'
            f"<div><dt>Victim</dt><dd>{victim}</dd></div>"
            f"<div><dt>Offender</dt><dd>{offender}{pnc}</dd></div>"
            f"<div><dt>Officer</dt><dd>{escape(case.officer.get_full_name())}</dd></div>"
            f"<div><dt>Matched on</dt><dd>{escape('; '.join(row['reasons']))}</dd></div>"
            "</dl></li>"
        )
    return mark_safe("\n".join(html))  # noqa: S308  (every value escaped above)


_NEEDS_REVIEW = _tag("Needs review", "govuk-tag--red govuk-!-margin-top-1")
