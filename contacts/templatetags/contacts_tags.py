"""Template helpers for contact work: the panel on the case page and the priority tag."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from contacts import selectors
from contacts.models import Priority
from vcs_portal.core.models import Role

register = template.Library()

# How many contacts the case page shows; the rest are a click away.
PANEL_CONTACTS = 5

PRIORITY_COLOURS = {
    Priority.HIGH: "govuk-tag--orange",
    Priority.NORMAL: "govuk-tag--blue",
    Priority.LOW: "govuk-tag--grey",
}


@register.simple_tag
def priority_tag(priority: str) -> SafeString:
    label = Priority(priority).label if priority in Priority.values else priority
    return format_html('<strong class="govuk-tag {}">{}</strong>', PRIORITY_COLOURS.get(priority, ""), label)


@register.inclusion_tag("contacts/_case_panel.html", takes_context=True)
def contacts_case_panel(
    context: template.Context, case: Any, part: str = "all", limit: int = PANEL_CONTACTS
) -> dict[str, Any]:
    """Buttons, open tasks, recent contacts and referrals out for the case page (``case_work``).

    ``part`` picks what a tab of the case page shows: "tasks" (open and done tasks), "contacts"
    (the newest ``limit`` contacts and the referrals out) or "all" (both, with the buttons).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    is_manager = getattr(user, "role", None) == Role.MANAGER
    today = timezone.localdate()
    work = selectors.case_work(case=case)
    tasks = [
        {
            "task": task,
            "overdue": task.due_on < today,
            # The case page is already scoped: a manager who sees it manages the case's team.
            "can_act": is_manager or task.owner_id == getattr(user, "pk", None),
        }
        for task in work.open_tasks
    ]
    recent = list(selectors.case_contacts(case=case)[: limit + 1]) if part != "tasks" else []
    contacts = [
        {
            "contact": contact,
            "on": timezone.localtime(contact.occurred_at).date(),
            "time": selectors.contact_time(contact),
            "title": selectors.contact_title(contact),
        }
        for contact in recent[:limit]
    ]
    return {
        "case": case,
        # Where Complete and Reassign come back to: the page (tab) they were clicked on.
        "case_url": getattr(request, "path", "") or reverse("cases:detail", args=[case.pk]),
        "is_manager": is_manager,
        "tasks": tasks,
        "contacts": contacts,
        "more_contacts": len(recent) > limit,
        "referrals": work.referrals,
        "done_tasks": work.done_tasks,
        "part": part,
    }
