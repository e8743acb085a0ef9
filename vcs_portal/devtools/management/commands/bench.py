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

Then the daily jobs, each on its own line, for two days: the first run on the dataset (a day
the eligibility sweep has not run, so it checks every sentence and the other jobs make their
first work) and the ordinary day after, with a day's changes (``DAILY_SENTENCE_CHANGES``
sentences edited, which the sweep re-checks); then the letters bench (``bench_letters``) when
that app is installed.
Each page, the comparison and the two days run in a transaction of their own that is rolled back,
so the sessions, audit rows, tasks and sweep results the bench makes leave no trace.

Targets (issue 18): the Python budget per request (p50 less its bare SQL) per kind of page, the
signed-in floor 1.5 ms, the caseload and lists 6 ms, the dashboards 10 ms, the case page 15 ms;
p95 <= 150 ms; the caseload and the team's drill-down list each at most half the time of Django
admin's changelist of the same rows (``bench_admin``), measured interleaved; all the daily jobs
together <= 20 s on the first run after a fresh seed and <= 3 s on an ordinary day.
The ratio to bare SQL is printed for reference, no longer a target.
"""

from __future__ import annotations

import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from offenders.models import EligibilitySweep, EventKind, Sentence, SentenceEvent
from vcs_portal.core.models import Role, User
from vcs_portal.devtools.breakdown import timed_parts
from vcs_portal.operations.daily import DAILY_JOBS, daily_jobs_run
from victims.models import Address, Case, CaseStatus

TARGET_P95_MS = 150.0
TARGET_SWEEP_S = 20.0  # all the jobs of the first run on a fresh national seed
TARGET_ORDINARY_DAY_S = 3.0  # all the jobs of an ordinary day after it
TARGET_VS_ADMIN = 0.5
TARGET_GROWTH = 1.3
# Python ms per request (p50 less bare SQL) by kind of page.
BUDGET_FLOOR, BUDGET_LIST, BUDGET_DASHBOARD, BUDGET_CASE = 1.5, 6.0, 10.0, 15.0
TIMELINE_EVENTS = 1000


@contextmanager
def _rolled_back() -> Iterator[None]:
    """One transaction, undone at the end: the sessions, audit rows and work a measurement makes
    leave no trace. One per page, not one for the whole bench: every request's savepoints hold a
    transaction-id lock until the outer transaction ends, and thousands of them exhaust
    PostgreSQL's lock table (max_locks_per_transaction)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass
class PageResult:
    name: str
    url: str
    queries: int
    p50: float
    p95: float
    bare: float
    budget: float
    parts: dict[str, float] = field(default_factory=dict)  # ms per request, from breakdown.timed_parts

    @property
    def python(self) -> float:
        return self.p50 - self.bare

    @property
    def ratio(self) -> float:
        return self.p50 / self.bare if self.bare else float("inf")

    @property
    def ok(self) -> bool:
        return self.p95 <= TARGET_P95_MS and self.python <= self.budget

    @property
    def verdict(self) -> str:
        if not self.budget:
            return "(reference)"
        return "met" if self.ok else "MISSED"


FLOOR = "Signed-in floor (health check)"


def _cpu_calibration() -> float:
    """Seconds for a plain Python loop of ten million additions (best of three): how fast this
    machine runs Python, so the page figures of two machines can be compared."""
    best = float("inf")
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for n in range(10_000_000):
            total += n
        best = min(best, time.perf_counter() - started)
    return best


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


def _bench_page(
    name: str, client: Client, urls: list[str], requests: int, budget: float, warmup: int = 3
) -> PageResult:
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
        budget=budget,
        parts=parts.per_request_ms(),
    )


def _page_key(name: str) -> str:
    """A page's name without its numbers (the caseload's last page differs between scales)."""
    return re.sub(r"\d[\d,]*", "N", name)


def _interleaved(ours: tuple[Client, str], theirs: tuple[Client, str], requests: int) -> tuple[float, float]:
    """Median ms of two pages requested turn about, so a busy moment slows both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for i in range(requests + 3):
        for which, (client, url) in enumerate((ours, theirs)):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            if i >= 3:  # the first few warm both up
                times[which].append(elapsed)
    return statistics.median(times[0]), statistics.median(times[1])


def _long_history(case_pk: int, user: User) -> None:
    """Give one case's sentence a thousand events, in the bench's rolled-back transaction."""
    case = Case.objects.select_related("sentence").get(pk=case_pk)
    day = case.sentence.sentence_date
    SentenceEvent.objects.bulk_create(
        SentenceEvent(
            sentence=case.sentence,
            kind=EventKind.TRANSFER,
            occurred_on=day + timedelta(days=1 + n % 3000),
            detail="bench",
            recorded_by=user,
        )
        for n in range(TIMELINE_EVENTS)
    )


@dataclass(frozen=True)
class DayTimes:
    name: str
    on: date
    jobs: list[tuple[str, float, str]]  # (label, seconds, what it did)

    @property
    def total(self) -> float:
        return sum(seconds for _, seconds, _ in self.jobs)


def _vacuum(out: Any) -> None:
    """VACUUM ANALYZE first: every bench rolls back thousands of rows (a first run of the jobs
    rewrites 16,000 cases), and the dead rows they leave doubled the dashboards' SQL until
    autovacuum caught up. Not possible inside a transaction (the bench's own test): skipped there."""
    if connection.in_atomic_block:
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    out(f"VACUUM ANALYZE of the database first: {time.perf_counter() - started:.1f} s (--no-vacuum to skip).")


def _fresh_days() -> tuple[date, date]:
    """Two consecutive days from tomorrow on which the eligibility sweep has not run, so it is
    timed in both: its summary row claims a day, and a day it has run it skips."""
    taken = set(EligibilitySweep.objects.values_list("run_on", flat=True))
    first = timezone.localdate() + timedelta(days=1)
    while first in taken or first + timedelta(days=1) in taken:
        first += timedelta(days=1)
    return first, first + timedelta(days=1)


# An ordinary day's changes to sentences, which the eligibility sweep re-checks: about what a
# national service's VLOs record in a day (new referrals' sentences, appeals, corrections).
DAILY_SENTENCE_CHANGES = 200


def _a_days_changes() -> None:
    """Touch the day's sentences as a VLO's edit would, so the triggers queue them for the sweep."""
    pks = list(Sentence.objects.order_by("?").values_list("pk", flat=True)[:DAILY_SENTENCE_CHANGES])
    Sentence.objects.filter(pk__in=pks).update(court=F("court"))


def _daily_jobs(name: str, on: date) -> DayTimes:
    """Run every daily job for ``on``, in order, timing each (the list run_daily_jobs runs)."""
    jobs = []
    for job in DAILY_JOBS:
        started = time.perf_counter()
        (run,) = daily_jobs_run(as_of=on, jobs=[job])
        seconds = time.perf_counter() - started
        summary = run.line().split(": ", 1)[-1]
        jobs.append((job.label, seconds, summary))
    return DayTimes(name, on, jobs)


class Command(BaseCommand):
    help = "Measure the caseload, case page and dashboards at national scale (run seed_national first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=50, help="Measured requests per page.")
        parser.add_argument("--no-sweep", action="store_true", help="Skip timing the daily jobs.")
        parser.add_argument("--no-letters", action="store_true", help="Skip bench_letters.")
        parser.add_argument("--letters", type=int, default=1000, help="Letters for bench_letters --count.")
        parser.add_argument(
            "--tenth-database-url",
            default=os.environ.get("BENCH_TENTH_DATABASE_URL", ""),
            help="A database seeded with `seed_national --scale tenth`: print each page's growth.",
        )
        parser.add_argument("--json", default="", help="Also write each page's p50 (ms) to this file.")
        parser.add_argument(
            "--no-vacuum", action="store_true", help="Measure without VACUUM ANALYZE of the database first."
        )
        parser.add_argument(
            "--only",
            default="",
            help="Measure only the pages whose name contains this (case-insensitive), e.g. caseload.",
        )

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
        if not options["no_vacuum"]:
            _vacuum(out)
        vlo, manager, regional = self._users()
        results: list[PageResult] = []
        days: list[DayTimes] = []
        comparisons: list[tuple[str, float, float]] = []
        with override_settings(ROOT_URLCONF="vcs_portal.devtools.bench_urls"):
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
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; this CPU runs "
                f"a 10-million-step Python loop in {_cpu_calibration():.2f} s (figures from machines "
                "compare in proportion to it).\n"
            )
            caseload = reverse("victims:caseload")
            last_page = max(1, -(-Case.objects.visible_to(vlo).count() // 25))  # the team's, in pages
            pages: list[tuple[str, User, list[str], float]] = [
                (FLOOR, vlo, [reverse("core:healthz")], BUDGET_FLOOR),
                ("My caseload (VLO)", vlo, [caseload], BUDGET_LIST),
                ("My caseload, team's (VLO)", vlo, [f"{caseload}?whose=team"], BUDGET_LIST),
                (
                    f"Caseload, page {last_page} (last)",
                    vlo,
                    [f"{caseload}?whose=team&page={last_page}"],
                    BUDGET_LIST,
                ),
                ("Caseload, due last first", vlo, [f"{caseload}?whose=team&sort=-due"], BUDGET_LIST),
                ("Caseload, by victim", vlo, [f"{caseload}?whose=team&sort=victim"], BUDGET_LIST),
                ("Caseload, by victim, Z-A", vlo, [f"{caseload}?whose=team&sort=-victim"], BUDGET_LIST),
                (
                    "Case page (VLO)",
                    vlo,
                    [reverse("cases:detail", args=[pk]) for pk in cases[:-1]],
                    BUDGET_CASE,
                ),
                (
                    f"Case page, {TIMELINE_EVENTS:,} events",
                    vlo,
                    [reverse("cases:detail", args=[cases[-1]])],
                    BUDGET_CASE,
                ),
                ("Search, part of a name (VLO)", vlo, self._name_searches(cases), BUDGET_LIST),
                ("Search, part of a name (regional)", regional, self._name_searches(cases), BUDGET_LIST),
                ("Search, postcode (regional)", regional, self._postcode_searches(cases), BUDGET_LIST),
                ("Team dashboard", manager, [reverse("dashboards:team")], BUDGET_DASHBOARD),
                ("Regional dashboard", regional, [reverse("dashboards:region")], BUDGET_DASHBOARD),
                (
                    "Performance, region, 12 months",
                    regional,
                    [reverse("dashboards:performance") + "?period=12m"],
                    BUDGET_DASHBOARD,
                ),
                (
                    "List: never offered, region",
                    regional,
                    [reverse("dashboards:list") + "?measure=never_offered"],
                    BUDGET_LIST,
                ),
            ]
            if options["only"]:
                pages = [page for page in pages if options["only"].lower() in page[0].lower()]
            long_history = f"Case page, {TIMELINE_EVENTS:,} events"
            # A warm-up pass over every page first: otherwise the first page timed pays alone for
            # what only a first request does (PostgreSQL's caches after the VACUUM, compiling and
            # preparing SQL), and at national scale, after the longer VACUUM, it paid more.
            with _rolled_back():
                for _name, user, urls, _budget in pages:
                    client = _client(user)
                    for url in urls:
                        client.get(url)
            for name, user, urls, budget in pages:
                with _rolled_back():
                    if name == long_history:
                        _long_history(cases[-1], vlo)
                    results.append(_bench_page(name, _client(user), urls, requests, budget))
            with _rolled_back():
                comparisons = self._against_admin(vlo, manager, requests)
            if not options["no_sweep"]:
                with _rolled_back():
                    first, after = _fresh_days()
                    days = [_daily_jobs("First run on the dataset", first)]
                    _a_days_changes()
                    days.append(_daily_jobs("The ordinary day after", after))
        self._report(results)
        self._report_admin(comparisons)
        if options["json"]:
            Path(options["json"]).write_text(json.dumps({_page_key(r.name): r.p50 for r in results}))
        else:
            self._report_growth(results, options["tenth_database_url"], requests, options["only"])
        for day in days:
            self._report_day(day)
        if not options["no_letters"]:
            self._letters(options["letters"])

    def _against_admin(self, vlo: User, manager: User, requests: int) -> list[tuple[str, float, float]]:
        """The caseload and the team's drill-down list against the admin changelist of their rows."""
        changelist = reverse("bench_admin:victims_case_changelist")
        vlo_client, manager_client = _client(vlo), _client(manager)
        pairs = [
            ("My caseload", (vlo_client, reverse("victims:caseload")), (vlo_client, changelist)),
            (
                "Team list: never offered",
                (manager_client, reverse("dashboards:list") + "?measure=never_offered"),
                (manager_client, changelist + "?measure=never_offered"),
            ),
        ]
        return [(name, *_interleaved(ours, theirs, requests)) for name, ours, theirs in pairs]

    def _report_growth(self, results: list[PageResult], tenth_url: str, requests: int, only: str) -> None:
        """Each page at national scale against the same page on a tenth of the data (another database)."""
        out = self.stdout.write
        if not tenth_url:
            out(
                "\nGrowth: not measured. Seed a second database with `manage.py seed_national --scale "
                "tenth` and set BENCH_TENTH_DATABASE_URL to it (docs/performance.md)."
            )
            return
        with tempfile.TemporaryDirectory() as folder:
            figures = Path(folder, "tenth.json")
            command = [sys.executable, "manage.py", "bench", "--no-sweep", "--no-letters", "--only", only]
            subprocess.run(  # noqa: S603 - this interpreter and manage.py, with an argument list
                [*command, "--json", str(figures), "--requests", str(requests)],
                env={**os.environ, "DATABASE_URL": tenth_url, "BENCH_TENTH_DATABASE_URL": ""},
                cwd=settings.BASE_DIR,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            tenth = json.loads(figures.read_text())
        out(f"\n{'growth: national / a tenth (p50)':<34} {'national':>8} {'tenth':>8} {'ratio':>6}  target")
        for r in results:
            small = tenth.get(_page_key(r.name))
            if not small:
                continue
            ratio = r.p50 / small
            verdict = "met" if ratio <= TARGET_GROWTH else "MISSED"
            out(f"{r.name:<34} {r.p50:>8.1f} {small:>8.1f} {ratio:>6.2f}  <= {TARGET_GROWTH}: {verdict}")

    def _report_admin(self, comparisons: list[tuple[str, float, float]]) -> None:
        out = self.stdout.write
        out(f"\n{'against the admin changelist':<34} {'ours ms':>8} {'admin ms':>9} {'ratio':>6}  target")
        for name, ours, theirs in comparisons:
            ratio = ours / theirs
            verdict = "met" if ratio <= TARGET_VS_ADMIN else "MISSED"
            out(f"{name:<34} {ours:>8.1f} {theirs:>9.1f} {ratio:>6.2f}  <= {TARGET_VS_ADMIN}: {verdict}")

    def _report_day(self, day: DayTimes) -> None:
        """The day's total against its target (issue 18: the first run <= 20 s, an ordinary day
        <= 3 s, all jobs together), then one line per job."""
        out = self.stdout.write
        target = TARGET_SWEEP_S if day.name.startswith("First") else TARGET_ORDINARY_DAY_S
        verdict = "met" if day.total <= target else "MISSED"
        out(
            f"\nDaily jobs, {day.name.lower()} ({day.on.isoformat()}): {day.total:.1f} s; "
            f"target <= {target:.0f} s for all jobs: {verdict}"
        )
        for label, seconds, summary in day.jobs:
            out(f"  {label:<20} {seconds:>7.1f} s  {summary}")

    def _report(self, results: list[PageResult]) -> None:
        out = self.stdout.write
        header = (
            f"{'page':<34} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'SQL ms':>8} {'Python ms':>9} "
            f"{'budget':>6} {'ratio':>6}  target"
        )
        out(header)
        out("-" * len(header))
        for r in results:
            figures = (
                f"{r.queries:>7} {r.p50:>8.1f} {r.p95:>8.1f} {r.bare:>8.1f} {r.python:>9.1f} "
                f"{r.budget:>6.1f} {r.ratio:>6.2f}"
            )
            out(f"{r.name:<34} {figures}  {r.verdict}")
        out(
            f"\nTargets: Python ms (p50 less its bare SQL) within the budget, p95 <= {TARGET_P95_MS:.0f} ms. "
            "The ratio (p50 over bare SQL) is for reference."
        )
        self._report_parts(results)

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
