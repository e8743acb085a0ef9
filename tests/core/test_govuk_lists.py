"""core/templatetags/govuk_lists.py: the same markup the templates made, built in Python."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.paginator import Paginator
from django.template import RequestContext, Template
from django.test import RequestFactory

# What includes/pagination.html, the caseload's sort headers and its selects were as templates.
BEFORE = Path(__file__).parent / "before"
PAGINATION_TEMPLATE = (BEFORE / "pagination.html").read_text()
HEADERS_TEMPLATE = (BEFORE / "sort_headers.html").read_text()
OPTIONS_TEMPLATE = (BEFORE / "select_options.html").read_text()


def squeezed(html: str) -> str:
    """Markup without the whitespace between tags, which the browser ignores."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def render(source: str, **context) -> str:
    request = context.pop("request", None) or RequestFactory().get("/")
    return Template(source).render(RequestContext(request, context))


@pytest.mark.parametrize("number", [1, 2, 5, 9, 10])
@pytest.mark.parametrize("query", ["", "?q=O%27Brien+%26+sons&sort=-due", "?page=3&status=all"])
def test_pagination_is_the_markup_the_template_made(number, query):
    request = RequestFactory().get("/caseload/" + query)
    page = Paginator(range(250), 25).get_page(number)
    page_range = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    context = {"request": request, "page": page, "page_range": list(page_range)}
    ours = render("{% load govuk_lists %}{% govuk_pagination %}", **context)
    assert squeezed(ours) == squeezed(render(PAGINATION_TEMPLATE, **context))
    assert 'aria-current="page"' in ours and ("&amp;" in ours) == ("&" in query)


def test_a_single_page_has_no_pagination():
    page = Paginator(range(3), 25).get_page(1)
    context = {"request": RequestFactory().get("/"), "page": page, "page_range": [1]}
    assert render("{% load govuk_lists %}{% govuk_pagination %}", **context) == ""


@pytest.mark.parametrize("query", ["", "?sort=victim&page=4&q=%3Cscript%3E"])
def test_sort_headers_are_the_markup_the_template_made(query):
    headers = [
        {"label": "Reference", "aria_sort": "none", "next": "reference"},
        {"label": "Victim <b>", "aria_sort": "ascending", "next": "-victim"},
        {"label": "Due", "aria_sort": "descending", "next": "due"},
    ]
    context = {"request": RequestFactory().get("/caseload/" + query), "headers": headers}
    ours = render("{% load govuk_lists %}{% sort_headers headers %}", **context)
    assert squeezed(ours) == squeezed(render(HEADERS_TEMPLATE, **context))
    assert "Victim &lt;b&gt;" in ours and "page=" not in ours


@pytest.mark.parametrize("selected", ["open", "all", "", None])
def test_select_options_are_the_markup_the_template_made(selected):
    choices = [("open", "Open"), ("all", "All <statuses>"), ("", "Any")]
    context = {"choices": choices, "selected": selected}
    ours = render("{% load govuk_lists %}{% select_options choices selected %}", **context)
    assert squeezed(ours) == squeezed(render(OPTIONS_TEMPLATE, **context))
    assert ours.count(" selected") == (1 if selected is not None else 0)
