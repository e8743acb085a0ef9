"""Migration operations for PostgreSQL features a server may not have.

The embedded PostgreSQL that ``make run`` and ``make test`` start where no DATABASE_URL is set
(pgserver) ships without the contrib extensions, pg_trgm and unaccent among them. Production,
CI and docker-compose's PostgreSQL have them. Name search works on either: without pg_trgm its
indexes are left out (a development server's few rows need none), and without unaccent the name
folding uses a fixed table of the common accented letters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations


def has_extension(schema_editor: Any, name: str) -> bool:
    """Whether the extension is installed in this database."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [name])
        return cursor.fetchone() is not None


class AddIndexIfExtension(migrations.AddIndex):
    """AddIndex that creates the index only where ``extension`` is installed; the state has it always."""

    def __init__(self, model_name: str, index: Any, extension: str) -> None:
        super().__init__(model_name, index)
        self.extension = extension

    def deconstruct(self) -> tuple[str, Sequence[Any], dict[str, Any]]:
        name, args, kwargs = super().deconstruct()
        return name, args, {**kwargs, "extension": self.extension}

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if has_extension(schema_editor, self.extension):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if has_extension(schema_editor, self.extension):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
