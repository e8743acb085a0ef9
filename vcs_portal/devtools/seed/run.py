"""Putting the phases together: one transaction, then vacuum, analyse and the daily sweeps."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from contacts.models import Contact, Task
from offenders.models import (
    KeyDate,
    Offender,
    SecurityCategoryChange,
    Sentence,
    SentenceEvent,
    SentenceOffence,
)
from parole.models import LicenceConditionRequest, ParoleReview, VictimPersonalStatement
from vcs_portal.core.models import AuditAction, AuditEvent, Team, User
from vcs_portal.dashboards.services import upcoming_sweep
from victims.eligibility import eligibility_sweep
from victims.models import Address, Case, CaseStatusChange, Victim

from .cases import CasesPhase
from .contact_work import ContactWorkPhase
from .copier import Copier
from .offenders import OffendersPhase
from .parole import ParolePhase
from .people import PeoplePhase
from .world import SCALES, SeedReport


class Seeder(PeoplePhase, OffendersPhase, CasesPhase, ParolePhase, ContactWorkPhase):
    """Generates and writes one national data set; ``run`` does every phase in order."""

    def _history_context(self, cursor: Any) -> None:
        """Name this load in the history that triggers write (django-pghistory), for this transaction.

        The history triggers read these settings for every row. Left unset, each read raises and
        catches an error, which in one transaction of a few hundred thousand rows costs minutes
        (it grows with the transaction); set, the rows are written quickly and say where they
        came from. No trigger is switched off.
        """
        metadata = {"command": "seed_national", "seed": self.seed, "scale": self.scale_name}
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', '{}', true), "
            "set_config('pghistory.context_id', %s, true), "
            "set_config('pghistory.context_metadata', %s, true)",
            [str(uuid.uuid4()), json.dumps(metadata)],
        )

    def run(self) -> SeedReport:
        with transaction.atomic():
            with connection.cursor() as cursor:
                self._history_context(cursor)
                copier = Copier(cursor)
                self._phase("users, teams and regions", self.places)
                self._phase("offence catalogue", self.offences)
                self._phase("offenders and sentences", lambda: self.offenders_and_sentences(copier))
                self._phase("victims, addresses and cases", lambda: self.victims_and_cases(copier))
                self._phase("sentence events and key dates", lambda: self.events_and_key_dates(copier))
                self._phase("parole, statements, conditions", lambda: self.parole(copier))
                self._phase("tasks", lambda: self.tasks(copier))
                self._phase("contacts", lambda: self.contacts(copier))
                AuditEvent.objects.create(
                    action=AuditAction.CREATE,
                    object_type="dashboards.seed_national",
                    summary=f"seed={self.seed}, scale={self.scale_name}, cases={len(self.cases)}",
                )
            commit_started = time.perf_counter()
        # Deferred foreign keys are checked here, once per row written.
        self.timings["commit (foreign key checks)"] = time.perf_counter() - commit_started
        self.log(
            f"  {'commit (foreign key checks)':<34} {self.timings['commit (foreign key checks)']:6.1f} s"
        )
        counts = dict(copier.counts)
        counts["core.User"] = self.counts_users
        return SeedReport(self.seed, self.scale_name, self.today, counts, self.timings)


SEEDED_MODELS: list[type[models.Model]] = [
    Offender,
    SecurityCategoryChange,
    Sentence,
    SentenceOffence,
    Victim,
    Address,
    Case,
    CaseStatusChange,
    SentenceEvent,
    KeyDate,
    ParoleReview,
    VictimPersonalStatement,
    LicenceConditionRequest,
    Task,
    Contact,
    AuditEvent,
    User,
    Team,
]


def tables_analyse(*, vacuum: bool = True) -> None:
    """Refresh the planner's statistics (and the visibility map) after a bulk load; outside a transaction."""
    with connection.cursor() as cursor:
        for model in SEEDED_MODELS:
            verb = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
            cursor.execute(f'{verb} "{model._meta.db_table}"')


def seed_national(
    *,
    seed: int,
    scale: str = "national",
    today: date | None = None,
    log: Callable[[str], None] = lambda _: None,
    sweep: bool = True,
) -> SeedReport:
    """Create a national-scale synthetic data set; see the module docstring. Returns counts and timings."""
    today = today or timezone.localdate()
    seeder = Seeder(seed=seed, scale=SCALES[scale], scale_name=scale, today=today, log=log)
    report = seeder.run()
    analyse_started = time.perf_counter()
    # VACUUM cannot run inside a transaction (the tests run in one): analyse only, there.
    tables_analyse(vacuum=not connection.in_atomic_block)
    report.timings["vacuum and analyse"] = time.perf_counter() - analyse_started
    log(f"  {'vacuum and analyse':<34} {report.timings['vacuum and analyse']:6.1f} s")
    if sweep:
        sweep_started = time.perf_counter()
        result = eligibility_sweep(as_of=today)
        report.timings["eligibility sweep"] = time.perf_counter() - sweep_started
        report.counts["offenders.EligibilityAssessment (sweep)"] = result["changed"]
        report.counts["cases flagged for review by the sweep"] = result["cases flagged for review"]
        log(f"  {'eligibility sweep':<34} {report.timings['eligibility sweep']:6.1f} s")

    refresh_started = time.perf_counter()
    report.counts["dashboards.UpcomingDate"] = upcoming_sweep(as_of=today)["rows written"]
    report.timings["dashboards' upcoming dates"] = time.perf_counter() - refresh_started
    return report


def seeded_first_names(limit: int = 20) -> list[str]:
    """The first victims' first names in id order: what a determinism check compares."""
    return list(Victim.objects.order_by("pk").values_list("first_name", flat=True)[:limit])
