"""The shared cast of users, signed-in clients, a stopped clock, a case builder and browser settings.

Region A has two teams; region B one. Alice and Bob are VLOs in team A1, Carol a VLO
in team A2, Olga a VLO in region B (the outsider), Mo manages team A1, Rita is
the regional manager for A and Ada an admin in A.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from offenders.models import SentenceType
from tests.factories import (
    AdminFactory,
    ManagerFactory,
    RegionFactory,
    TeamFactory,
    TOTPDeviceFactory,
    UserFactory,
)
from tests.offenders.factories import SentenceOffenceFactory
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.core.models import Role, User
from victims.models import Case

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


# --- reference data -----------------------------------------------------------


@pytest.fixture(autouse=True)
def offence_catalogue(request: pytest.FixtureRequest) -> None:
    """The offence catalogue and the prison register, as the data migrations load them.

    Transactional tests (the browser ones) empty every table when they finish, so a
    later test would otherwise find no offences. Loaded only for tests that use the database.
    """
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        names & {"transactional_db", "live_server"}
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from offenders.catalogue import catalogue_load
    from offenders.models import Establishment, Offence
    from offenders.register import register_load

    if not Offence.objects.exists():
        catalogue_load(Offence)
    if not Establishment.objects.exists():  # the prison register, loaded by the same migration kind
        register_load(Establishment)


# --- places -------------------------------------------------------------------


@pytest.fixture
def region_a(db):
    return RegionFactory(name="North West", code="nw")


@pytest.fixture
def region_b(db):
    return RegionFactory(name="Wales", code="wales", in_wales=True)


@pytest.fixture
def team_a1(region_a):
    return TeamFactory(region=region_a, name="Manchester")


@pytest.fixture
def team_a2(region_a):
    return TeamFactory(region=region_a, name="Liverpool")


@pytest.fixture
def team_b1(region_b):
    return TeamFactory(region=region_b, name="Cardiff")


# --- the cast -----------------------------------------------------------------


@pytest.fixture
def vlo(team_a1) -> User:
    return UserFactory(email="alice@probation.example.gov.uk", first_name="Alice", team=team_a1)


@pytest.fixture
def teammate(team_a1) -> User:
    return UserFactory(email="bob@probation.example.gov.uk", first_name="Bob", team=team_a1)


@pytest.fixture
def other_team_vlo(team_a2) -> User:
    return UserFactory(email="carol@probation.example.gov.uk", first_name="Carol", team=team_a2)


@pytest.fixture
def outsider(team_b1) -> User:
    return UserFactory(email="olga@probation.example.gov.uk", first_name="Olga", team=team_b1)


@pytest.fixture
def manager(team_a1) -> User:
    return ManagerFactory(
        email="mo@probation.example.gov.uk", first_name="Mo", region=team_a1.region, managed_teams=[team_a1]
    )


@pytest.fixture
def regional_manager(region_a) -> User:
    return ManagerFactory(
        email="rita@probation.example.gov.uk", first_name="Rita", region=region_a, is_regional_manager=True
    )


@pytest.fixture
def admin_user(region_a) -> User:
    return AdminFactory(email="ada@probation.example.gov.uk", first_name="Ada", region=region_a)


# --- signed-in clients --------------------------------------------------------


def sign_in(client: Client, user: User) -> Client:
    """Sign ``user`` in with a verified second factor, as if they had entered their code."""
    device = user.totpdevice_set.filter(confirmed=True).first() or TOTPDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def signed_in() -> Callable[[User], Client]:
    """Return a fresh client signed in as the given user."""

    def make(user: User) -> Client:
        return sign_in(Client(), user)

    return make


@pytest.fixture
def vlo_client(vlo, signed_in) -> Client:
    return signed_in(vlo)


@pytest.fixture
def outsider_client(outsider, signed_in) -> Client:
    return signed_in(outsider)


@pytest.fixture
def manager_client(manager, signed_in) -> Client:
    return signed_in(manager)


@pytest.fixture
def admin_client_verified(admin_user, signed_in) -> Client:
    return signed_in(admin_user)


# --- the clock -----------------------------------------------------------------


@pytest.fixture
def frozen_day(request: pytest.FixtureRequest) -> dt.date | dt.datetime:
    """The day ``frozen_today`` stops the clock on: the test module's ``TODAY``.

    A conftest whose modules share one day overrides this fixture instead (tests/letters).
    """
    return request.module.TODAY


@pytest.fixture
def frozen_today(request: pytest.FixtureRequest, frozen_day: dt.date | dt.datetime) -> Iterator[Any]:
    """The clock stopped at noon UTC on ``frozen_day`` (a datetime is the exact moment).

    A module that sets ``CLOCK_TICKS = True`` lets the clock run on from there (pages that time a
    session). Yields the traveller, so a test can ``frozen_today.move_to(...)``.
    """
    moment = (
        frozen_day
        if isinstance(frozen_day, dt.datetime)
        else dt.datetime.combine(frozen_day, dt.time(12, 0), tzinfo=dt.UTC)
    )
    with time_machine.travel(moment, tick=getattr(request.module, "CLOCK_TICKS", False)) as traveller:
        yield traveller


# --- cases --------------------------------------------------------------------


@pytest.fixture
def make_case(vlo: User) -> Callable[..., Case]:
    """Build a case with CaseFactory, held by ``officer`` (Alice unless given) in the officer's team.

    ``offence=True`` adds a qualifying offence to the sentence; ``address=True`` (or a dict of
    its fields) gives the victim a current address; ``sentence_type`` makes the sentence of that
    type from ``sentence_date`` (8 years when determinate, no length otherwise); ``days_overdue``
    puts the first-contact deadline that many days before today (referred four weeks before it).
    A test module with defaults of its own narrows this fixture (``functools.partial``).
    """

    def make(
        officer: User | None = None,
        *,
        offence: bool = False,
        address: bool | dict[str, Any] = False,
        sentence_type: str | None = None,
        sentence_date: dt.date = dt.date(2012, 3, 1),
        days_overdue: int | None = None,
        **fields: Any,
    ) -> Case:
        officer = officer or vlo
        fields.setdefault("team", officer.team)
        if sentence_type is not None:
            fields.setdefault("sentence__sentence_type", sentence_type)
            fields.setdefault("sentence__sentence_date", sentence_date)
            fields.setdefault("sentence__years", 8 if sentence_type == SentenceType.DETERMINATE else None)
        if days_overdue is not None:
            today = timezone.localdate()
            fields["first_contact_due"] = today - dt.timedelta(days=days_overdue)
            fields["referral_received_on"] = today - dt.timedelta(days=days_overdue + 28)
        case = CaseFactory(officer=officer, **fields)
        if offence:
            SentenceOffenceFactory(sentence=case.sentence)
        if address:
            extra = address if isinstance(address, dict) else {}
            AddressFactory(victim=case.victim, recorded_by=case.officer, **extra)
        return case

    return make


# --- browser ------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Debian's Chromium, never a downloaded build. Missing under CI is a failure."""
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(f"Chromium is missing at {CHROMIUM}: CI must install it (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium); CI installs it")
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def pytest_configure(config: pytest.Config) -> None:
    # Playwright's sync API runs an event loop in the test thread; Django's ORM is safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def role() -> type[Role]:
    return Role
