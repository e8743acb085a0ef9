"""Acceptance 1: as the application's database role, an attacker cannot wipe or rewrite the audit.

The suite itself runs as the owner (it creates the test database and empties tables between
transactional tests). These tests open a second connection as the application role, the one the
web, worker and beat use: the role from DATABASE_URL when it differs from the owner (CI, the
embedded default), otherwise a role named after the test database, created once and never dropped
(roles are shared by every database on the cluster, so concurrent runs must not clash).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from psycopg2 import errors

from vcs_portal.core.db_roles import append_only_tables, role_ensure, roles_grant

pytestmark = pytest.mark.django_db  # the test database must exist; the attacks use their own connection

REFUSED = (errors.InsufficientPrivilege,)


def _app_role() -> tuple[str, str | None]:
    """The application role to attack with, and its password."""
    configured = settings.VCS_DATABASE_APP
    if configured.get("USER") and configured["USER"] != connection.settings_dict["USER"]:
        return configured["USER"], configured.get("PASSWORD") or None
    role = f"{connection.settings_dict['NAME']}_app"[:63]
    password = secrets.token_urlsafe(24)
    if not role_ensure(using="default", role=role, password=password):
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER ROLE {connection.ops.quote_name(role)} PASSWORD %s", [password])
    return role, password


@pytest.fixture(scope="module")
def app_login(django_db_setup: Any, django_db_blocker: Any) -> dict[str, Any]:
    """Grant the application role its rights on the test database (committed), as ``migrate`` does."""
    with django_db_blocker.unblock():
        role, password = _app_role()
        roles_grant(using="default", app_role=role)
        database = connection.settings_dict
        login = {"dbname": database["NAME"], "user": role, "password": password or ""}
        if database.get("HOST"):
            login["host"] = database["HOST"]
        if database.get("PORT"):
            login["port"] = database["PORT"]
    return login


@pytest.fixture
def as_app(app_login: dict[str, Any]) -> Iterator[Any]:
    """A cursor connected as the application role; everything it does is rolled back."""
    conn = psycopg2.connect(**app_login)
    try:
        yield conn
    finally:
        conn.rollback()
        conn.close()


def refused(conn: Any, sql: str) -> bool:
    """True if PostgreSQL refuses ``sql`` for lack of privilege (the transaction is then reset)."""
    with conn.cursor() as cursor:
        try:
            cursor.execute(sql)
        except REFUSED:
            conn.rollback()
            return True
    conn.rollback()
    return False


def test_app_role_cannot_truncate_the_audit_table(as_app):
    assert refused(as_app, "TRUNCATE core_auditevent")


def test_app_role_cannot_disable_the_audit_trigger_or_alter_the_table(as_app):
    assert refused(as_app, "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
    assert refused(as_app, "ALTER TABLE core_auditevent DISABLE TRIGGER ALL")
    assert refused(as_app, "ALTER TABLE core_auditevent ADD COLUMN note text")
    assert refused(as_app, "DROP TABLE core_auditevent")


def test_app_role_cannot_switch_off_triggers_with_session_replication_role(as_app):
    assert refused(as_app, "SET session_replication_role = replica")
    assert refused(as_app, "SELECT set_config('session_replication_role', 'replica', false)")


def test_app_role_cannot_update_delete_or_truncate_any_audit_or_history_table(as_app):
    tables = append_only_tables()
    assert len(tables) > 10  # the audit log and every django-pghistory event table
    for table in tables:
        column = "summary" if table == "core_auditevent" else "pgh_label"
        # Table names come from the models, never from input.
        assert refused(as_app, f'UPDATE "{table}" SET {column} = {column}'), table  # noqa: S608
        assert refused(as_app, f'DELETE FROM "{table}"'), table  # noqa: S608
        assert refused(as_app, f'TRUNCATE "{table}"'), table
        assert refused(as_app, f'ALTER TABLE "{table}" DISABLE TRIGGER ALL'), table


def test_app_role_cannot_grant_itself_back_the_rights(as_app, app_login):
    assert refused(as_app, f'GRANT DELETE ON core_auditevent TO "{app_login["user"]}"') or _still_no_delete(
        as_app
    )
    assert refused(as_app, f'ALTER ROLE "{app_login["user"]}" SUPERUSER')


def _still_no_delete(conn: Any) -> bool:
    """A GRANT by a non-owner is a warning, not an error: prove it granted nothing."""
    return refused(conn, "DELETE FROM core_auditevent")


def test_app_role_cannot_use_history_forget_on_the_audit_or_ordinary_tables(as_app):
    assert refused(as_app, "SELECT vcs_history_forget('core_auditevent'::regclass, ARRAY[1]::bigint[])")
    assert refused(as_app, "SELECT vcs_history_forget('core_user'::regclass, ARRAY[1]::bigint[])")


def test_app_role_still_reads_and_appends_to_the_audit(as_app):
    with as_app.cursor() as cursor:
        columns = "at, action, object_type, object_id, summary, session_hash, path, changes"
        values = "now(), 'view', '', '', 'role test', '', '', '{}'"
        cursor.execute(f"INSERT INTO core_auditevent ({columns}) VALUES ({values}) RETURNING id")  # noqa: S608
        assert cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM core_auditevent")
        assert cursor.fetchone()[0] >= 1
        cursor.execute("UPDATE core_region SET name = name")  # ordinary tables stay writable
        cursor.execute("SELECT vcs_history_forget('victims_addresshistory'::regclass, ARRAY[]::bigint[])")
        assert cursor.fetchone()[0] == 0
