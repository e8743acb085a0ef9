"""Querysets compiled once per process, for the few reads every request makes.

Every signed-in request reads its session, its user and the user's second-factor device, and every
page counts the user's open tasks. Each is a one-row lookup that PostgreSQL answers in a few tens
of microseconds, while the ORM spends several times that building the same SQL again (cloning the
query, resolving lookups, compiling). ``Prepared`` asks the ORM once, for a queryset built with
stand-in values, remembers the SQL and where each stand-in sits among its parameters, and from
then on runs that SQL with the real values, through Django's cursor (so query logging, execute
wrappers and the test suite's query counts see it like any other query).

It is for plain lookups only: a queryset without ``select_related``, ``only``/``defer`` or
annotations, whose changing values appear as parameters, never in the SQL text; ``Prepared``
checks both when it compiles, and refuses what it cannot run faithfully. Anything that changes
the query's shape rather than its values (a role, whether a user has a team) is passed as
``fixed``: it goes to the builder as it is, and each combination is compiled on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections, models

M = TypeVar("M", bound=models.Model)


class _StandIn:
    """Values no caller passes, one per argument, that mark where each argument lands in the SQL's
    parameters. Of the argument's own type, because fields prepare values by type."""

    @staticmethod
    def make(sample: Any, position: int) -> Any:
        if isinstance(sample, bool):
            raise TypeError("Prepared cannot stand in for a boolean: pass it as a constant")
        if isinstance(sample, int):
            return -1_900_000_000 - position  # fits every integer column; ids are never negative
        if isinstance(sample, str):
            return f"\x00prepared-{position}\x00"
        if isinstance(sample, dt.datetime):
            return dt.datetime(1, 1, 1, 0, 0, 0, 900_000 + position, tzinfo=sample.tzinfo)
        raise TypeError(f"Prepared cannot stand in for a {type(sample).__name__}")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (index in params, index of the argument)
    fields: tuple[str, ...]  # attnames of the selected columns, in order
    model: Any  # the queryset's model class
    converters: dict[int, Any]  # the fields' from_db_value converters, by column (as the ORM applies them)
    empty: bool = False  # the ORM found the query can match nothing (``pk__in=[]``) and runs no SQL


class Prepared(Generic[M]):
    """``build(*args)`` returns a queryset; ``first(*args)`` runs its SQL and returns one object,
    ``count(*args)`` counts its rows.

    ``args`` are the values that change between calls (ids, keys, the time), given to the builder
    as stand-ins when it first compiles; ``fixed`` values follow them, given as they are, and are
    part of what is compiled (one SQL per database and combination of ``fixed``).
    """

    def __init__(self, build: Callable[..., models.QuerySet[M]]) -> None:
        self._build = build
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}

    def _compile(self, using: str, args: Sequence[Any], fixed: tuple[Any, ...], count: bool) -> _Compiled:
        stand_ins = [_StandIn.make(arg, n) for n, arg in enumerate(args)]
        queryset = self._build(*stand_ins, *fixed).using(using)
        query = queryset.query
        if query.select_related or query.deferred_loading[0] or query.annotations or query.extra:
            raise ValueError("Prepared runs plain lookups only (no select_related, only, defer or annotate)")
        if count:
            query = queryset.order_by().values("pk").query
        compiler = query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _Compiled("", (), (), (), queryset.model, {}, empty=True)
        columns = [col for col, _, _ in compiler.select]
        fields = tuple(col.target.attname for col in columns)
        if count:
            # The ORM's own SQL, its values all parameters.
            sql, fields, converters = f"SELECT COUNT(*) FROM ({sql}) prepared", (), {}  # noqa: S608
        elif fields != tuple(f.attname for f in queryset.model._meta.concrete_fields):
            raise ValueError("Prepared selects a whole row of its model")
        else:
            converters = compiler.get_converters(columns)
        for stand_in in stand_ins:
            if str(stand_in) in sql:
                raise ValueError("Prepared: an argument was written into the SQL, not passed as a parameter")
        slots = tuple(
            (index, n)
            for index, value in enumerate(params)
            for n, stand_in in enumerate(stand_ins)
            if type(value) is type(stand_in) and value == stand_in
        )
        return _Compiled(sql, tuple(params), slots, fields, queryset.model, converters)

    def _run(
        self, args: Sequence[Any], fixed: tuple[Any, ...], using: str, count: bool
    ) -> tuple[_Compiled, tuple[Any, ...] | None]:
        key = (using, count, fixed, tuple(type(arg) for arg in args))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(using, args, fixed, count)
        if compiled.empty:
            return compiled, None
        params = list(compiled.params)
        for index, n in compiled.slots:
            params[index] = args[n]
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            return compiled, cursor.fetchone()

    def first(self, *args: Any, fixed: tuple[Any, ...] = (), using: str = "default") -> M | None:
        """The first row as a model object (the queryset's own order), or None."""
        compiled, row = self._run(args, fixed, using, count=False)
        if row is None:
            return None
        values = list(row)
        connection = connections[using]
        for position, (functions, expression) in compiled.converters.items():
            for convert in functions:
                values[position] = convert(values[position], expression, connection)
        return compiled.model.from_db(using, list(compiled.fields), values)

    def count(self, *args: Any, fixed: tuple[Any, ...] = (), using: str = "default") -> int:
        """How many rows the queryset has."""
        _, row = self._run(args, fixed, using, count=True)
        return int(row[0]) if row else 0
