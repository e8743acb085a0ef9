"""Create the application's database roles if missing, and grant the application role its rights.

Idempotent and safe to run at any time. Plain ``db_setup_roles`` runs as the owner
(``DATABASE_OWNER_URL``) and grants; ``--bootstrap`` first connects as a superuser
(``DATABASE_ADMIN_URL``) to create both roles and make the owner own the database. See
docs/deployment.md, "Database roles".
"""

from __future__ import annotations

from typing import Any

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from vcs_portal.core.db_roles import (
    RoleSetupError,
    connection_as,
    database_bootstrap,
    role_ensure,
    roles_grant,
)


class Command(BaseCommand):
    help = "Create the owner and application database roles if missing; grant the application role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--bootstrap",
            action="store_true",
            help="First connect as DATABASE_ADMIN_URL (a superuser): create both roles, "
            "and make the owner own the database.",
        )
        parser.add_argument(
            "--owner-createdb",
            action="store_true",
            help="With --bootstrap: let the owner create databases (only where the test suite runs as it).",
        )

    def handle(self, *args: Any, bootstrap: bool, owner_createdb: bool, **options: Any) -> None:
        app = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
        owner = settings.VCS_DATABASE_OWNER or app
        try:
            if bootstrap:
                admin_url = environ.Env().str("DATABASE_ADMIN_URL", default="")
                if not admin_url:
                    raise CommandError("--bootstrap needs DATABASE_ADMIN_URL (a superuser of the cluster).")
                with connection_as(environ.Env.db_url_config(admin_url)):
                    database_bootstrap(
                        using=DEFAULT_DB_ALIAS,
                        owner_role=owner["USER"],
                        owner_password=owner.get("PASSWORD") or None,
                        owner_createdb=owner_createdb,
                    )
                    role_ensure(
                        using=DEFAULT_DB_ALIAS, role=app["USER"], password=app.get("PASSWORD") or None
                    )
            with connection_as(owner):
                role_ensure(using=DEFAULT_DB_ALIAS, role=app["USER"], password=app.get("PASSWORD") or None)
                report = roles_grant(using=DEFAULT_DB_ALIAS, app_role=app["USER"])
        except RoleSetupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Role {report.app_role!r}: row rights granted; INSERT and SELECT only on "
            f"{len(report.append_only_tables)} audit and history tables."
        )
