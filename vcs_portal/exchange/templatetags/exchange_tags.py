"""The "Consultations" card on the case page (included by vcs_portal/cases' case page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from vcs_portal.exchange.selectors import case_consultations

register = template.Library()


@register.inclusion_tag("exchange/_case_card.html")
def exchange_case_panel(case: Any) -> dict[str, Any]:
    """Consultations put to this case's VLO, open first; nothing shown if there are none."""
    return {"case": case, "consultations": case_consultations(case=case), "today": timezone.localdate()}
