"""The one shape every periodic job has: ``def <thing>_sweep(*, as_of: date) -> SweepResult``.

A sweep finds what is due on ``as_of`` in the database, so a missed run is caught by the next,
and it is safe to run twice. Its result says what it created, closed and skipped in words a
person can read, so the daily-jobs command, beat's log and the bench print one line per job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from .models import SweepRun


@dataclass
class SweepResult:
    """What one sweep did: readable counts ("tasks created": 2) in the order they print."""

    name: str
    counts: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    notes: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, name: str, phrases: Iterable[str]) -> SweepResult:
        """A result whose counts start at zero, so a quiet day still prints every count."""
        return cls(name, dict.fromkeys(phrases, 0))

    def add(self, phrase: str, n: int = 1) -> None:
        self.counts[phrase] = self.counts.get(phrase, 0) + n

    def __getitem__(self, phrase: str) -> int:
        return self.counts.get(phrase, 0)

    @property
    def changed(self) -> int:
        """Every row the sweep made or closed: zero means a repeat run did nothing."""
        return sum(n for phrase, n in self.counts.items() if not phrase.endswith(("checked", "skipped")))

    def line(self) -> str:
        text = f"{self.name}: " + (", ".join(f"{n} {phrase}" for phrase, n in self.counts.items()) or "done")
        if self.errors:
            text += f", {self.errors} errors (see the log)"
        return text + "".join(f"; {note}" for note in self.notes)


def sweep_last_finished(job: str, *, before: date) -> date | None:
    """The latest day up to ``before`` for which the job last finished (``sweep_finished``)."""
    return (
        SweepRun.objects.filter(job=job, as_of__lte=before)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )


def sweep_finished(job: str, *, as_of: date) -> None:
    """Record that ``job`` finished its run for ``as_of`` (the daily jobs call it after each job)."""
    SweepRun.objects.update_or_create(job=job, as_of=as_of, defaults={"finished_at": timezone.now()})
