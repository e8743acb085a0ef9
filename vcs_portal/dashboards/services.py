"""The dashboards' writes: refreshing the summary of upcoming dates, and exporting a list as CSV
(which is audited).

The export holds what a manager needs to chase the work (reference, names, officer, team, status,
dates) and never a victim's contact details: no address, phone or email (DOMAIN.md section 5).
Cells that a spreadsheet would read as a formula are defused (OWASP "CSV injection").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from vcs_portal.core.audit import audit_record
from vcs_portal.core.csv import csv_text
from vcs_portal.core.models import AuditAction
from vcs_portal.core.sweeps import SweepResult
from victims.models import Case

from .models import HORIZON_DAYS, UpcomingDate, UpcomingKind, UpcomingRefresh
from .selectors import CaseList, live_upcoming


def csv_header(spec: CaseList) -> list[str]:
    return [
        "Case reference",
        "Victim",
        "Offender",
        "Officer",
        "Team",
        "Status",
        spec.date_label,
        "Referral received",
        "First contact due",
        "First contact made",
    ]


def csv_row(case: Case) -> list[Any]:
    return [
        case.reference,
        case.victim.full_name,
        case.offender.full_name,
        case.officer.get_full_name(),
        case.team.name,
        case.get_status_display(),
        getattr(case, "list_date", None),
        case.referral_received_on,
        case.first_contact_due,
        case.first_contact_on,
    ]


@transaction.atomic
def case_list_export(*, actor: Any, spec: CaseList, cases: Iterable[Case]) -> str:
    """The list as CSV text, with an audit record of who exported which list and how many rows."""
    text, rows = csv_text(csv_header(spec), (csv_row(case) for case in cases))
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=Case._meta.label,
        summary=f"measure={spec.key}, rows={rows}",
    )
    return text


@transaction.atomic
def upcoming_sweep(*, as_of: date) -> SweepResult:
    """Replace the summary of releases (current CRDs) and parole hearings from ``today`` to the horizon.

    Safe to run twice or at once: the refresh row is locked first, so two runs take turns and
    each leaves a complete copy.
    """
    today = as_of
    UpcomingRefresh.objects.get_or_create(
        singleton=True, defaults={"refreshed_at": timezone.now(), "from_day": today, "rows": 0}
    )
    refresh = UpcomingRefresh.objects.select_for_update().get(singleton=True)
    releases, hearings = live_upcoming(today, today + timedelta(days=HORIZON_DAYS))
    UpcomingDate.objects.all().delete()
    rows = [UpcomingDate(sentence_id=s, kind=UpcomingKind.RELEASE, on=on) for s, on in releases]
    rows += [UpcomingDate(sentence_id=s, kind=UpcomingKind.HEARING, on=on) for s, on in hearings]
    UpcomingDate.objects.bulk_create(rows, batch_size=5000)
    refresh.refreshed_at, refresh.from_day, refresh.rows = timezone.now(), today, len(rows)
    refresh.save()
    return SweepResult("Upcoming dates", {"rows written": len(rows)})
