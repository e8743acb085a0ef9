"""How fast the busiest pages are at national scale: ``manage.py bench`` (after ``seed_national``).

Prints a table and never asserts. For each page, in this process with Django's test client
(signed in with a verified second factor, as a browser would be):

- queries: SQL statements per request (the most of any URL measured);
- p50 / p95: server time over ``--requests`` requests, after a warm-up pass over every URL (so a
  long-running server's steady state is measured, not the first visit's one-off imports);
- SQL: the bare time of the same statements, captured from one request to each URL and run again
  with a raw cursor (execute and fetch, nothing else), per URL the median of several runs; then
  the median over the measured requests, as for the server time (the case page rotates over 20
  cases);
- Python: server p50 less the bare SQL, what Django, the ORM and the templates add;
- ratio: server p50 over bare SQL p50, the cost of Django, templates and Python on top of the SQL.

A first row, "Signed-in floor", times the smallest signed-in request (the health check through
every middleware: session, user, second factor, audit context, security headers), so the fixed
cost every page pays before its view runs is on the table beside the pages.

Then the daily eligibility sweep over every sentence, on a day it has not run, and the letters
bench (``bench_letters``) when that app is installed. Everything runs in one transaction that is
rolled back, so the sessions, audit rows and sweep results it makes leave no trace.

Targets: p95 <= 150 ms and ratio <= 2.0 per page; the sweep <= 20 s.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from offenders.models import EligibilitySweep
from vcs_portal.core.models import Role, User
from vcs_portal.devtools.breakdown import timed_parts
from victims.eligibility import eligibility_sweep
from victims.models import Address, Case, CaseStatus

TARGET_P95_MS = 150.0
TARGET_RATIO = 2.0
TARGET_SWEEP_S = 20.0


class _Rollback(Exception):
    pass


@dataclass
class PageResult:
    name: str
    url: str
    queries: int
    p50: float
    p95: float
    bare: float
    parts: dict[str, float] = field(default_factory=dict)  # ms per request, from breakdown.timed_parts

    @property
    def python(self) -> float:
        return self.p50 - self.bare

    @property
    def ratio(self) -> float:
        return self.p50 / self.bare if self.bare else float("inf")

    @property
    def ok(self) -> bool:
        return self.p95 <= TARGET_P95_MS and self.ratio <= TARGET_RATIO

    @property
    def verdict(self) -> str:
        if self.name == FLOOR:
            return "(reference)"
        return "met" if self.ok else "MISSED"


FLOOR = "Signed-in floor (health check)"


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def _client(user: User) -> Client:
    """A client signed in as ``user`` with a verified TOTP device (as tests/conftest.py does)."""
    host = next(
        (h for h in settings.ALLOWED_HOSTS if h not in {"*", ""} and not h.startswith(".")), "testserver"
    )
    client = Client(HTTP_HOST=host)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _bare_sql(sqls: list[str], runs: int) -> float:
    """Median time (ms) to execute and fetch the statements, each in a savepoint undone afterwards."""
    totals = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            total = 0.0
            for sql in sqls:
                sid = transaction.savepoint()
                started = time.perf_counter()
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
                total += time.perf_counter() - started
                transaction.savepoint_rollback(sid)
            totals.append(total * 1000)
    return statistics.median(totals)


def _bench_page(name: str, client: Client, urls: list[str], requests: int, warmup: int = 3) -> PageResult:
    warmup = max(warmup, len(urls))

    def get(i: int) -> float:
        url = urls[i % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise CommandError(f"{name}: {url} answered {response.status_code}")
        return elapsed

    for i in range(warmup):
        get(i)
    times = [get(i) for i in range(requests)]
    # The bare SQL of every URL (a page's cost varies with its case), each the median of several
    # runs; then, like the server time, the median over the same requests.
    statements = []
    for i in range(len(urls)):
        with CaptureQueriesContext(connection) as captured:
            get(i)
        statements.append([q["sql"] for q in captured.captured_queries])
    runs = max(5, requests // len(urls))
    bare_by_url = [_bare_sql(sqls, runs) for sqls in statements]
    # Where the time goes, in a pass of its own: its timers would slow the timed one.
    with timed_parts() as parts:
        for i in range(requests):
            parts.total += get(i) / 1000
            parts.requests += 1
    return PageResult(
        name=name,
        url=urls[0],
        queries=max(len(sqls) for sqls in statements),
        p50=statistics.median(times),
        p95=_percentile(times, 95),
        bare=statistics.median(bare_by_url[i % len(urls)] for i in range(requests)),
        parts=parts.per_request_ms(),
    )


class Command(BaseCommand):
    help = "Measure the caseload, case page and dashboards at national scale (run seed_national first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=50, help="Measured requests per page.")
        parser.add_argument("--no-sweep", action="store_true", help="Skip timing the eligibility sweep.")
        parser.add_argument("--no-letters", action="store_true", help="Skip bench_letters.")
        parser.add_argument("--letters", type=int, default=1000, help="Letters for bench_letters --count.")

    def _users(self) -> tuple[User, User, User]:
        vlo = (
            User.objects.filter(role=Role.VLO, is_active=True)
            .annotate(n=Count("cases", filter=~Q(cases__status=CaseStatus.CLOSED)))
            .order_by("-n", "pk")
            .first()
        )
        if vlo is None or not vlo.n:
            raise CommandError("No cases to measure: run `manage.py seed_national` first.")
        manager = (
            User.objects.filter(role=Role.MANAGER, is_regional_manager=False, managed_teams=vlo.team_id)
            .order_by("pk")
            .first()
        )
        regional = User.objects.filter(
            role=Role.MANAGER, is_regional_manager=True, region_id=vlo.region_id
        ).first()
        if manager is None or regional is None:
            raise CommandError("The VLO's team needs a manager and its region a regional manager.")
        return vlo, manager, regional

    @staticmethod
    def _name_searches(case_ids: list[int]) -> list[str]:
        """The header search for the first four letters of victims' and offenders' surnames."""
        names = Case.objects.filter(pk__in=case_ids).values_list("victim__last_name", "offender__last_name")
        terms = [name[:4] for pair in names for name in pair if len(name) >= 4]
        return [reverse("cases:search") + "?" + urlencode({"q": term}) for term in terms] or [
            reverse("cases:search") + "?q=smit"
        ]

    @staticmethod
    def _postcode_searches(case_ids: list[int]) -> list[str]:
        """The header search for victims' full postcodes (through the blind index)."""
        postcodes = [
            a.postcode
            for a in Address.objects.filter(victim__cases__in=case_ids, is_current=True).only("postcode")
        ]
        return [reverse("cases:search") + "?" + urlencode({"q": p}) for p in postcodes] or [
            reverse("cases:search") + "?q=M1+1AE"
        ]

    def handle(self, *args: Any, **options: Any) -> None:
        requests = options["requests"]
        out = self.stdout.write
        if settings.DEBUG:
            out(
                self.style.WARNING(
                    "DEBUG is on: Django records every query, so pages are slower than in service."
                )
            )
        vlo, manager, regional = self._users()
        results: list[PageResult] = []
        sweep_seconds: float | None = None
        daily_seconds: float | None = None
        sweep_summary = ""
        try:
            with transaction.atomic():
                cases = list(
                    Case.objects.filter(officer=vlo)
                    .exclude(status=CaseStatus.CLOSED)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:20]
                )
                open_count = Case.objects.filter(officer=vlo).exclude(status=CaseStatus.CLOSED).count()
                out(
                    f"VLO {vlo.get_full_name()} ({open_count} open cases; the caseload page lists the "
                    f"team's), manager {manager.get_full_name()}, regional manager "
                    f"{regional.get_full_name()} ({regional.region}). {requests} requests per page; "
                    f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.\n"
                )
                pages: list[tuple[str, User, list[str]]] = [
                    (FLOOR, vlo, [reverse("core:healthz")]),
                    ("My caseload, team's (VLO)", vlo, [reverse("victims:caseload") + "?whose=team"]),
                    ("Case page (VLO)", vlo, [reverse("cases:detail", args=[pk]) for pk in cases]),
                    ("Search, part of a name (VLO)", vlo, self._name_searches(cases)),
                    ("Search, part of a name (regional)", regional, self._name_searches(cases)),
                    ("Search, postcode (regional)", regional, self._postcode_searches(cases)),
                    ("Team dashboard", manager, [reverse("dashboards:team")]),
                    ("Regional dashboard", regional, [reverse("dashboards:region")]),
                    (
                        "Performance, region, 12 months",
                        regional,
                        [reverse("dashboards:performance") + "?period=12m"],
                    ),
                    (
                        "List: never offered, region",
                        regional,
                        [reverse("dashboards:list") + "?measure=never_offered"],
                    ),
                ]
                for name, user, urls in pages:
                    results.append(_bench_page(name, _client(user), urls, requests))
                if not options["no_sweep"]:
                    sweep_seconds, sweep_summary = self._sweep()
                    daily_seconds = self._daily_jobs()
                raise _Rollback
        except _Rollback:
            pass
        self._report(results, sweep_seconds, sweep_summary)
        if daily_seconds is not None:
            self.stdout.write(f"Full daily jobs (run_daily_jobs, one fresh day): {daily_seconds:.1f} s")
        if not options["no_letters"]:
            self._letters(options["letters"])

    def _sweep(self) -> tuple[float, str]:
        run_on = timezone.localdate() + timedelta(days=1)
        taken = set(EligibilitySweep.objects.values_list("run_on", flat=True))
        while run_on in taken:
            run_on += timedelta(days=1)
        started = time.perf_counter()
        sweep = eligibility_sweep(as_of=run_on)
        seconds = time.perf_counter() - started
        return seconds, (
            f"{sweep['sentences checked']:,} sentences checked, {sweep['changed']:,} changed, "
            f"{sweep['cases flagged for review']:,} cases flagged"
        )

    def _daily_jobs(self) -> float:
        """Time every daily job (run_daily_jobs) for tomorrow: an ordinary day's run."""
        run_on = timezone.localdate() + timedelta(days=1)
        started = time.perf_counter()
        call_command("run_daily_jobs", as_of=run_on, stdout=io.StringIO())
        return time.perf_counter() - started

    def _report(self, results: list[PageResult], sweep_seconds: float | None, sweep_summary: str) -> None:
        out = self.stdout.write
        header = (
            f"{'page':<34} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'SQL ms':>8} {'Python ms':>9} "
            f"{'ratio':>6}  target"
        )
        out(header)
        out("-" * len(header))
        for r in results:
            figures = (
                f"{r.queries:>7} {r.p50:>8.1f} {r.p95:>8.1f} {r.bare:>8.1f} {r.python:>9.1f} {r.ratio:>6.2f}"
            )
            out(f"{r.name:<34} {figures}  {r.verdict}")
        out(f"\nTargets: p95 <= {TARGET_P95_MS:.0f} ms, ratio <= {TARGET_RATIO:.1f}.")
        self._report_parts(results)
        if sweep_seconds is not None:
            verdict = "met" if sweep_seconds <= TARGET_SWEEP_S else "MISSED"
            out(
                f"Eligibility sweep: {sweep_seconds:.1f} s ({sweep_summary}); target <= "
                f"{TARGET_SWEEP_S:.0f} s: {verdict}."
            )

    def _report_parts(self, results: list[PageResult]) -> None:
        """Where each page's time goes (means over one more pass, with timers in Django)."""
        out = self.stdout.write
        header = (
            f"{'where the time goes (mean ms)':<34} {'SQL':>7} {'building SQL':>12} {'templates':>9} "
            f"{'rest':>6} {'total':>7}"
        )
        out(f"\n{header}")
        out("-" * len(header))
        for r in results:
            p = r.parts
            out(
                f"{r.name:<34} {p['sql']:>7.1f} {p['building']:>12.1f} {p['templates']:>9.1f} "
                f"{p['rest']:>6.1f} {p['total']:>7.1f}"
            )
        out(
            "SQL: executing and fetching in the driver. Building SQL: the ORM compiling querysets. "
            "Templates: rendering,\nless the SQL it caused. Rest: signing in and middleware, the "
            "views' code, making objects from rows."
        )

    def _letters(self, count: int) -> None:
        buffer = io.StringIO()
        started = time.perf_counter()
        call_command("bench_letters", count=count, stdout=buffer)
        self.stdout.write(
            f"\nLetters (bench_letters --count {count}, {time.perf_counter() - started:.1f} s):"
        )
        self.stdout.write(buffer.getvalue().rstrip())
