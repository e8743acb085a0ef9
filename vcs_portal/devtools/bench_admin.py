"""What a team would otherwise use: Django admin's changelist of the same cases, for the bench only.

The bench compares the caseload, and the team dashboard's drill-down list, with a changelist of
the same rows in the same order, 25 a page, with the same related rows joined. The site is
mounted only by ``bench_urls`` (under ``override_settings``), never in the service's URLs, and it
asks only that the user is signed in: a measurement, not a way in.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from vcs_portal.dashboards import selectors as dashboard_selectors
from victims.models import Case
from victims.selectors import CASELOAD_COLUMNS


class BenchAdminSite(admin.AdminSite):
    site_header = "Bench: the changelist a team would otherwise use"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active)


class CaseChangelist(admin.ModelAdmin):
    """The caseload's columns, ordering and page size; the user's visible cases only."""

    list_display = ("reference", "status", "victim", "offender", "officer", "first_contact_due")
    list_select_related = ("victim", "offender", "officer")
    list_per_page = 25
    ordering = ("first_contact_due", "pk")
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        cases = Case.objects.visible_to(request.user).only(*CASELOAD_COLUMNS)
        measure = request.GET.get("measure")
        if measure:  # the drill-down list's rows, as the dashboard computes them
            scope = dashboard_selectors.dashboard_scope(user=request.user, team=None)
            cases = dashboard_selectors.case_list(
                key=measure, scope=scope, today=timezone.localdate(), period=None, officer_id=None
            )
        return cases

    def get_preserved_filters(self, request: HttpRequest) -> str:
        return ""

    def lookup_allowed(self, lookup: str, value: Any, request: HttpRequest | None = None) -> bool:
        return lookup == "measure" or super().lookup_allowed(lookup, value, request)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type:
        changelist = super().get_changelist(request, **kwargs)

        class WithoutMeasure(changelist):  # type: ignore[misc, valid-type]
            """``measure`` chooses the rows in get_queryset; it is not a field lookup."""

            def get_filters_params(self, params: Any = None) -> Any:
                lookups = super().get_filters_params(params)
                lookups.pop("measure", None)
                return lookups

        return WithoutMeasure

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


bench_site = BenchAdminSite(name="bench_admin")
bench_site.register(Case, CaseChangelist)
