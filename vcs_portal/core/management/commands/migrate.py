"""``migrate`` as the owner role, then the application role's rights on every table.

Django's own command, run through ``DATABASE_OWNER_URL`` when it is set: the application role
(``DATABASE_URL``) may not create or alter tables, and every new table must end up with the
right grants before the web, worker and beat use it (``db_roles.roles_grant``). Without an
owner URL (the test suite, a single-role development database) it is Django's command unchanged.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

from vcs_portal.core.db_roles import RoleSetupError, connection_as, roles_grant


class Command(migrate.Command):
    help = migrate.Command.help + " Runs as the owner role (DATABASE_OWNER_URL) when it is set."

    def handle(self, *args: Any, **options: Any) -> None:
        owner = settings.VCS_DATABASE_OWNER
        if not owner or options["database"] != DEFAULT_DB_ALIAS:
            super().handle(*args, **options)
            return
        app_role = connections[DEFAULT_DB_ALIAS].settings_dict["USER"]
        with connection_as(owner):
            super().handle(*args, **options)
            try:
                report = roles_grant(using=DEFAULT_DB_ALIAS, app_role=app_role)
            except RoleSetupError as exc:
                raise CommandError(f"{exc} Run `manage.py db_setup_roles` (see docs/deployment.md).") from exc
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Granted {report.app_role!r} its rights "
                f"({len(report.append_only_tables)} append-only tables)."
            )
        return None
