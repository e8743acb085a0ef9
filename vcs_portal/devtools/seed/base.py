"""The seeder's shared state and helpers."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from offenders.models import Offence
from victims import deadlines

from .world import FIRST_NAMES, LAST_NAMES, CaseInfo, Scale, SentenceInfo, TeamInfo


class SeederBase:
    """The state every phase shares (one ``random.Random`` drawn from in a fixed order) and small helpers.

    Each phase is a mixin of this class in its own module; ``run.Seeder`` puts them together and
    runs them in order. Attributes a phase sets for later phases are declared here.
    """

    counts_users: int
    qualifying: list[Offence]
    homicide: list[Offence]
    discretionary: list[Offence]
    reviews_by_sentence: dict[int, list[tuple[int, date | None, date]]]

    def __init__(self, *, seed: int, scale: Scale, scale_name: str, today: date, log: Callable[[str], None]):
        self.rng = random.Random(seed)
        self.seed = seed
        self.scale = scale
        self.scale_name = scale_name
        self.today = today
        self.log = log
        self.timings: dict[str, float] = {}
        self.teams: list[TeamInfo] = []
        self.sentences: list[SentenceInfo] = []
        self.cases: list[CaseInfo] = []
        self._deadline_cache: dict[tuple[str, date], deadlines.Deadline] = {}

    # --- helpers ---

    def _phase(self, name: str, fn: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = fn()
        self.timings[name] = time.perf_counter() - started
        self.log(f"  {name:<34} {self.timings[name]:6.1f} s")
        return result

    def _name(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    def _day_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def _deadline(self, rule: str, on: date) -> deadlines.Deadline:
        key = (rule, on)
        found = self._deadline_cache.get(key)
        if found is None:
            found = getattr(deadlines, rule)(on)
            self._deadline_cache[key] = found
        return found
