"""The bench's breakdown of a request's time: each part counted once, templates without their SQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.template import Context, Template

from vcs_portal.devtools.breakdown import timed_parts
from victims.models import Case

pytestmark = pytest.mark.django_db


class Clock:
    """A clock that moves only when told to (``step`` on every reading, plus ``advance``)."""

    def __init__(self, step: float = 0.0) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _slow_sql(clock: Clock, seconds: float):
    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        clock.advance(seconds)
        return execute(sql, params, many, context)

    return wrapper


def test_sql_a_template_runs_is_counted_as_sql_not_rendering(make_case, vlo):
    make_case(vlo)
    make_case(vlo)
    clock = Clock()
    template = Template("{% for case in cases %}{{ case.reference }}{% endfor %}")

    with timed_parts(clock) as parts, connection.execute_wrapper(_slow_sql(clock, 100)):
        html = template.render(Context({"cases": Case.objects.filter(officer=vlo)}))

    assert html.count("VCS-") == 2
    assert parts.sql == 100  # one query
    assert parts.templates == 0


def test_rendering_time_is_counted_as_templates():
    clock = Clock()

    class Slow:
        @property
        def value(self) -> str:
            clock.advance(7)
            return "done"

    with timed_parts(clock) as parts:
        html = Template("{% for i in items %}{{ slow.value }}{% endfor %}").render(
            Context({"items": [1, 2], "slow": Slow()})
        )

    assert html == "donedone"
    assert parts.templates == 14
    assert parts.sql == parts.building == 0


def test_a_subquery_is_built_inside_its_query_and_counted_once(make_case, vlo):
    make_case(vlo)
    clock = Clock(step=1)  # every timed call lasts one tick
    inner = Case.objects.filter(officer=vlo).values("pk")

    with timed_parts(clock) as parts:
        list(Case.objects.filter(pk__in=inner))

    assert parts.building == 1


def test_rest_is_what_the_parts_leave():
    clock = Clock()
    with timed_parts(clock) as parts:
        parts.total, parts.requests = 0.050, 2
        parts.sql, parts.building, parts.templates = 0.010, 0.006, 0.004

    assert parts.per_request_ms() == pytest.approx(
        {"sql": 5.0, "building": 3.0, "templates": 2.0, "rest": 15.0, "total": 25.0}
    )


def test_django_is_left_as_it_was():
    as_sql, render = SQLCompiler.as_sql, Template.render
    wrappers = list(connection.execute_wrappers)

    with timed_parts():
        assert SQLCompiler.as_sql is not as_sql

    assert SQLCompiler.as_sql is as_sql
    assert Template.render is render
    assert connection.execute_wrappers == wrappers
