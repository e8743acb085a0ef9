"""A dump restores into a fresh database on which the smoke checks pass."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tests.victims.factories import CaseFactory
from vcs_portal.core.backup import backup, find_tool, restore

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]

SMOKE = """
import django
django.setup()
from django.db import connection, DatabaseError, transaction
from victims.models import Case
from offenders.models import Offence
from vcs_portal.core.models import AuditEvent
assert Case.objects.filter(reference=REF).exists(), "case missing"
assert Offence.objects.count() >= 150, "catalogue missing"
event = AuditEvent.objects.first()
try:
    with transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="tampered")
    raise SystemExit("audit trigger missing")
except DatabaseError:
    pass
print("smoke ok")
"""


def _url_for(dbname: str) -> str:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or "127.0.0.1"
    if host.startswith("/"):
        # A unix socket (the embedded server): the form django-environ reads as HOST=<dir>.
        return f"postgres://{db['USER']}@/{quote(host, safe='')}/{dbname}"
    return f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{host}:{db.get('PORT') or 5432}/{dbname}"


def test_dump_restores_into_a_fresh_database_that_passes_the_smoke_checks(tmp_path, vlo):
    from vcs_portal.core.audit import audit_record
    from vcs_portal.core.models import AuditAction

    case = CaseFactory(team=vlo.team, officer=vlo)
    audit_record(actor=vlo, action=AuditAction.VIEW, obj=case)
    dump = backup(tmp_path / "vcs.dump")
    assert dump.stat().st_size > 0
    target = f"restore_{uuid.uuid4().hex[:10]}"
    try:
        restore(dump, target=target)
        env = {
            **os.environ,
            "DATABASE_URL": _url_for(target),
            "DJANGO_SETTINGS_MODULE": "vcs_portal.settings.test",
        }
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        smoke = subprocess.run(
            [sys.executable, "-c", f"REF={case.reference!r}\n" + SMOKE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert smoke.returncode == 0, smoke.stdout + smoke.stderr
        assert "smoke ok" in smoke.stdout
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_the_client_tools_found_are_new_enough():
    assert "pg_dump" in find_tool("pg_dump")
