"""A sandbox for letter wording: Django template syntax, but only named placeholders and ``{% if %}``.

Admins write the wording of letters (``LetterTemplate``), so a template is untrusted text. It is
parsed by a Django ``Engine`` of its own: no loaders (so no ``{% include %}`` or ``{% extends %}``),
no libraries to ``{% load %}``, and as builtins only the ``if`` and ``comment`` tags. Every
``{{ variable }}`` must be one of the placeholders it is given, with no dotted lookups and no
filters. It is rendered with a context of plain strings, never model objects, and with escaping
off; the caller escapes the whole result (``text_to_html``), so neither the wording nor the data
(names, the VLO's free text) can add markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

from django.template import Context, Engine, Library, Template, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, Variable, VariableNode
from django.template.defaulttags import CommentNode, IfNode, comment, do_if
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = Library()
register.tag("if", do_if)
register.tag("comment", comment)


class _SandboxEngine(Engine):
    default_builtins = ["vcs_portal.letters.sandbox"]


_ENGINE = _SandboxEngine(dirs=[], app_dirs=False, libraries={}, loaders=[], debug=False, autoescape=False)

# Left in rendered text, these mean a placeholder was not filled in (or was typed by hand).
UNRESOLVED_MARKERS = ("{{", "}}", "{%", "%}", "[[", "]]")


class LetterTemplateError(ValueError):
    """The wording uses something the sandbox does not allow; the message says what."""


@dataclass(frozen=True)
class Compiled:
    template: Template
    names: frozenset[str]  # every placeholder used
    required: frozenset[str]  # placeholders used outside any {% if %}: they must not be empty


def _check_expression(expr: FilterExpression, allowed: frozenset[str], found: set[str]) -> None:
    if expr.filters:
        raise LetterTemplateError(f"Filters are not allowed: “{expr.token}”")
    var = expr.var
    if isinstance(var, Variable):
        if var.literal is not None:
            return  # a quoted string or a number, in an {% if %} comparison
        if var.lookups is None or len(var.lookups) != 1:
            raise LetterTemplateError(f"Use a placeholder name on its own, without dots: “{expr.token}”")
        name = var.lookups[0]
        if name not in allowed:
            raise LetterTemplateError(f"“{name}” is not a placeholder letters can use")
        found.add(name)


def _check_condition(condition: object, allowed: frozenset[str], found: set[str]) -> None:
    if condition is None:
        return
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        _check_expression(value, allowed, found)
    for part in ("first", "second"):
        child = getattr(condition, part, None)
        if child is not None:
            _check_condition(child, allowed, found)


def _walk(nodes: Iterable[Node], allowed: frozenset[str], found: set[str], required: set[str], *, top: bool):
    for node in nodes:
        if isinstance(node, CommentNode):
            continue
        if isinstance(node, TextNode):
            stray = unresolved_markers(node.s)
            if stray:
                raise LetterTemplateError(
                    f"Unfinished placeholder or brackets in the wording: {' '.join(stray)}"
                )
            continue
        if isinstance(node, VariableNode):
            names: set[str] = set()
            _check_expression(node.filter_expression, allowed, names)
            found |= names
            if top:
                required |= names
            continue
        if isinstance(node, IfNode):
            for condition, nodelist in node.conditions_nodelists:
                _check_condition(condition, allowed, found)
                _walk(nodelist, allowed, found, required, top=False)
            continue
        raise LetterTemplateError(f"Only placeholders and {{% if %}} are allowed, not {type(node).__name__}")


@lru_cache(maxsize=256)
def _compile(source: str, allowed: frozenset[str]) -> Compiled:
    try:
        template = _ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        raise LetterTemplateError(f"The wording has a mistake in its placeholders: {exc}") from exc
    found: set[str] = set()
    required: set[str] = set()
    _walk(template.nodelist, allowed, found, required, top=True)
    return Compiled(template, frozenset(found), frozenset(required))


def compile_template(source: str, allowed: Iterable[str]) -> Compiled:
    """Parse and check ``source``; raises ``LetterTemplateError`` with a readable reason."""
    return _compile(source, frozenset(allowed))


def render_text(compiled: Compiled, values: Mapping[str, str]) -> str:
    """Render with plain strings only (anything else is refused); the result is unescaped text."""
    context: dict[str, str] = {}
    for name in compiled.names:
        value = values.get(name, "")
        if not isinstance(value, str):
            raise TypeError(f"Letter placeholder {name!r} must be a str, not {type(value).__name__}")
        context[name] = str(value)  # a str subclass (SafeString) becomes a plain str
    return compiled.template.render(Context(context, autoescape=False))


_BLANK_LINES = re.compile(r"\n\s*\n")


def blocks(text: str) -> list[list[str]]:
    """The paragraphs of ``text`` (split at blank lines), each a list of its non-empty lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    result = []
    for block in _BLANK_LINES.split(text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if lines:
            result.append(lines)
    return result


def text_to_html(text: str) -> SafeString:
    """Plain text to escaped HTML: blank lines make paragraphs, lines starting "- " a bulleted list."""
    parts: list[str] = []
    for lines in blocks(text):
        # Runs of bullet lines become a list; runs of other lines a paragraph with line breaks.
        for is_item, run in groupby(lines, key=lambda line: line.startswith("- ")):
            if is_item:
                parts.append("<ul>" + "".join(f"<li>{escape(x[2:].strip())}</li>" for x in run) + "</ul>")
            else:
                parts.append("<p>" + "<br>".join(escape(x) for x in run) + "</p>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every piece above is escaped


def text_for_scoring(text: str) -> str:
    """Text as a reader meets it: each line (a bullet, say) ends a sentence."""
    lines = []
    for block in blocks(text):
        for line in block:
            line = line.removeprefix("- ").strip()
            lines.append(line if line[-1] in ".?!:" else line + ".")
    return "\n".join(lines)


def unresolved_markers(text: str) -> list[str]:
    return [m for m in UNRESOLVED_MARKERS if m in text]
