"""Parole reviews, victim personal statements and licence-condition requests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from offenders.models import KeyDateKind, SentenceType
from parole.models import (
    ConditionKind,
    ConditionOutcome,
    LicenceConditionRequest,
    ParoleOutcome,
    ParoleReview,
    ReviewKind,
    VictimPersonalStatement,
)
from victims.models import CaseStatus

from .base import SeederBase
from .copier import Copier
from .world import PAROLE_TYPES, CaseInfo, SentenceInfo, local_time


class ParolePhase(SeederBase):
    """Parole reviews, victim personal statements and licence-condition requests."""

    def parole(self, copier: Copier) -> None:
        rng, today = self.rng, self.today
        slots: list[tuple[SentenceInfo, date]] = []
        for s in self.sentences:
            if s.kind not in PAROLE_TYPES:
                continue
            eligible = s.key_dates.get(KeyDateKind.PED) or s.key_dates.get(KeyDateKind.TARIFF)
            if eligible is None:
                continue
            referred = eligible - timedelta(days=rng.randint(150, 240))
            while referred <= today:
                slots.append((s, referred))
                referred += timedelta(days=rng.randint(300, 730))
        # Recalled and long determinate sentences come before the Board too; top up to the target.
        determinate = [
            s for s in self.sentences if s.kind in {SentenceType.DETERMINATE, SentenceType.DETENTION_YOUNG}
        ]
        while len(slots) < self.scale.reviews and determinate:
            s = rng.choice(determinate)
            slots.append((s, self._day_between(s.on + timedelta(days=180), today)))
        if len(slots) > self.scale.reviews:
            slots = rng.sample(slots, self.scale.reviews)
        slots.sort(key=lambda slot: (slot[0].pk, slot[1]))
        review0 = copier.reserve_ids(ParoleReview, len(slots))
        reviews: list[tuple] = []
        hearings: list[tuple[int, SentenceInfo, date | None, date]] = []
        outcomes = [
            ParoleOutcome.NO_RELEASE,
            ParoleOutcome.RELEASE,
            ParoleOutcome.OPEN_RECOMMENDED,
            ParoleOutcome.OPEN_NOT_RECOMMENDED,
            ParoleOutcome.ADJOURNED,
        ]
        for i, (s, referred) in enumerate(slots):
            pk = review0 + i
            kind = ReviewKind.ORAL if rng.random() < 0.6 else ReviewKind.PAPER
            hearing: date | None = referred + timedelta(days=rng.randint(150, 220))
            if (today - referred).days < 100 and rng.random() < 0.4:
                hearing = None  # not listed yet
            outcome, decided = "", None
            if hearing is not None and hearing + timedelta(days=14) <= today:
                outcome = rng.choices(outcomes, [48, 25, 15, 7, 5])[0]
                decided = hearing + timedelta(days=rng.randint(3, 14))
            requested = received = None
            if decided and rng.random() < 0.2:
                requested = decided + timedelta(days=rng.randint(1, 10))
                received = requested + timedelta(days=rng.randint(5, 20)) if rng.random() < 0.8 else None
                if received and received > today:
                    received = None
                if requested > today:
                    requested = received = None
            reviews.append(
                (
                    pk,
                    s.pk,
                    referred,
                    kind,
                    hearing,
                    outcome,
                    decided,
                    requested,
                    received,
                    local_time(referred, 12, 0),
                    self._officer(s.team).pk,
                )
            )
            hearings.append((pk, s, hearing, referred))
        copier.copy(
            ParoleReview,
            [
                "id",
                "sentence_id",
                "referred_on",
                "kind",
                "hearing_on",
                "outcome",
                "decision_on",
                "summary_requested_on",
                "summary_received_on",
                "recorded_at",
                "recorded_by_id",
            ],
            reviews,
        )
        by_sentence: dict[int, list[CaseInfo]] = {}
        for c in self.cases:
            by_sentence.setdefault(c.sentence.pk, []).append(c)
        self.reviews_by_sentence: dict[int, list[tuple[int, date | None, date]]] = {}
        for pk, s, hearing, referred in hearings:
            self.reviews_by_sentence.setdefault(s.pk, []).append((pk, hearing, referred))

        def statement_rows() -> Iterator[tuple]:
            for pk, s, hearing, referred in hearings:
                if hearing is None:
                    continue
                for c in by_sentence.get(s.pk, []):
                    engaged = (
                        c.opted_in_on is not None
                        and c.opted_in_on < hearing
                        and c.status != CaseStatus.OPTED_OUT
                    )
                    if rng.random() >= (0.95 if engaged else 0.15):
                        continue
                    invited = min(today, referred + timedelta(days=rng.randint(7, 40)))
                    explained = received = submitted = None
                    if rng.random() < 0.95:
                        explained = min(today, invited + timedelta(days=rng.randint(1, 20)))
                        deadline = hearing - timedelta(days=28)
                        if rng.random() < 0.9:
                            received = explained + timedelta(days=rng.randint(5, 40))
                            received = received if received <= today else None
                            if received and rng.random() < 0.95:
                                submitted = min(
                                    received + timedelta(days=rng.randint(1, 10)), max(received, deadline)
                                )
                                submitted = submitted if submitted <= today else None
                    reads = submitted is not None and rng.random() < 0.3
                    yield (
                        c.pk,
                        pk,
                        invited,
                        explained,
                        received,
                        submitted,
                        reads,
                        False,
                        None,
                        local_time(invited, 14, 0),
                        c.officer.pk,
                    )

        copier.copy(
            VictimPersonalStatement,
            [
                "case_id",
                "review_id",
                "invited_on",
                "disclosure_explained_on",
                "received_on",
                "submitted_on",
                "wants_to_read_at_hearing",
                "non_disclosure_applied",
                "non_disclosure_applied_on",
                "recorded_at",
                "recorded_by_id",
            ],
            statement_rows(),
        )

        def condition_rows() -> Iterator[tuple]:
            kinds = [
                ConditionKind.NO_CONTACT,
                ConditionKind.EXCLUSION_ZONE,
                ConditionKind.NON_ASSOCIATION,
                ConditionKind.OTHER,
            ]
            for c in self.cases:
                if c.opted_in_on is None or rng.random() > 0.35:
                    continue
                s = c.sentence
                release = (
                    s.released_on or s.key_dates.get(KeyDateKind.CRD) or s.key_dates.get(KeyDateKind.TARIFF)
                )
                if release is None:
                    continue
                requested = max(c.opted_in_on, release - timedelta(days=rng.randint(40, 200)))
                if requested > today:
                    continue
                for kind in rng.sample(kinds, rng.choice([1, 1, 2])):
                    outcome, outcome_on, reason = ConditionOutcome.REQUESTED, None, ""
                    decided = release - timedelta(days=rng.randint(1, 20))
                    if decided <= today and decided > requested:
                        outcome_on = decided
                        if rng.random() < 0.87:
                            outcome = ConditionOutcome.IMPOSED
                        else:
                            outcome = ConditionOutcome.NOT_IMPOSED
                            reason = "Not necessary and proportionate given the other conditions."
                    zone = (
                        "The town centre, inside the ring road."
                        if kind == ConditionKind.EXCLUSION_ZONE
                        else ""
                    )
                    sent = min(today, requested + timedelta(days=rng.randint(1, 10)))
                    yield (
                        c.pk,
                        kind,
                        zone,
                        requested,
                        sent,
                        outcome,
                        outcome_on,
                        reason,
                        local_time(requested, 13, 0),
                        c.officer.pk,
                    )

        copier.copy(
            LicenceConditionRequest,
            [
                "case_id",
                "kind",
                "description",
                "requested_on",
                "sent_to_offender_manager_on",
                "outcome",
                "outcome_on",
                "outcome_reason",
                "recorded_at",
                "recorded_by_id",
            ],
            condition_rows(),
        )
