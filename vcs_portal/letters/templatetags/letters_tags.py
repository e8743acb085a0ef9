"""Tags for letter pages: the status tag, in the colours the caseload uses for its own."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..models import LetterStatus

register = template.Library()

COLOURS = {
    LetterStatus.DRAFT: "govuk-tag--yellow",
    LetterStatus.APPROVED: "govuk-tag--blue",
    LetterStatus.SENT: "govuk-tag--green",
    LetterStatus.CANCELLED: "govuk-tag--grey",
}


@register.filter
def letter_status_label(status: str) -> str:
    return LetterStatus(status).label if status in LetterStatus.values else status


@register.simple_tag
def letter_status_tag(status: str) -> SafeString:
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', COLOURS.get(status, ""), letter_status_label(status)
    )
