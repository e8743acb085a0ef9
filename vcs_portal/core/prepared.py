"""Querysets compiled once per process, for the reads every request or every case page makes.

Every signed-in request reads its session, its user and the user's second-factor device; every
page counts the user's open tasks; the case page reads a dozen short lists about one case. Each
is a small read that PostgreSQL answers in tens of microseconds, while the ORM spends several
times that building the same SQL again (cloning the query, resolving lookups, compiling the
ordering and the joins). ``Prepared`` asks the ORM once, for a queryset built with stand-in
values, remembers the SQL and where each stand-in sits among its parameters, and from then on
runs that SQL with the real values through Django's cursor (so query logging, execute wrappers
and the tests' query counts see it like any other query). Rows become objects the way Django's
own ``ModelIterable`` makes them: the same columns, converters, ``select_related`` objects and
annotations.

The rules, checked when it compiles:

- the changing values (``args``) must each reach the SQL as a parameter of their own, never as
  text nor only through a value worked out from them (``today - 28 days``): the SQL is refused
  otherwise;
- anything that changes the query's shape rather than its values (a role, whether a user has a
  team, how many rows) is passed as ``fixed``: it goes to the builder as it is, and each
  combination is compiled on its own;
- only querysets of model objects, without ``prefetch_related`` or ``extra``;
- a list of ids is one argument when it reaches the SQL as one array (``pk__any_of=ids``,
  ``core.lookups``), never through ``__in``, whose SQL changes with the list's length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models.query import ModelIterable, get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql import InsertQuery

M = TypeVar("M", bound=models.Model)


class _StandIn:
    """Values no caller passes, one per argument, that mark where each argument lands in the SQL's
    parameters. Of the argument's own type, because fields prepare values by type."""

    @staticmethod
    def make(sample: Any, position: int) -> Any:
        if isinstance(sample, bool):
            raise TypeError("Prepared cannot stand in for a boolean: pass it as a fixed value")
        if isinstance(sample, int):
            return -1_900_000_000 - position  # fits every integer column; ids are never negative
        if isinstance(sample, list) and all(
            isinstance(item, int) and not isinstance(item, bool) for item in sample
        ):
            # A list of ids, for ``__any_of`` (one array parameter, whatever its length).
            return [-1_900_000_000 - position]
        if isinstance(sample, str):
            return f"\x00prepared-{position}\x00"
        if isinstance(sample, dt.datetime):
            return dt.datetime(1001, 1, 1, 0, 0, 0, 900_000 + position, tzinfo=sample.tzinfo)
        if isinstance(sample, dt.date):
            return dt.date(1001, 1, 1 + position)
        raise TypeError(f"Prepared cannot stand in for a {type(sample).__name__}")


@dataclass
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (index in params, index of the argument)
    converters: dict[int, Any]  # from_db_value converters by column, as the ORM applies them
    model: Any = None
    init_list: list[str] = field(default_factory=list)
    model_slice: slice = field(default_factory=lambda: slice(0))
    populators: list[Any] = field(default_factory=list)  # select_related objects
    annotations: dict[str, int] = field(default_factory=dict)
    empty: bool = False  # the ORM found the query can match nothing (``pk__in=[]``): no SQL


class Prepared(Generic[M]):
    """``build(*args, *fixed)`` returns a queryset; ``all``, ``first`` and ``count`` run its SQL.

    ``args`` are the values that change between calls (ids, keys, days, the time), given to the
    builder as stand-ins when it first compiles; ``fixed`` values follow them, given as they are,
    and are part of what is compiled (one SQL per database and combination of ``fixed``).
    """

    def __init__(self, build: Callable[..., models.QuerySet[M]]) -> None:
        self._build = build
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}

    def _compile(self, using: str, args: Sequence[Any], fixed: tuple[Any, ...], count: bool) -> _Compiled:
        stand_ins = [_StandIn.make(arg, n) for n, arg in enumerate(args)]
        queryset = self._build(*stand_ins, *fixed).using(using)
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups  # type: ignore[attr-defined]
            or queryset._known_related_objects  # type: ignore[attr-defined]
            or queryset.query.extra
        ):
            raise ValueError("Prepared runs querysets of model objects only (no values, prefetch or extra)")
        query = queryset.order_by().values("pk").query if count else queryset.query
        compiler = query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _Compiled("", (), (), {}, empty=True)
        for stand_in in stand_ins:
            if str(stand_in) in sql:
                raise ValueError("Prepared: an argument was written into the SQL, not passed as a parameter")
        slots = tuple(
            (index, n)
            for index, value in enumerate(params)
            for n, stand_in in enumerate(stand_ins)
            if type(value) is type(stand_in) and value == stand_in
        )
        if {n for _, n in slots} != set(range(len(args))):
            # Unused, or used only through a value worked out from it (a day before ``today``),
            # which the stand-in would fix for ever: either way not a value this SQL can take.
            raise ValueError("Prepared: an argument does not reach the SQL as a parameter of its own")
        if count:
            # The ORM's own SQL, its values all parameters.
            return _Compiled(f"SELECT COUNT(*) FROM ({sql}) prepared", tuple(params), slots, {})  # noqa: S608
        select, klass_info = compiler.select, compiler.klass_info
        assert klass_info is not None  # a model queryset always has one
        fields = klass_info["select_fields"]
        model_slice = slice(fields[0], fields[-1] + 1)
        return _Compiled(
            sql,
            tuple(params),
            slots,
            compiler.get_converters([column[0] for column in select[: compiler.col_count]]),
            model=klass_info["model"],
            init_list=[column[0].target.attname for column in select[model_slice]],
            model_slice=model_slice,
            populators=get_related_populators(klass_info, select, using),
            annotations=dict(compiler.annotation_col_map or {}),
        )

    def _execute(
        self, args: Sequence[Any], fixed: tuple[Any, ...], using: str, count: bool, one: bool
    ) -> tuple[_Compiled, list[Any]]:
        key = (using, count, fixed, tuple(type(arg) for arg in args))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(using, args, fixed, count)
        if compiled.empty:
            return compiled, []
        params = list(compiled.params)
        for index, n in compiled.slots:
            params[index] = args[n]
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            if one:
                row = cursor.fetchone()
                return compiled, [row] if row is not None else []
            return compiled, cursor.fetchall()

    def all(self, *args: Any, fixed: tuple[Any, ...] = (), using: str = "default") -> list[M]:
        """The queryset's objects, in its order."""
        compiled, rows = self._execute(args, fixed, using, count=False, one=False)
        return [self._object(compiled, row, using) for row in rows]

    def first(self, *args: Any, fixed: tuple[Any, ...] = (), using: str = "default") -> M | None:
        """The first object in the queryset's order (for a lookup by key: the one), or None."""
        compiled, rows = self._execute(args, fixed, using, count=False, one=True)
        return self._object(compiled, rows[0], using) if rows else None

    def count(self, *args: Any, fixed: tuple[Any, ...] = (), using: str = "default") -> int:
        """How many rows the queryset has."""
        _, rows = self._execute(args, fixed, using, count=True, one=True)
        return int(rows[0][0]) if rows else 0

    @staticmethod
    def _object(compiled: _Compiled, row: Sequence[Any], using: str) -> Any:
        """One row as ``ModelIterable`` makes it: converted, its related objects and annotations set."""
        if compiled.converters:
            values = list(row)
            connection = connections[using]
            for position, (functions, expression) in compiled.converters.items():
                for convert in functions:
                    values[position] = convert(values[position], expression, connection)
            row = values
        obj = compiled.model.from_db(using, compiled.init_list, row[compiled.model_slice])
        for populator in compiled.populators:
            populator.populate(row, obj)
        for name, position in compiled.annotations.items():
            setattr(obj, name, row[position])
        return obj


class PreparedInsert(Generic[M]):
    """``Model.objects.create(**values)`` for one row, its ``INSERT … RETURNING`` compiled once.

    For the row nearly every page writes: the audit of what it showed. The ORM compiles the same
    INSERT on each ``create``; here it is compiled once per database from a sample object, and
    each call prepares its values exactly as the ORM's insert compiler does (each field's
    ``pre_save`` for a new row, then ``get_db_prep_save``). Not for models with signals, custom
    ``save`` or database defaults: the audit model has none.
    """

    def __init__(self, model: type[M]) -> None:
        self._model = model
        meta = model._meta
        # What ``Model.save`` inserts for a new row whose pk the database assigns.
        self._fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
        self._sql: dict[str, str] = {}

    def _compile(self, using: str) -> str:
        query = InsertQuery(self._model)
        query.insert_values(self._fields, [self._model()])
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = [self._model._meta.pk]
        ((sql, params),) = compiler.as_sql()
        if len(params) != len(self._fields):
            raise ValueError("PreparedInsert: a field's placeholder is not one plain parameter")
        return sql

    def create(self, using: str = "default", **values: Any) -> M:
        """The new object, saved, with its pk."""
        obj = self._model(**values)
        sql = self._sql.get(using)
        if sql is None:
            sql = self._sql[using] = self._compile(using)
        connection = connections[using]
        params = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in self._fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            obj.pk = cursor.fetchone()[0]
        obj._state.adding = False
        obj._state.db = using
        return obj
