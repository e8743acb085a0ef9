"""Placeholder: the victim's choices on the case page (being written)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def victim_restrictions_banner(case: object) -> str:
    return ""


@register.simple_tag
def victim_choices_panel(case: object) -> str:
    return ""
