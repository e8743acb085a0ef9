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
from django.utils import timezone

from tests.victims.factories import CaseFactory
from victims import selectors
from victims.views import SORTS, _ordering

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
    cases = selectors.caseload(user=vlo, today=timezone.localdate()).order_by(*_ordering(sort))
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
    cases = selectors.caseload(user=vlo, today=timezone.localdate()).order_by(*_ordering("-victim"))
    page = selectors.page_of_cases(cases, number=2, per_page=25)
    assert [c.victim.last_name for c in page] == [f"Zed{n:02d}" for n in range(4, -1, -1)]
    assert page.paginator.count == 30
