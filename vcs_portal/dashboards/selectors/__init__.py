"""The dashboards' reads, one module per question:

- ``scope``: whose teams a manager's dashboard covers;
- ``common``: the sets several figures share (key dates, hearings, overdue tasks, what is coming up);
- ``figures``: today's figures per team and officer (``dashboard_figures``);
- ``measures``: the performance measures for a period (``performance``);
- ``lists``: the cases behind every figure and measure (``case_list``).

Callers import from here (``from vcs_portal.dashboards import selectors``); the names below are the
package's public face.
"""

from __future__ import annotations

from .common import (
    UPCOMING_KINDS,
    WINDOWS,
    current_key_date,
    current_key_date_sentences,
    hearing_sentences,
    live_upcoming,
    overdue_tasks,
    scope_sentences,
    snapshot_is_fresh,
    task_owner_ids,
    upcoming_date,
    upcoming_sentences,
)
from .figures import (
    CASE_FIGURES,
    FIGURE_KEYS,
    TASK_FIGURES,
    Dashboard,
    Figures,
    OfficerLoad,
    case_filter,
    dashboard_figures,
    never_offered_q,
    other_first_contact_overdue_q,
)
from .lists import LIST_FIELDS, LISTS, PREPARED_LISTS, CaseList, ListArgs, case_list, list_head, page_of_list
from .measures import MEASURES, MISSED_LISTS, Definition, Measure, Period, measure_counts, performance
from .scope import Scope, dashboard_scope

__all__ = [
    "CASE_FIGURES",
    "FIGURE_KEYS",
    "LISTS",
    "LIST_FIELDS",
    "MEASURES",
    "MISSED_LISTS",
    "PREPARED_LISTS",
    "TASK_FIGURES",
    "UPCOMING_KINDS",
    "WINDOWS",
    "CaseList",
    "Dashboard",
    "Definition",
    "Figures",
    "ListArgs",
    "Measure",
    "OfficerLoad",
    "Period",
    "Scope",
    "case_filter",
    "case_list",
    "current_key_date",
    "current_key_date_sentences",
    "dashboard_figures",
    "dashboard_scope",
    "hearing_sentences",
    "list_head",
    "live_upcoming",
    "measure_counts",
    "never_offered_q",
    "other_first_contact_overdue_q",
    "overdue_tasks",
    "page_of_list",
    "performance",
    "scope_sentences",
    "snapshot_is_fresh",
    "task_owner_ids",
    "upcoming_date",
    "upcoming_sentences",
]
