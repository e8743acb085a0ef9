"""manage.py api_client_create and api_client_token, as an admin runs them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.exchange.conftest import ApiCaller
from vcs_portal.exchange.models import ApiClient

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_prints_a_token_that_works(region_a):
    output = _run(
        "api_client_create", "--name", "NOMIS events", "--region", region_a.code, "--operations", "events"
    )

    token = output.strip().splitlines()[-1]
    assert token.startswith("vcs_")
    client = ApiClient.objects.get(name="NOMIS events")
    assert client.operations == ["events"]
    assert ApiCaller(token).post("/api/v1/events", {}).status_code == 422  # authenticated, then malformed


def test_create_refuses_an_unknown_region(db):
    with pytest.raises(CommandError, match="No region"):
        _run("api_client_create", "--name", "X", "--region", "nowhere")


def test_create_refuses_a_name_in_use(region_a):
    _run("api_client_create", "--name", "NOMIS events", "--region", region_a.code)

    with pytest.raises(CommandError, match="already exists"):
        _run("api_client_create", "--name", "nomis EVENTS", "--region", region_a.code)


def test_rotate_then_revoke(region_a):
    old = (
        _run("api_client_create", "--name", "NOMIS events", "--region", region_a.code)
        .strip()
        .splitlines()[-1]
    )

    new = _run("api_client_token", "NOMIS events", "--rotate").strip().splitlines()[-1]
    assert ApiCaller(old).get("/api/v1/webhooks").status_code == 401
    assert ApiCaller(new).get("/api/v1/webhooks").status_code == 200

    _run("api_client_token", "NOMIS events", "--revoke")
    assert ApiCaller(new).get("/api/v1/webhooks").status_code == 401
