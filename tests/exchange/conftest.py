"""Fixtures for the exchange: a client in region A (and one in region B), cases to match, the API."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from tests.exchange.factories import api_client_make
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.celery import app
from victims.models import CaseStatus, ContactLevel

TODAY = dt.datetime(2026, 4, 21, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_today():
    """The cases below were referred on 1 April 2026; the events come after."""
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture(autouse=True)
def eager_tasks():
    """Queued tasks run in the test's process (after commit), not in a worker."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def prison(region_a):
    """A client system in region A with every operation, and its token."""
    return api_client_make(region_a, name="HMPPS prison events (test)")


@pytest.fixture
def prison_b(region_b):
    return api_client_make(region_b, name="Wales prison events (test)")


@pytest.fixture
def case(team_a1, vlo):
    """An opted-in case, all key stages, of an offender with prison number A1234BC."""
    case = CaseFactory(
        team=team_a1,
        officer=vlo,
        status=CaseStatus.OPTED_IN,
        contact_level=ContactLevel.ALL_KEY_STAGES,
        offender__prison_number="A1234BC",
        offender__pnc_number="85/1234567A",
    )
    AddressFactory(victim=case.victim)
    return case


@pytest.fixture
def case_b(team_b1, outsider):
    """A case in region B: the offender has prison number B7654CD."""
    return CaseFactory(
        team=team_b1,
        officer=outsider,
        status=CaseStatus.OPTED_IN,
        contact_level=ContactLevel.ALL_KEY_STAGES,
        offender__prison_number="B7654CD",
    )


class ApiCaller:
    """Calls the API with a token, as a prison-side system would (no session, no CSRF token)."""

    def __init__(self, token: str | None) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.token = token

    def _headers(self, headers: dict[str, str]) -> dict[str, str]:
        if self.token:
            headers = {"Authorization": f"Bearer {self.token}", **headers}
        return headers

    def post(self, path: str, body: Any, *, raw: bytes | None = None, **headers: str):
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(
            path, data=data, content_type="application/json", headers=self._headers(headers)
        )

    def get(self, path: str, **headers: str):
        return self.client.get(path, headers=self._headers(headers))

    def delete(self, path: str, **headers: str):
        return self.client.delete(path, headers=self._headers(headers))


@pytest.fixture
def api(prison) -> ApiCaller:
    return ApiCaller(prison[1])


@pytest.fixture
def api_b(prison_b) -> ApiCaller:
    return ApiCaller(prison_b[1])


@pytest.fixture
def anonymous_api() -> ApiCaller:
    return ApiCaller(None)
