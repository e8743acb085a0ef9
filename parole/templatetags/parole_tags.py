"""The "Parole and tribunal" card on the case page, and the tags for parole and condition outcomes."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from parole.models import ConditionOutcome, ParoleOutcome
from parole.selectors import case_parole_overview

register = template.Library()

OUTCOME_COLOURS = {
    ParoleOutcome.RELEASE: "govuk-tag--green",
    ParoleOutcome.NO_RELEASE: "govuk-tag--red",
    ParoleOutcome.OPEN_RECOMMENDED: "govuk-tag--turquoise",
    ParoleOutcome.OPEN_NOT_RECOMMENDED: "govuk-tag--pink",
    ParoleOutcome.ADJOURNED: "govuk-tag--yellow",
    ParoleOutcome.OTHER: "govuk-tag--grey",
}
CONDITION_COLOURS = {
    ConditionOutcome.REQUESTED: "govuk-tag--grey",
    ConditionOutcome.IMPOSED: "govuk-tag--green",
    ConditionOutcome.NOT_IMPOSED: "govuk-tag--red",
}


def _tag(text: str, colour: str) -> SafeString:
    return format_html('<strong class="govuk-tag {}">{}</strong>', colour, text)


@register.inclusion_tag("parole/_case_panel.html")
def parole_case_panel(case: Any) -> dict[str, Any]:
    """Current review, VPS, conditions with the imposed share, meetings and tribunal work.

    A fixed number of queries however many reviews, conditions or meetings the case has.
    """
    return {"case": case, "overview": case_parole_overview(case=case, today=timezone.localdate())}


@register.simple_tag
def parole_outcome_tag(outcome: str) -> SafeString:
    label = ParoleOutcome(outcome).label if outcome in ParoleOutcome.values else outcome
    return _tag(label, OUTCOME_COLOURS.get(outcome, "govuk-tag--grey"))


@register.simple_tag
def condition_outcome_tag(outcome: str) -> SafeString:
    label = ConditionOutcome(outcome).label if outcome in ConditionOutcome.values else outcome
    return _tag(label, CONDITION_COLOURS.get(outcome, "govuk-tag--grey"))
