"""Admins edit the offence catalogue here; offender and case data stay in the service's own pages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse

from vcs_portal.core.admin_audit import AuditedAdmin

from .models import EligibilitySweep, Establishment, Offence
from .selectors import unregistered_locations


@admin.register(Offence)
class OffenceAdmin(AuditedAdmin):
    """Every change is audited with before and after (``AuditedAdmin``)."""

    list_display = [
        "title",
        "statute",
        "section",
        "murder",
        "specified_violent",
        "specified_sexual",
        "sex_offender_notification",
        "against_child",
        "homicide",
        "is_active",
    ]
    list_filter = [
        "specified_violent",
        "specified_sexual",
        "specified_terrorism",
        "sex_offender_notification",
        "against_child",
        "homicide",
        "domestic_abuse",
        "stalking_harassment",
        "hate_crime",
        "is_active",
    ]
    search_fields = ["title", "code", "statute", "section"]
    fieldsets = (
        (None, {"fields": ("code", "title", "statute", "section", "is_active")}),
        (
            "Statutory scheme (s.45 Domestic Violence, Crime and Victims Act 2004)",
            {
                "fields": (
                    "murder",
                    "specified_violent",
                    "specified_sexual",
                    "specified_terrorism",
                    "sex_offender_notification",
                    "against_child",
                    "victim_child_route",
                    "homicide",
                )
            },
        ),
        (
            "Where the law lists it (docs/offence-catalogue.md)",
            {
                "fields": (
                    "schedule_15_paragraph",
                    "schedule_18_paragraph",
                    "sexual_paragraph",
                    "sexual_condition",
                    "child_paragraph",
                    "in_force_from",
                )
            },
        ),
        ("Discretionary contexts", {"fields": ("domestic_abuse", "stalking_harassment", "hate_crime")}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Offence | None = None) -> bool:
        """Offences on sentences must stay; untick 'active' to retire one."""
        return False


@admin.register(EligibilitySweep)
class EligibilitySweepAdmin(AuditedAdmin):
    """The daily eligibility summaries, read-only."""

    list_display = [
        "run_on",
        "sentences_checked",
        "statutory",
        "discretionary",
        "not_eligible",
        "changed",
        "flagged_for_review",
        "whole",
        "finished_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Establishment)
class EstablishmentAdmin(AuditedAdmin):
    """The prison register. The list warns of recorded locations the register does not know yet."""

    list_display = ["display_name", "code", "kind", "welsh_name", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code", "welsh_name", "common_forms"]
    fields = ["code", "name", "kind", "welsh_name", "common_forms", "is_active"]

    def has_delete_permission(self, request: HttpRequest, obj: Establishment | None = None) -> bool:
        """Recorded locations name establishments; untick 'active' for a closed one."""
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        unknown = unregistered_locations()
        if unknown and request.method == "GET":
            shown = "; ".join(f"{name} ({n})" for name, n in unknown[:20])
            more = f" and {len(unknown) - 20} more" if len(unknown) > 20 else ""
            messages.warning(
                request,
                f"Recorded locations not in the register: {shown}{more}. Add each as an establishment "
                "(or as another name of one) so that letters are checked against it.",
            )
        return super().changelist_view(request, extra_context)
