"""The victim's choices on the case page: the restrictions banner and the "Victim's choices" card.

Both read the victim's restrictions once (cached on the case object for the request), so the
page costs a constant number of queries however many restrictions or concerns there are.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString

from vcs_portal.core.prepared import Prepared
from victims.models import TRANSITIONS, Case, CaseStatus, VictimRestriction
from victims.selectors import case_rows

register = template.Library()


# Every tab of a case shows the banner: SQL compiled (and planned) once (core/prepared.py).
_victim_restrictions: Prepared[VictimRestriction] = Prepared(
    lambda victim_id: (
        VictimRestriction.objects.filter(victim_id=victim_id)
        .select_related("added_by", "lifted_by")
        .order_by("kind", "-added_at", "-pk")
    )
)


def _restrictions(case: Case) -> list[VictimRestriction]:
    """All the victim's restrictions, active and lifted, read once per case object."""
    return case_rows(case, "restrictions", lambda: _victim_restrictions.all(case.victim_id))


def _licence_condition_url(case: Case) -> str:
    """The parole app's request page, once it exists."""
    try:
        return reverse("parole:condition_new", args=[case.pk])
    except NoReverseMatch:
        return ""


@register.simple_tag
def victim_restrictions_banner(case: Case) -> SafeString | str:
    """A banner listing the active restrictions, so nobody contacting the victim misses them."""
    active = [r for r in _restrictions(case) if r.is_active]
    if not active:
        return ""
    return render_to_string(
        "victims/choices/restrictions_banner.html", {"case": case, "restrictions": active}
    )


@register.simple_tag
def victim_choices_panel(case: Case) -> SafeString:
    restrictions = _restrictions(case)
    addresses = list(case.victim.addresses.all())  # prefetched by the case page's selector
    allowed = TRANSITIONS.get(case.status, set())
    context: dict[str, Any] = {
        "case": case,
        "victim": case.victim,
        "current_address": next((a for a in addresses if a.is_current), None),
        "former_address_count": sum(1 for a in addresses if not a.is_current),
        "active": [r for r in restrictions if r.is_active],
        "lifted": sorted(
            (r for r in restrictions if not r.is_active), key=lambda r: r.lifted_at, reverse=True
        ),
        "concerns": list(case.safety_concerns.select_related("recorded_by")),
        "can_opt_in": CaseStatus.OPTED_IN in allowed,
        "can_opt_out": CaseStatus.OPTED_OUT in allowed,
        "licence_condition_url": _licence_condition_url(case) if case.is_open else "",
    }
    return render_to_string("victims/choices/panel.html", context)
