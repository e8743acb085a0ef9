"""Where a request's time goes, for ``manage.py bench``: SQL, building SQL, templates and the rest.

Django has no hooks for the time it spends building SQL or rendering templates, so for one
extra pass (never the timed one) timers are wrapped around the SQL compilers' ``as_sql`` and
``Template.render``, and SQL is timed with ``connection.execute_wrapper``. Each part counts its
outermost call only (a subquery is built inside its query; an include renders inside its page),
and a template's time leaves out the SQL it caused (a lazy queryset, a template tag's read).
What is left is the rest: signing in and middleware, the views' own code, making model objects
from rows, the test client.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.backends.postgresql import compiler as postgresql_compiler
from django.db.models.sql import compiler as sql_compiler
from django.template import base as template_base


@dataclass
class Parts:
    """Seconds spent in each part over ``requests`` requests."""

    requests: int = 0
    total: float = 0.0
    sql: float = 0.0  # executing statements and fetching rows, in the driver
    building: float = 0.0  # the ORM turning querysets into SQL
    templates: float = 0.0  # rendering, less the SQL and SQL building it caused

    @property
    def rest(self) -> float:
        return self.total - self.sql - self.building - self.templates

    def per_request_ms(self) -> dict[str, float]:
        n = self.requests or 1
        return {
            "sql": self.sql * 1000 / n,
            "building": self.building * 1000 / n,
            "templates": self.templates * 1000 / n,
            "rest": self.rest * 1000 / n,
            "total": self.total * 1000 / n,
        }


def _compiler_classes() -> list[type]:
    """Every SQL compiler class that defines its own ``as_sql`` (PostgreSQL's included)."""
    classes = []
    for module in (sql_compiler, postgresql_compiler):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, sql_compiler.SQLCompiler)
                and "as_sql" in vars(value)
                and value not in classes
            ):
                classes.append(value)
    return classes


Wrap = Callable[[Callable[..., Any]], Callable[..., Any]]


@contextmanager
def _patched(owner: type, name: str, make: Wrap) -> Iterator[None]:
    original = vars(owner)[name]
    setattr(owner, name, make(original))
    try:
        yield
    finally:
        setattr(owner, name, original)


@contextmanager
def timed_parts(clock: Callable[[], float] = time.perf_counter) -> Iterator[Parts]:
    """Time the parts of every request made inside the block; the caller adds ``total``/``requests``."""
    parts = Parts()
    depth = {"building": 0, "templates": 0}

    def outermost(part: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if depth[part]:
                return original(*args, **kwargs)
            depth[part] += 1
            # SQL and building inside this call are theirs, not this part's (a template's reads).
            others = parts.sql + parts.building
            started = clock()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = clock() - started - (parts.sql + parts.building - others)
                depth[part] -= 1
                setattr(parts, part, getattr(parts, part) + elapsed)

        return timed

    def sql_timer(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = clock()
        try:
            return execute(sql, params, many, context)
        finally:
            parts.sql += clock() - started

    with ExitStack() as stack:
        for cls in _compiler_classes():
            stack.enter_context(_patched(cls, "as_sql", lambda original: outermost("building", original)))
        stack.enter_context(
            _patched(template_base.Template, "render", lambda original: outermost("templates", original))
        )
        stack.enter_context(connection.execute_wrapper(sql_timer))
        yield parts
