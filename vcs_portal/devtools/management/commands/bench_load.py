"""The busiest pages under load: ``manage.py bench_load`` (``make bench-load``, after ``seed_national``).

Starts gunicorn with the production settings on 127.0.0.1 (two workers, as on a 2-core host),
signs real users in through the real sign-in (password, then the security code), and runs a
bounded load with ``wrk`` (Debian's, a C program that leaves the CPU to the server) on the
caseload, the case page, search and the team dashboard, at 10 and then 30 connections for
``--duration`` seconds each. A small Lua script rotates the signed-in sessions and the URLs, and
counts every response that is not a 200 as an error. Prints requests per second, p50, p95 and
p99 and the errors; never asserts.

The users it signs in are the national seed's busiest VLOs and their managers: their password
hashes are kept and put back, and the authenticator devices and sessions it makes are deleted,
so the data is as it was. Only loopback is ever a target.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from vcs_portal.core.models import Role, User
from victims.models import Case

PASSWORD = secrets.token_urlsafe(24)
TARGETS = {"caseload": (180.0, 80.0)}  # page: (req/s at least, p95 ms at most) at 10 connections
# Prints one JSON line: wrk's own summary is in words, and has no p95.
LUA = r"""
local targets = {}
local next_index = 0
local errors = 0
local f = io.open(os.getenv("VCS_LOAD_TARGETS"))
for line in f:lines() do
  local cookie, path = line:match("^(.-)\t(.*)$")
  targets[#targets + 1] = wrk.format("GET", path, {["Cookie"] = cookie})
end
f:close()

request = function()
  next_index = next_index % #targets + 1
  return targets[next_index]
end

response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

done = function(summary, latency, requests)
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "p50": %d, "p95": %d, "p99": %d, '
      .. '"status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.status, socket))
end
"""


@dataclass
class LoadResult:
    page: str
    connections: int
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Browser:
    """Just enough of a browser for the sign-in: cookies by hand (the production cookies are Secure,
    which a cookie jar would not send over plain HTTP to loopback) and the CSRF token from the form."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie_header(), "Host": "127.0.0.1"}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, response.getheader("Location") or "", text

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        _, _, page = self.request("GET", path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise CommandError(f"No CSRF token on {path}")
        status, location, _ = self.request("POST", path, {"csrfmiddlewaretoken": token.group(1), **fields})
        return status, location


class Command(BaseCommand):
    help = "Load the busiest pages through gunicorn and wrk; print req/s, p50/p95/p99 and errors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--duration", type=int, default=45, help="Seconds per run (default 45).")
        parser.add_argument("--connections", default="10,30", help="Comma-separated (default 10,30).")
        parser.add_argument("--users", type=int, default=10, help="VLOs to sign in (default 10).")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2).")

    def handle(self, *args: Any, **options: Any) -> None:
        wrk = shutil.which("wrk")
        if wrk is None:
            raise CommandError("wrk is missing: apt-get install -y wrk")
        connections = [int(c) for c in options["connections"].split(",")]
        vlos = list(
            User.objects.filter(role=Role.VLO, is_active=True)
            .annotate(n=Count("cases"))
            .order_by("-n", "pk")[: options["users"]]
        )
        if not vlos:
            raise CommandError("No VLOs: run `make seed-national` first.")
        managers = list(
            User.objects.filter(
                role=Role.MANAGER, is_active=True, managed_teams__in={v.team_id for v in vlos}
            )
            .distinct()
            .order_by("pk")[: options["users"]]
        )
        port = _free_port()
        with self._users_signable(vlos + managers), self._server(port, options["workers"]):
            sessions = {user.pk: self._sign_in(port, user) for user in vlos + managers}
            pages = self._pages(vlos, managers, sessions)
            results = [
                self._run(wrk, port, page, targets, n, options["duration"])
                for page, targets in pages.items()
                for n in connections
            ]
        self._report(results)

    # --- the users, the server and the sign-in ---------------------------------------------------

    @contextmanager
    def _users_signable(self, users: list[User]) -> Iterator[None]:
        """Give the users a known password and a fresh authenticator; put everything back after."""
        hashes = {u.pk: u.password for u in users}
        devices = []
        for user in users:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            devices.append(TOTPDevice.objects.create(user=user, name="bench_load", confirmed=True))
        self.devices = {d.user_id: d for d in devices}
        self.session_keys: list[str] = []
        try:
            yield
        finally:
            for user in users:
                User.objects.filter(pk=user.pk).update(password=hashes[user.pk])
            TOTPDevice.objects.filter(pk__in=[d.pk for d in devices]).delete()
            # The server signed the sessions with its own key, so they are found by key, not decoded.
            Session.objects.filter(session_key__in=self.session_keys).delete()

    @contextmanager
    def _server(self, port: int, workers: int) -> Iterator[None]:
        static_root = Path(tempfile.mkdtemp(prefix="vcs-bench-static-"))
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "vcs_portal.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": str(static_root),
            "LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=env,
            check=True,
            cwd=settings.BASE_DIR,
        )
        gunicorn = [sys.executable, "-m", "gunicorn", "vcs_portal.wsgi", "--workers", str(workers)]
        server = subprocess.Popen(
            [*gunicorn, "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"],
            env=env,
            cwd=settings.BASE_DIR,
        )
        try:
            for _ in range(100):
                try:
                    if _Browser(port).request("GET", "/healthz/")[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.2)
            else:
                raise CommandError("gunicorn did not start")
            yield
        finally:
            server.terminate()
            server.wait(timeout=30)
            shutil.rmtree(static_root, ignore_errors=True)

    def _sign_in(self, port: int, user: User) -> str:
        browser = _Browser(port)
        status, location = browser.post_form(
            reverse("core:login"), {"username": user.email, "password": PASSWORD}
        )
        if status != 302 or "security-code" not in location:
            raise CommandError(f"Sign-in refused for {user.email} ({status} {location})")
        device = self.devices[user.pk]
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        status, _ = browser.post_form(reverse("core:mfa_verify"), {"code": code})
        if status != 302:
            raise CommandError(f"Security code refused for {user.email} ({status})")
        self.session_keys.append(browser.cookies.get(settings.SESSION_COOKIE_NAME, ""))
        return browser.cookie_header()

    # --- the pages and the runs -----------------------------------------------------------------

    def _pages(
        self, vlos: list[User], managers: list[User], sessions: dict[int, str]
    ) -> dict[str, list[tuple[str, str]]]:
        """Per page, (cookie, path) pairs: each user's own URLs, so each request is in scope."""
        pages: dict[str, list[tuple[str, str]]] = {"caseload": [], "case page": [], "search": []}
        for vlo in vlos:
            cookie = sessions[vlo.pk]
            pages["caseload"].append((cookie, reverse("victims:caseload")))
            cases = Case.objects.filter(officer=vlo).select_related("victim").order_by("pk")[:5]
            for case in cases:
                pages["case page"].append((cookie, reverse("cases:detail", args=[case.pk])))
                pages["search"].append((cookie, self._search_url(case)))
        if managers:
            pages["team dashboard"] = [(sessions[m.pk], reverse("dashboards:team")) for m in managers]
        return {page: targets for page, targets in pages.items() if targets and targets[0][1]}

    def _search_url(self, case: Case) -> str:
        try:
            return f"{reverse('cases:search')}?{urlencode({'q': case.victim.last_name})}"
        except NoReverseMatch:  # before the header search exists: the caseload's own search
            return f"{reverse('victims:caseload')}?{urlencode({'search': case.victim.last_name})}"

    def _run(
        self, wrk: str, port: int, page: str, targets: list[tuple[str, str]], connections: int, seconds: int
    ) -> LoadResult:
        with tempfile.TemporaryDirectory(prefix="vcs-bench-load-") as folder:
            script, listing = Path(folder, "rotate.lua"), Path(folder, "targets.tsv")
            script.write_text(LUA)
            listing.write_text("".join(f"{cookie}\t{path}\n" for cookie, path in targets))
            self.stdout.write(f"  {page}: {connections} connections for {seconds} s ...")
            command = [wrk, "-t1", "--timeout", "10s", "-s", str(script)]
            output = subprocess.run(
                [*command, f"-c{connections}", f"-d{seconds}s", f"http://127.0.0.1:{port}"],
                env={**os.environ, "VCS_LOAD_TARGETS": str(listing)},
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        line = next((x for x in output.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            raise CommandError(f"wrk printed no result:\n{output}")
        figures = json.loads(line.removeprefix("RESULT "))
        return LoadResult(
            page=page,
            connections=connections,
            rps=figures["requests"] / figures["seconds"],
            p50=figures["p50"] / 1000,
            p95=figures["p95"] / 1000,
            p99=figures["p99"] / 1000,
            errors=figures["status_errors"] + figures["socket_errors"],
        )

    def _report(self, results: list[LoadResult]) -> None:
        out = self.stdout.write
        header = (
            f"{'page':<16} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
            f"{'errors':>6}  target"
        )
        out("\n" + header)
        out("-" * len(header))
        for r in results:
            target = ""
            if r.page in TARGETS and r.connections == 10:
                rps, p95 = TARGETS[r.page]
                met = r.rps >= rps and r.p95 <= p95
                target = f">= {rps:.0f} req/s, p95 <= {p95:.0f} ms: {'met' if met else 'MISSED'}"
            elif r.connections == 30:
                target = f"zero errors: {'met' if r.errors == 0 else 'MISSED'}"
            out(
                f"{r.page:<16} {r.connections:>5} {r.rps:>8.1f} {r.p50:>8.1f} {r.p95:>8.1f} "
                f"{r.p99:>8.1f} {r.errors:>6}  {target}"
            )
