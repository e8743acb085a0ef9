"""The caseload's queries have an index path: no page or sort reads the whole victims table.

At national scale the last page and the name sorts were slow because one query joined every
victim and offender to the team's cases and then skipped to the page (a hash join over a
sequential scan of 60,000 victims). Now the pages are cut on the cases' own ids, joined to
nothing, and only the page's rows are read with their people. The planner prefers a sequential
scan on a table as small as a test's, so each query is also planned with sequential scans priced
out (``enable_seqscan = off``): a "Seq Scan" left in that plan is one no index can avoid.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.victims.factories import CaseFactory
from victims import selectors
from victims.views import SORTS, _sort

pytestmark = pytest.mark.django_db
WHOLE_TABLES = ("victims_victim", "offenders_offender", "contacts_contact")


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("sort", [*SORTS, *(f"-{key}" for key in SORTS)])
def test_no_sort_of_the_caseload_scans_a_whole_table(vlo, sort):
    CaseFactory.create_batch(30, team=vlo.team, officer=vlo)
    cases = selectors.caseload(user=vlo, today=timezone.localdate()).order_by(
        *selectors.caseload_ordering(*_sort(sort))
    )
    page_ids = cases.values_list("pk", flat=True)[25:50]
    rows = cases.order_by().filter(pk__in=[1, 2, 3])
    ids_sql = str(page_ids.query)
    assert 'JOIN "victims_victim"' not in ids_sql and 'JOIN "offenders_offender"' not in ids_sql
    assert "OFFSET" not in str(rows.query)
    for query in (page_ids, rows):
        text = plan(query)
        for table in WHOLE_TABLES:
            assert f"Seq Scan on {table}" not in text, text


def test_a_later_page_holds_the_rows_in_the_sorted_order(vlo):
    for n in range(30):
        CaseFactory(team=vlo.team, officer=vlo, victim__last_name=f"Zed{n:02d}")
    cases = selectors.caseload(user=vlo, today=timezone.localdate()).order_by(
        *selectors.caseload_ordering(*_sort("-victim"))
    )
    page = selectors.page_of_cases(cases, number=2, per_page=25)
    assert [c.victim.last_name for c in page] == [f"Zed{n:02d}" for n in range(4, -1, -1)]
    assert page.paginator.count == 30


@pytest.mark.parametrize("sort", [*SORTS, *(f"-{key}" for key in SORTS)])
@pytest.mark.parametrize("mine_only", [False, True])
def test_the_compiled_caseload_has_an_index_path_even_with_a_generic_plan(vlo, sort, mine_only):
    """The caseload without a search term runs as statements prepared on the server, which
    PostgreSQL may plan once for any values (a generic plan): that plan must not scan a whole
    table either."""
    CaseFactory.create_batch(30, team=vlo.team, officer=vlo)
    with CaptureQueriesContext(connection) as captured:
        page = selectors.page_of_caseload(
            user=vlo,
            today=timezone.localdate(),
            status="open",
            deadline="overdue",
            mine_only=mine_only,
            sort=_sort(sort),
            number=2,
            per_page=25,
        )
    assert len(page.object_list) == 5 and page.paginator.count == 30
    executed = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("EXECUTE ")]
    assert len(executed) == 3  # the count, the page's ids, its rows
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        # Plan afresh under these settings: earlier tests on this connection may have run the same
        # statements often enough for PostgreSQL to keep a plan made for tables of a few rows.
        cursor.execute("DISCARD PLANS")
        for statement in executed:
            cursor.execute("EXPLAIN " + statement.replace("%", "%%"))
            text = "\n".join(row[0] for row in cursor.fetchall())
            for table in WHOLE_TABLES:
                assert f"Seq Scan on {table}" not in text, text


def test_the_compiled_caseload_pages_as_the_orm_does(vlo, teammate):
    for n in range(12):
        CaseFactory(team=vlo.team, officer=vlo if n % 3 else teammate, victim__last_name=f"Name{n % 5}")
    today = timezone.localdate()
    for sort in ("victim", "-victim", "due", "-reference"):
        for mine_only in (False, True):
            cases = selectors.caseload(user=vlo, today=today, status="open", mine_only=mine_only)
            cases = cases.order_by(*selectors.caseload_ordering(*_sort(sort)))
            for number in (1, 2, 3):
                theirs = selectors.page_of_cases(cases, number=number, per_page=5)
                ours = selectors.page_of_caseload(
                    user=vlo,
                    today=today,
                    status="open",
                    deadline="",
                    mine_only=mine_only,
                    sort=_sort(sort),
                    number=number,
                    per_page=5,
                )
                assert [c.pk for c in ours] == [c.pk for c in theirs], (sort, mine_only, number)
                assert ours.paginator.count == theirs.paginator.count
