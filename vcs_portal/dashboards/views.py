"""Managers' pages: the team dashboard, the regional dashboard, performance measures and the lists
behind every figure (with CSV export).

Managers only: a VLO or an admin gets a 404, as does a manager asking for a team outside their
scope. Every figure is scoped by ``selectors.dashboard_scope``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from vcs_portal.core.audit import audit_list_view
from vcs_portal.core.models import User
from vcs_portal.exchange.selectors import consultations_due_and_late
from victims.models import Case

from . import charts, selectors, services
from .forms import PeriodForm

PAGE_SIZE = 25
PREVIEW_ROWS = 10  # never-offered cases shown on the dashboard itself


def list_url(key: str, scope: selectors.Scope, *, base: str = "", **extra: Any) -> str:
    query: dict[str, Any] = {"measure": key}
    if scope.team is not None:
        query["team"] = scope.team.pk
    query.update({k: v for k, v in extra.items() if v not in (None, "")})
    return f"{base or reverse('dashboards:list')}?{urlencode(query)}"


def _figure_links(scope: selectors.Scope, team_id: int | None = None) -> dict[str, str]:
    base = reverse("dashboards:list")
    return {key: list_url(key, scope, base=base, team=team_id) for key in selectors.FIGURE_KEYS}


def _dashboard_context(scope: selectors.Scope, *, user: Any, with_officers: bool) -> dict[str, Any]:
    today = timezone.localdate()
    figures = selectors.dashboard_figures(scope=scope, today=today, with_officers=with_officers)
    never = selectors.list_head(key="never_offered", scope=scope, today=today, rows=PREVIEW_ROWS)
    base = reverse("dashboards:list")
    return {
        "scope": scope,
        "today": today,
        "total": figures.total,
        "per_team": [{"figures": f, "links": _figure_links(scope, f.team.pk)} for f in figures.per_team],
        "officers": [
            {
                "load": o,
                "open_url": list_url("open_cases", scope, base=base, officer=o.officer.pk),
                "never_url": list_url("never_offered", scope, base=base, officer=o.officer.pk),
                "tasks_url": list_url("overdue_tasks", scope, base=base, officer=o.officer.pk),
            }
            for o in figures.officers
        ],
        "links": _figure_links(scope),
        "never_offered": never,
        "never_offered_with_team": scope.team is None and len(scope.teams) > 1,
        # Questions other services asked of the VLOs (the exchange API), in the manager's scope.
        "consultations": consultations_due_and_late(user=user, today=today),
        "performance_url": reverse("dashboards:performance")
        + (f"?team={scope.team.pk}" if scope.team is not None else ""),
    }


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    scope = selectors.dashboard_scope(user=request.user, team=request.GET.get("team"))
    if scope.whole_region:
        return redirect("dashboards:region")
    context = _dashboard_context(scope, user=request.user, with_officers=True)
    bars = [
        charts.Bar(row["load"].officer.get_full_name(), row["load"].open_cases) for row in context["officers"]
    ]
    context["caseload_chart"] = charts.bar_chart(
        chart_id="caseload-chart",
        title="Open cases per officer",
        description=charts.describe(bars),
        bars=bars,
    )
    return render(request, "dashboards/team.html", context)


@login_required
@require_GET
def region(request: HttpRequest) -> HttpResponse:
    scope = selectors.dashboard_scope(user=request.user, whole_region=True)
    context = _dashboard_context(scope, user=request.user, with_officers=False)
    teams = [row["figures"] for row in context["per_team"]]
    open_bars = [charts.Bar(f.team.name, f.open_cases) for f in teams]
    never_bars = [charts.Bar(f.team.name, f.never_offered, highlight=True) for f in teams]
    context["open_chart"] = charts.bar_chart(
        chart_id="open-chart",
        title="Open cases per team",
        description=charts.describe(open_bars),
        bars=open_bars,
    )
    context["never_chart"] = charts.bar_chart(
        chart_id="never-chart",
        title="Victims never offered the scheme, per team",
        description=charts.describe(never_bars),
        bars=never_bars,
    )
    return render(request, "dashboards/region.html", context)


@login_required
@require_GET
def performance(request: HttpRequest) -> HttpResponse:
    scope = selectors.dashboard_scope(user=request.user, team=request.GET.get("team"))
    today = timezone.localdate()
    form = PeriodForm(request.GET if "period" in request.GET else None, today=today)
    context: dict[str, Any] = {"scope": scope, "form": form, "today": today}
    if form.is_bound and not form.is_valid():
        return render(request, "dashboards/performance.html", context)
    period = form.chosen_period()
    measures, by_team = selectors.performance(scope=scope, period=period)
    bars = [
        charts.Bar(
            m.short_title,
            m.percent or 0,
            text=f"{m.percent:g}%" if m.percent is not None else "No cases",
            benchmark=m.definition.benchmark,
        )
        for m in measures
    ]
    period_query = form.query()
    context.update(
        period=period,
        measures=[
            {"measure": m, "missed_url": list_url(m.list_key, scope, **period_query)} for m in measures
        ],
        by_team=by_team,
        chart=charts.bar_chart(
            chart_id="measures-chart",
            title=f"Performance measures, {period.label}",
            description=charts.describe(bars),
            bars=bars,
            maximum=100,
        ),
    )
    return render(request, "dashboards/performance.html", context)


def _officer(request: HttpRequest, scope: selectors.Scope) -> User | None:
    """The officer a list is narrowed to: someone in, or holding cases in, the teams in scope."""
    raw = request.GET.get("officer", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    found = (
        User.objects.filter(pk=int(raw))
        .filter(
            Q(pk__in=selectors.task_owner_ids(scope.team_ids))
            | Q(pk__in=Case.objects.filter(team_id__in=scope.team_ids).values("officer_id"))
        )
        .first()
    )
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def measure_list(request: HttpRequest) -> HttpResponse:
    scope = selectors.dashboard_scope(user=request.user, team=request.GET.get("team"))
    spec = selectors.LISTS.get(request.GET.get("measure", ""))
    if spec is None:
        raise Http404
    today = timezone.localdate()
    officer = _officer(request, scope)
    form = PeriodForm(request.GET if "period" in request.GET else None, today=today)
    period = form.chosen_period() if spec.needs_period else None

    def cases() -> QuerySet[Case]:
        return selectors.case_list(
            key=spec.key, scope=scope, today=today, period=period, officer_id=officer.pk if officer else None
        )

    if request.GET.get("format") == "csv":
        text = services.case_list_export(
            actor=request.user, spec=spec, cases=cases().iterator(chunk_size=2000)
        )
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{spec.key}-{today.isoformat()}.csv"'
        return response
    page = selectors.page_of_list(
        cases,
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
        key=spec.key,
        scope=scope,
        today=today,
        officer_id=officer.pk if officer else None,
    )
    back = reverse("dashboards:region") if scope.whole_region else reverse("dashboards:team")
    if scope.team is not None and not scope.whole_region:
        back += f"?team={scope.team.pk}"
    context = {
        "scope": scope,
        "spec": spec,
        "officer": officer,
        "period": period,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "with_team": scope.team is None and len(scope.teams) > 1,
        "back_url": reverse("dashboards:performance") if spec.needs_period else back,
    }
    audit_list_view(
        actor=request.user,
        what=f"dashboard list {spec.key}",
        object_type="victims.Case",
        ids=[c.pk for c in page],
    )
    return render(request, "dashboards/list.html", context)
