"""Placeholder: the contacts panel on the case page (being written)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def contacts_case_panel(case: object) -> str:
    return ""
