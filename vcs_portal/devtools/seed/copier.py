"""Writing rows with PostgreSQL COPY: ids reserved from the sequences, model defaults filled in,
encrypted fields encrypted on the way."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from vcs_portal.core.fields import ENCRYPTED_FIELD_TYPES


def _cell(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, list | dict):
        return _cell(json.dumps(value))
    return str(value)


class Copier:
    """Writes rows to a model's table with COPY; columns left out get the model's default."""

    BATCH = 50_000

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.counts: dict[str, int] = {}

    def reserve_ids(self, model: type[models.Model], n: int) -> int:
        """Take ``n`` consecutive ids from the table's identity sequence; returns the first."""
        if n <= 0:
            return 0
        table = model._meta.db_table
        self.cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = self.cursor.fetchone()
        self.cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = self.cursor.fetchone()
        self.cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
        return int(first)

    def _defaults(self, model: type[models.Model], columns: list[str]) -> tuple[list[str], list[str]]:
        """The columns the caller left out, with their defaults as COPY cells."""
        now = timezone.now()
        names, cells = [], []
        for f in model._meta.concrete_fields:
            if f.primary_key or f.column in columns or f.attname in columns:
                continue
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                value: Any = now
            else:
                value = f.get_default()
            if isinstance(value, models.Model):
                value = value.pk
            names.append(f.column)
            cells.append(_cell(value))
        return names, cells

    def copy(self, model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> int:
        table = model._meta.db_table
        extra_names, extra_cells = self._defaults(model, columns)
        suffix = ("\t" + "\t".join(extra_cells)) if extra_cells else ""
        rows = self._encrypting(model, columns, rows)
        sql = f'COPY "{table}" ({", ".join(f"{c}" for c in [*columns, *extra_names])}) FROM STDIN'
        total = 0
        buffer = io.StringIO()
        pending = 0
        for row in rows:
            buffer.write("\t".join(map(_cell, row)))
            buffer.write(suffix)
            buffer.write("\n")
            pending += 1
            if pending >= self.BATCH:
                total += self._flush(sql, buffer)
                buffer, pending = io.StringIO(), 0
        if pending:
            total += self._flush(sql, buffer)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + total
        return total

    @staticmethod
    def _encrypting(model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> Iterable[tuple]:
        """Encrypt the values of encrypted fields (contact details) as the ORM would store them."""
        by_column = {f.column: f for f in model._meta.concrete_fields}
        secret = [
            (i, by_column[c])
            for i, c in enumerate(columns)
            if isinstance(by_column.get(c), ENCRYPTED_FIELD_TYPES)
        ]
        if not secret:
            return rows

        def encrypt(row: tuple) -> tuple:
            values = list(row)
            for i, f in secret:
                values[i] = f.get_prep_value(values[i])
            return tuple(values)

        return map(encrypt, rows)

    def _flush(self, sql: str, buffer: io.StringIO) -> int:
        data = buffer.getvalue()
        buffer = io.StringIO(data)
        self.cursor.copy_expert(sql, buffer)
        return data.count("\n")
