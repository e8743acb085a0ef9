"""docs/api_client.py against a live server, as a prison-side developer runs it: a client made
with the command, a recall sent twice, one task "Tell the victim: Recall"."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from contacts.models import Task, TaskKind
from tests.victims.factories import CaseFactory
from victims.models import CaseStatus, ContactLevel

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "api_client.py"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def frozen_today():
    """Real time here: the live server and the script share the clock (overrides the package's)."""
    yield


def _script(live_server, token: str, *args: str) -> tuple[int, dict]:
    env = {**os.environ, "VCS_API": f"{live_server.url}/api/v1", "VCS_TOKEN": token}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    status, _, body = done.stdout.partition("\n")
    return int(status), json.loads(body)


def test_a_recall_sent_twice_by_the_script_makes_one_task(live_server, vlo, region_a):
    today = timezone.localdate()
    case = CaseFactory(
        team=vlo.team,
        officer=vlo,
        status=CaseStatus.OPTED_IN,
        contact_level=ContactLevel.ALL_KEY_STAGES,
        offender__prison_number="A1002BC",
        sentence__sentence_date=today - dt.timedelta(days=60),
        referral_received_on=today - dt.timedelta(days=30),
    )
    out = StringIO()
    call_command("api_client_create", "--name", "Prison dev", "--region", region_a.code, stdout=out)
    token = out.getvalue().strip().splitlines()[-1]

    first = _script(live_server, token, "event", "A1002BC", "RECALL")
    second = _script(live_server, token, "event", "A1002BC", "RECALL")

    assert first[0] == second[0] == 202
    assert first[1] == second[1]
    tasks = Task.objects.filter(case=case, kind=TaskKind.KEY_EVENT)
    assert [t.title for t in tasks] == ["Tell the victim: Recall"]
