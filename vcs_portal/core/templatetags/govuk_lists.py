"""GOV.UK pieces every list page repeats, built in Python: pagination, sortable headers and a
select's options.

The template engine resolves each variable and tag argument afresh on every pass of a loop; on
the caseload, the pagination links, the sort links and the filters' options were most of its
template time. These build the same markup (tests compare it with what the templates made) with
every value escaped as autoescaping would.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.template.defaulttags import querystring
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_ICON = (
    '<svg class="govuk-pagination__icon govuk-pagination__icon--{}" xmlns="http://www.w3.org/2000/svg" '
    'height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13">'
    '<path d="{}"></path></svg>'
)
_PREV_ICON = _ICON.format(
    "prev",
    "m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293"
    "-1.414-1.414z",
)
_NEXT_ICON = _ICON.format(
    "next",
    "m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062"
    "-6.7246-6.7266z",
)
_ARROWS = {
    "ascending": ' <span aria-hidden="true">▲</span>',
    "descending": ' <span aria-hidden="true">▼</span>',
}


def query_with(context: template.Context, **changes: Any) -> str:
    """Django's ``{% querystring %}`` (the request's query with ``changes`` made, None removing a
    key), escaped for an attribute as the template escaped the tag's output."""
    return escape(querystring(context, **changes))


@register.simple_tag(takes_context=True)
def govuk_pagination(
    context: template.Context, page: Any = None, page_range: Iterable[Any] | None = None
) -> SafeString | str:
    """GOV.UK pagination for a Django ``page`` (default: the context's ``page`` and ``page_range``,
    from ``get_elided_page_range``), keeping the query string; nothing for a single page."""
    page = page if page is not None else context.get("page")
    if page is None or not page.has_other_pages():
        return ""
    pages: Iterable[Any] = (
        page_range if page_range is not None else context.get("page_range") or page.paginator.page_range
    )
    html = ['<nav class="govuk-pagination" aria-label="Pagination">']
    if page.has_previous():
        html.append(
            '<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" '
            f'href="{query_with(context, page=page.previous_page_number())}" rel="prev">{_PREV_ICON}'
            '<span class="govuk-pagination__link-title">Previous<span class="govuk-visually-hidden"> page'
            "</span></span></a></div>"
        )
    html.append('<ul class="govuk-pagination__list">')
    for number in pages:
        if number == page.paginator.ELLIPSIS:
            html.append('<li class="govuk-pagination__item govuk-pagination__item--ellipsis">&ctdot;</li>')
            continue
        current = number == page.number
        item, aria = (" govuk-pagination__item--current", ' aria-current="page"') if current else ("", "")
        html.append(
            f'<li class="govuk-pagination__item{item}">'
            f'<a class="govuk-link govuk-pagination__link" href="{query_with(context, page=number)}" '
            f'aria-label="Page {number}"{aria}>{number}</a></li>'
        )
    html.append("</ul>")
    if page.has_next():
        html.append(
            '<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" '
            f'href="{query_with(context, page=page.next_page_number())}" rel="next">'
            '<span class="govuk-pagination__link-title">Next<span class="govuk-visually-hidden"> page'
            f"</span></span>{_NEXT_ICON}</a></div>"
        )
    html.append("</nav>")
    return mark_safe("".join(html))  # noqa: S308  (every value escaped above)


@register.simple_tag(takes_context=True)
def sort_headers(context: template.Context, headers: Iterable[dict[str, Any]]) -> SafeString:
    """The ``<th>`` of each sortable column: ``{"label", "aria_sort", "next"}``, its link sorting by
    ``next`` from the first page, the current direction shown by an arrow."""
    html = []
    for header in headers:
        aria_sort = escape(header["aria_sort"])
        html.append(
            f'<th scope="col" class="govuk-table__header" aria-sort="{aria_sort}">'
            '<a class="govuk-link govuk-link--no-visited-state" '
            f'href="{query_with(context, sort=header["next"], page=None)}">{escape(str(header["label"]))}</a>'
            f"{_ARROWS.get(header['aria_sort'], '')}</th>"
        )
    return mark_safe("".join(html))  # noqa: S308  (every value escaped above)


@register.simple_tag
def select_options(choices: Iterable[tuple[Any, Any]], selected: Any) -> SafeString:
    """A ``<select>``'s options, ``selected`` (compared as text; None selects nothing) marked."""
    chosen = None if selected is None else str(selected)
    html = [
        f'<option value="{escape(str(value))}"{" selected" if str(value) == chosen else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in choices
    ]
    return mark_safe("".join(html))  # noqa: S308  (every value escaped above)
