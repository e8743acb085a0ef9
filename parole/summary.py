"""The offender manager's summary of victim-related requirements, as an HTML page and a PDF.

What it holds: the licence conditions the victim asked for and what became of each (with any
exclusion zone's description), the concerns the victim agreed may be shared, the MAPPA level and
the VLO to contact. What it never holds (DOMAIN.md section 5): the victim's name, address, phone,
email or date of birth, or where the offender is held.

Decision: the victim is referred to only as "the victim", never by name or initials. The summary
goes on the offender manager's file, which can be disclosed to the offender; initials add nothing
the offender manager needs (the licence itself says whom a no-contact condition protects) and can
identify someone in a small community. Free text (condition descriptions, concerns) is passed
through ``redactor`` as a second line of defence: the victim's names become "the victim" and any of
their contact details "[contact details removed]".

The PDF is made by the base's PDF kit (``vcs_portal.core.pdf``), whose fetcher serves files from
the static directories and refuses every other URL, so text in a record can never make the
renderer reach the network or the file system.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.template.loader import render_to_string

from vcs_portal.core.pdf import PDF_BASE_URL as PDF_BASE_URL  # re-exported: the summary's tests use it
from vcs_portal.core.pdf import AssetRefused, StaticOnlyFetcher, render_pdf
from vcs_portal.core.pdf import static_path_for as _kit_static_path_for
from victims.models import Case, SafetyConcern

from .models import ConditionKind, LicenceConditionRequest
from .selectors import conditions_imposed_share, victim_contact_patterns

REMOVED = "[contact details removed]"
VICTIM = "the victim"
# The summary's old name for the base's fetcher, kept so its callers and tests need not change.
StaticOnlyURLFetcher = StaticOnlyFetcher


# --- redaction ------------------------------------------------------------------------------


def _name_patterns(case: Case) -> list[re.Pattern[str]]:
    victim = case.victim
    names = [victim.full_name, f"{victim.guardian_first_name} {victim.guardian_last_name}".strip()]
    words = [victim.first_name]
    # A surname the offender shares (a family member) is left alone, or the offender's own name
    # would be garbled; the full name and first name still go.
    if victim.last_name.casefold() != case.offender.last_name.casefold():
        words.append(victim.last_name)
    patterns = [re.compile(r"\s+".join(re.escape(p) for p in n.split()), re.IGNORECASE) for n in names if n]
    patterns += [re.compile(rf"\b{re.escape(w)}\b", re.IGNORECASE) for w in words if len(w) >= 2]
    return patterns


def redactor(case: Case) -> Callable[[str], str]:
    """A function that removes the victim's contact details and names from text.

    A safety net behind the checks on input: text typed before those checks existed, or a
    concern that quotes the victim, must still not carry their details to the offender manager.
    """
    details = victim_contact_patterns(case)
    names = _name_patterns(case)

    def redact(text: str) -> str:
        for pattern in details:
            text = pattern.sub(REMOVED, text)
        for pattern in names:
            text = pattern.sub(VICTIM, text)
        return text

    return redact


# --- the content ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionLine:
    kind: str
    description: str
    requested_on: date
    sent_on: date | None
    outcome: str
    outcome_on: date | None
    reason: str
    is_exclusion_zone: bool


@dataclass(frozen=True)
class ConcernLine:
    raised_on: date
    description: str


def om_summary_context(*, case: Case, today: date) -> dict[str, Any]:
    """What the summary shows. Every free-text value has been through ``redactor``."""
    redact = redactor(case)
    conditions = [
        ConditionLine(
            kind=c.get_kind_display(),
            description=redact(c.description),
            requested_on=c.requested_on,
            sent_on=c.sent_to_offender_manager_on,
            outcome=c.get_outcome_display(),
            outcome_on=c.outcome_on,
            reason=redact(c.outcome_reason),
            is_exclusion_zone=c.kind == ConditionKind.EXCLUSION_ZONE,
        )
        for c in LicenceConditionRequest.objects.filter(case=case).order_by("requested_on", "pk")
    ]
    concerns = [
        ConcernLine(raised_on=c.raised_on, description=redact(c.description))
        for c in SafetyConcern.objects.filter(case=case, share_with_offender_manager=True).order_by(
            "raised_on", "pk"
        )
    ]
    offender = case.offender
    return {
        "case": case,
        "offender": offender,
        "sentence": case.sentence,
        "officer": case.officer,
        "team": case.team,
        "relationship": case.get_relationship_display(),
        "conditions": conditions,
        "exclusion_zones": [c for c in conditions if c.is_exclusion_zone],
        "share": conditions_imposed_share(cases_qs=Case.objects.filter(pk=case.pk)),
        "concerns": concerns,
        "generated_on": today,
    }


def om_summary_filename(case: Case) -> str:
    safe = re.sub(r"[^A-Za-z0-9-]", "-", case.reference)
    return f"offender-manager-summary-{safe}.pdf"


# --- the PDF --------------------------------------------------------------------------------


def static_path_for(url: str) -> str | None:
    """The static file a PDF may use at ``url``, or None where the base's fetcher refuses it."""
    try:
        return str(_kit_static_path_for(url))
    except AssetRefused:
        return None


def om_summary_html(*, case: Case, today: date) -> str:
    """The standalone document the PDF is made from."""
    return render_to_string("parole/om_summary_document.html", om_summary_context(case=case, today=today))


def om_summary_pdf(*, case: Case, today: date) -> bytes:
    return render_pdf(om_summary_html(case=case, today=today))
