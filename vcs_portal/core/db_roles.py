"""The two database roles: the owner changes the schema, the application role only reads and writes rows.

The web, worker and beat connect as the application role (``DATABASE_URL``). It owns nothing, so it
can never ALTER, DROP or DISABLE TRIGGER on a table; it is never a superuser, so it cannot SET
``session_replication_role``; and on the audit log and every write-history table it holds INSERT and
SELECT only: no UPDATE, DELETE or TRUNCATE. Migrations run as the owner (``DATABASE_OWNER_URL``; the
``migrate`` command connects as it), and both ``migrate`` and ``db_setup_roles`` then call
``roles_grant`` so that every table, including a new one, has exactly these rights.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pghistory.models
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from .models import AuditEvent

SCHEMA = "public"
# The one way the application may remove write history: the retention sweep's anonymising
# (migration 0004). It is SECURITY DEFINER, takes only pghistory event tables, and audits itself.
HISTORY_FORGET_FUNCTION = "vcs_history_forget(regclass, bigint[])"


class RoleSetupError(RuntimeError):
    """The roles are not as they must be; the message says what to fix."""


@dataclass(frozen=True)
class RoleReport:
    app_role: str
    created: bool
    append_only_tables: tuple[str, ...]


CONNECTION_KEYS = ("NAME", "USER", "PASSWORD", "HOST", "PORT")


@contextmanager
def connection_as(database: dict[str, Any], *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Connect ``using`` with another role's URL (``env.db`` dict) for the block, then as before.

    ``migrate`` and ``db_setup_roles`` use this so that everything they run, data migrations
    included (they use the default alias), goes through the owner's connection.
    """
    connection = connections[using]
    saved = {key: connection.settings_dict.get(key) for key in CONNECTION_KEYS}
    connection.close()
    connection.settings_dict.update({key: database.get(key, saved[key]) for key in CONNECTION_KEYS})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def append_only_tables() -> list[str]:
    """The audit log and every django-pghistory event table: rows may be added, never changed."""
    history = {
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, pghistory.models.Event) and model._meta.managed and not model._meta.proxy
    }
    return [AuditEvent._meta.db_table, *sorted(history)]


def _quote(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def _may_create_roles(cursor) -> bool:
    cursor.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    return bool(row and row[0])


def _role_exists(cursor, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def role_ensure(*, using: str, role: str, password: str | None, attributes: str = "") -> bool:
    """Create ``role`` (LOGIN, none of the dangerous attributes) if missing; True if created here.

    Roles are cluster-wide and other processes may race to create the same one, so a
    "duplicate" error from a concurrent creation counts as success. An existing role is
    never altered here except for its password, and never dropped.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if _role_exists(cursor, role):
            return False
        if not _may_create_roles(cursor):
            who = connection.settings_dict["USER"]
            raise RoleSetupError(
                f"Role {role!r} does not exist and {who!r} may not create roles: create it, or run "
                "`manage.py db_setup_roles --bootstrap` with DATABASE_ADMIN_URL set."
            )
        statement = (
            f"CREATE ROLE {_quote(connection, role)} LOGIN NOSUPERUSER NOCREATEROLE NOREPLICATION "
            f"NOBYPASSRLS {attributes or 'NOCREATEDB'}"
        )
        params: list[str] = []
        if password:
            statement += " PASSWORD %s"
            params.append(password)
        try:
            with transaction.atomic(using=using):
                cursor.execute(statement, params)
        except DatabaseError:
            if _role_exists(cursor, role):  # created meanwhile by a concurrent run
                return False
            raise
        return True


def role_check(*, using: str, role: str) -> None:
    """Refuse an application role that could rewrite the audit: a superuser, an owner, a role-maker."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls "
            "FROM pg_roles WHERE rolname = %s",
            [role],
        )
        row = cursor.fetchone()
        if row is None:
            raise RoleSetupError(f"The application role {role!r} does not exist.")
        if any(row):
            raise RoleSetupError(
                f"The application role {role!r} must have none of SUPERUSER, CREATEROLE, CREATEDB, "
                "REPLICATION or BYPASSRLS."
            )
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role:
            raise RoleSetupError("The application role must differ from the owner role that runs migrations.")
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = %s)",
            [role],
        )
        owned = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname = current_database() "
            "AND datdba = (SELECT oid FROM pg_roles WHERE rolname = %s)",
            [role],
        )
        owned += cursor.fetchone()[0]
        if owned:
            raise RoleSetupError(
                f"The application role {role!r} owns {owned} object(s) in this database; "
                "make the owner role own them (ALTER ... OWNER TO)."
            )


def roles_grant(*, using: str, app_role: str) -> RoleReport:
    """Give ``app_role`` row rights on every table, and on the append-only ones INSERT and SELECT only.

    Run as the owner of the tables, after every migration. Everything is revoked first, so a
    right granted by hand does not survive. Tables created later get SELECT and INSERT only
    (default privileges) until this runs again: a new table fails closed, never open.
    """
    role_check(using=using, role=app_role)
    connection = connections[using]
    role = _quote(connection, app_role)
    schema = _quote(connection, SCHEMA)
    append_only = append_only_tables()
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        database = _quote(connection, cursor.fetchone()[0])
        for statement in (
            f"GRANT CONNECT ON DATABASE {database} TO {role}",
            f"REVOKE CREATE ON DATABASE {database} FROM {role}",
            f"GRANT USAGE ON SCHEMA {schema} TO {role}",
            f"REVOKE CREATE ON SCHEMA {schema} FROM {role}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT ON TABLES TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        ):
            cursor.execute(statement)
        for table in append_only:
            cursor.execute("SELECT to_regclass(%s)", [f"{SCHEMA}.{table}"])
            if cursor.fetchone()[0] is None:
                continue  # not migrated yet: the default privileges above give it SELECT, INSERT only
            cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {_quote(connection, table)} FROM {role}")
        cursor.execute("SELECT to_regprocedure(%s)", [HISTORY_FORGET_FUNCTION])
        if cursor.fetchone()[0] is not None:
            cursor.execute(f"REVOKE ALL ON FUNCTION {HISTORY_FORGET_FUNCTION} FROM PUBLIC")
            cursor.execute(f"GRANT EXECUTE ON FUNCTION {HISTORY_FORGET_FUNCTION} TO {role}")
    return RoleReport(app_role=app_role, created=False, append_only_tables=tuple(append_only))


def database_bootstrap(
    *, using: str, owner_role: str, owner_password: str | None, owner_createdb: bool = False
) -> bool:
    """As a superuser: create the owner role and make it own the database and its schema objects.

    For a fresh database and for one first set up under a single superuser (the old
    docker-compose and embedded defaults). Returns True if the owner role was created here. The
    owner needs CREATEDB only where the test suite runs as it (the embedded default and CI).
    """
    connection = connections[using]
    created = role_ensure(
        using=using,
        role=owner_role,
        password=owner_password,
        attributes="CREATEDB" if owner_createdb else "NOCREATEDB",
    )
    owner = _quote(connection, owner_role)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if owner_createdb:
            cursor.execute("SELECT rolcreatedb FROM pg_roles WHERE rolname = %s", [owner_role])
            if not cursor.fetchone()[0]:
                cursor.execute(f"ALTER ROLE {owner} CREATEDB")
        cursor.execute("SELECT current_database()")
        cursor.execute(f"ALTER DATABASE {_quote(connection, cursor.fetchone()[0])} OWNER TO {owner}")
        # Tables, sequences and views, then functions, owned by anyone else in the schema.
        cursor.execute(
            "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
            "AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = %s) "
            # A column's own sequence (serial, identity) follows its table.
            "AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid "
            "AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))) "
            "ORDER BY c.relkind = 'S', c.relname",
            [SCHEMA, owner_role],
        )
        schema = _quote(connection, SCHEMA)
        kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
        for name, kind in cursor.fetchall():
            cursor.execute(f"ALTER {kinds[kind]} {schema}.{_quote(connection, name)} OWNER TO {owner}")
        cursor.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = %s AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = %s)",
            [SCHEMA, owner_role],
        )
        for (signature,) in cursor.fetchall():
            cursor.execute(f"ALTER FUNCTION {signature} OWNER TO {owner}")
    return created
