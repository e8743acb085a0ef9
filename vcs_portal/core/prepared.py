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
- only querysets of model objects or ``values()`` dicts (an aggregate's rows), without
  ``prefetch_related`` or ``extra``;
- a list of ids is one argument when it reaches the SQL as one array (``pk__any_of=ids``,
  ``core.lookups``), never through ``__in``, whose SQL changes with the list's length.

Planned once, too: on each database connection the SQL is sent once as ``PREPARE``, and each call
then runs ``EXECUTE name(values)``, so PostgreSQL does not plan the same statement again (on the
case page, planning was half the SQL's time). Statements outlive a rolled-back transaction and
end with their connection; a statement PostgreSQL will not prepare runs as plain SQL instead.
``VCS_PREPARE_STATEMENTS = False`` runs every one as plain SQL (behind PgBouncer in transaction
mode, where a client's next statement may reach another server session).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections, models
from django.db.models.query import (  # type: ignore[attr-defined]
    ModelIterable,
    ValuesIterable,
    get_related_populators,
)
from django.db.models.sql import InsertQuery

M = TypeVar("M", bound=models.Model)


class Unpreparable(ValueError):
    """A queryset Prepared will not compile, because it could not run it faithfully (see ``_compile``)."""


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

    @staticmethod
    def worked_out(value: Any) -> bool:
        """Whether a parameter looks made from a stand-in (a day before one, a stand-in id plus one)."""
        if isinstance(value, list):
            return any(_StandIn.worked_out(item) for item in value)
        if isinstance(value, int) and not isinstance(value, bool):
            return -2_000_000_000 < value < -1_800_000_000
        if isinstance(value, str):
            return "\x00prepared-" in value
        if isinstance(value, dt.date):  # and datetimes
            return value.year < 1100
        return False


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
    statement: str | None = None  # its server-side name, once it is known to prepare
    names: list[str] | None = None  # a values() queryset's keys: its rows are dicts
    execute: str = ""  # the EXECUTE that runs it


_names = itertools.count(1)
# The statements prepared on each live database connection (the driver's connection object).
_prepared_on: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_PLACEHOLDER = re.compile(r"%[s%]")


def _server_sql(sql: str) -> str:
    """The driver's ``%s`` placeholders as PostgreSQL's ``$1, $2, …`` (and ``%%`` as ``%``)."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)


def _prepare(wrapper: Any, compiled: _Compiled) -> bool:
    """``PREPARE`` the statement on this connection, through the driver's own cursor: it is not
    one of the request's queries (nor counted as one), and a refusal, inside the caller's
    transaction, is undone to a savepoint rather than breaking it."""
    in_transaction = not wrapper.get_autocommit()
    with wrapper.connection.cursor() as raw:
        if in_transaction:
            raw.execute("SAVEPOINT vcs_prepare")
        try:
            raw.execute(f"PREPARE {compiled.statement} AS {_server_sql(compiled.sql)}")
        except wrapper.Database.Error:
            if in_transaction:
                raw.execute("ROLLBACK TO SAVEPOINT vcs_prepare")
            return False
        if in_transaction:
            raw.execute("RELEASE SAVEPOINT vcs_prepare")
    return True


def _run(using: str, compiled: _Compiled, params: list[Any], cursor: Any) -> None:
    """Run the compiled SQL, as a statement prepared on this connection where it can be."""
    if not settings.VCS_PREPARE_STATEMENTS or compiled.statement == "":
        cursor.execute(compiled.sql, params)
        return
    wrapper = connections[using]
    prepared = _prepared_on.setdefault(wrapper.connection, set())  # the cursor has connected
    if compiled.statement is None:
        compiled.statement = f"vcs_prepared_{next(_names)}"
    if compiled.statement not in prepared:
        if not _prepare(wrapper, compiled):
            compiled.statement = ""  # not preparable: plain SQL from now on
            cursor.execute(compiled.sql, params)
            return
        prepared.add(compiled.statement)
        values = f"({', '.join(['%s'] * len(params))})" if params else ""
        # The statement's own SQL rides along as a comment, so query logs, the tests' captured
        # queries and the bench's breakdown still say what ran (a comment costs PostgreSQL nothing).
        note = compiled.sql.replace("%", "%%") if "*/" not in compiled.sql else "(SQL not shown)"
        compiled.execute = f"EXECUTE {compiled.statement}{values} /* {note} */"
    try:
        cursor.execute(compiled.execute, params)
    except DatabaseError as error:
        if getattr(error.__cause__, "pgcode", None) != _NO_SUCH_STATEMENT:
            raise
        # Deallocated behind our back (DISCARD ALL, DEALLOCATE): prepare it again next time, and
        # now too unless the failure has already aborted the caller's transaction.
        prepared.discard(compiled.statement)
        if not wrapper.get_autocommit():
            raise
        _run(using, compiled, params, cursor)


_NO_SUCH_STATEMENT = "26000"  # PostgreSQL's invalid_sql_statement_name


class Prepared(Generic[M]):
    """``build(*args, *fixed)`` returns a queryset; ``all``, ``first`` and ``count`` run its SQL.

    ``args`` are the values that change between calls (ids, keys, days, the time), given to the
    builder as stand-ins when it first compiles; ``fixed`` values follow them, given as they are,
    and are part of what is compiled (one SQL per database and combination of ``fixed``).

    ``plan_each_time``: run the compiled SQL as it is, never as a statement prepared on the
    server. PostgreSQL plans a prepared statement for its values five times, then may settle on
    one generic plan; for an aggregate over a period (how many rows a range of days holds decides
    the plan) that plan was half as slow again as planning each time (the performance page:
    24 ms of SQL became 35). Compiling once still saves the ORM's building.
    """

    def __init__(self, build: Callable[..., models.QuerySet[M]], *, plan_each_time: bool = False) -> None:
        self._build = build
        self._plan_each_time = plan_each_time
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}

    def _compile(
        self, using: str, args: Sequence[Any], fixed: tuple[Any, ...], count: bool, window: bool = False
    ) -> _Compiled:
        stand_ins = [_StandIn.make(arg, n) for n, arg in enumerate(args)]
        queryset = self._build(*stand_ins, *fixed).using(using)
        if window and queryset.query.is_sliced:
            raise Unpreparable("Prepared: a sliced queryset has no window of its own")
        if (
            queryset._iterable_class not in (ModelIterable, ValuesIterable)
            or queryset._prefetch_related_lookups  # type: ignore[attr-defined]
            or queryset._known_related_objects  # type: ignore[attr-defined]
            or queryset.query.extra
        ):
            raise Unpreparable(
                "Prepared runs querysets of model objects or of values() dicts only (no values_list, "
                "prefetch or extra)"
            )
        query = queryset.order_by().values("pk").query if count else queryset.query
        compiler = query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _Compiled("", (), (), {}, empty=True)
        for stand_in in stand_ins:
            if str(stand_in) in sql:
                raise Unpreparable("Prepared: an argument was written into the SQL, not passed as a value")
        slots = tuple(
            (index, n)
            for index, value in enumerate(params)
            for n, stand_in in enumerate(stand_ins)
            if type(value) is type(stand_in) and value == stand_in
        )
        if {n for _, n in slots} != set(range(len(args))):
            # Unused, or used only through a value worked out from it (a day before ``today``),
            # which the stand-in would fix for ever: either way not a value this SQL can take.
            raise Unpreparable("Prepared: an argument does not reach the SQL as a parameter of its own")
        taken = {index for index, _ in slots}
        if any(_StandIn.worked_out(value) for index, value in enumerate(params) if index not in taken):
            # Also passed through (so above), but used as well through a value worked out from it.
            raise Unpreparable("Prepared: a value worked out from an argument would be fixed in the SQL")
        if count:
            # The ORM's own SQL, its values all parameters.
            return _Compiled(f"SELECT COUNT(*) FROM ({sql}) prepared", tuple(params), slots, {})  # noqa: S608
        if queryset._iterable_class is ValuesIterable:
            query = queryset.query
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            columns = [column[0] for column in compiler.select[: compiler.col_count]]
            return _Compiled(sql, tuple(params), slots, compiler.get_converters(columns), names=names)
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
        self,
        args: Sequence[Any],
        fixed: tuple[Any, ...],
        using: str,
        count: bool,
        one: bool,
        window: tuple[int, int] | None = None,
    ) -> tuple[_Compiled, list[Any]]:
        key = (using, count, window is not None, fixed, tuple(type(arg) for arg in args))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compile(using, args, fixed, count, window=window is not None)
            if window is not None and not compiled.empty:
                # LIMIT and OFFSET as two more parameters, after the arguments' (the ORM writes a
                # slice into the SQL's text, which would make each page a statement of its own).
                n = len(compiled.params)
                compiled = replace(
                    compiled,
                    sql=f"{compiled.sql} LIMIT %s OFFSET %s",
                    params=(*compiled.params, 0, 0),
                    slots=(*compiled.slots, (n, len(args)), (n + 1, len(args) + 1)),
                )
            if self._plan_each_time:
                compiled.statement = ""  # plain SQL, planned for its values each time (see __init__)
            self._compiled[key] = compiled
        if compiled.empty:
            return compiled, []
        values = (*args, *window) if window is not None else args
        params = list(compiled.params)
        for index, n in compiled.slots:
            params[index] = values[n]
        with connections[using].cursor() as cursor:
            _run(using, compiled, params, cursor)
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

    def annotation(
        self, name: str, *args: Any, fixed: tuple[Any, ...] = (), using: str = "default"
    ) -> list[Any]:
        """One annotation's value for each row, in order, without making the objects."""
        compiled, rows = self._execute(args, fixed, using, count=False, one=False)
        position = compiled.annotations[name]
        return [row[position] for row in rows]

    def window(
        self, offset: int, limit: int, *args: Any, fixed: tuple[Any, ...] = (), using: str = "default"
    ) -> list[M]:
        """``limit`` objects from ``offset`` in the queryset's order (a page), the window's bounds
        passed as parameters: one SQL for every page."""
        compiled, rows = self._execute(args, fixed, using, count=False, one=False, window=(limit, offset))
        return [self._object(compiled, row, using) for row in rows]

    def count(self, *args: Any, fixed: tuple[Any, ...] = (), using: str = "default") -> int:
        """How many rows the queryset has."""
        _, rows = self._execute(args, fixed, using, count=True, one=True)
        return int(rows[0][0]) if rows else 0

    @staticmethod
    def _object(compiled: _Compiled, row: Sequence[Any], using: str) -> Any:
        """One row as ``ModelIterable`` makes it: converted, its related objects and annotations
        set; or for a ``values()`` queryset, as ``ValuesIterable`` makes it, a dict."""
        if compiled.converters:
            values = list(row)
            connection = connections[using]
            for position, (functions, expression) in compiled.converters.items():
                for convert in functions:
                    values[position] = convert(values[position], expression, connection)
            row = values
        if compiled.names is not None:
            return dict(zip(compiled.names, row, strict=True))
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


def set_prefetched(instance: models.Model, name: str, objects: list[Any]) -> None:
    """Give ``instance.<name>.all()`` (a reverse foreign key) these objects without a query, as
    ``prefetch_related`` leaves them: each also knows ``instance`` as its parent."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    for obj in objects:
        manager.field.set_cached_value(obj, instance)
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    instance._prefetched_objects_cache[manager.field.remote_field.cache_name] = queryset  # type: ignore[attr-defined]
