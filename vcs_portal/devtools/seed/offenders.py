"""The offence catalogue, offenders with their sentences, and later the sentence events and key dates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from offenders.models import (
    EventKind,
    KeyDate,
    KeyDateKind,
    MappaLevel,
    Offence,
    Offender,
    SecurityCategoryChange,
    Sentence,
    SentenceEvent,
    SentenceOffence,
    SentenceType,
)
from vcs_portal.core.models import User

from .base import SeederBase
from .copier import Copier
from .world import (
    COURTS,
    DISCRETIONARY_SHARE,
    HOSPITAL,
    HOSPITALS,
    INDETERMINATE,
    PRISONS,
    SENTENCE_TYPES,
    YEAR,
    SentenceInfo,
    local_time,
)


class OffendersPhase(SeederBase):
    """The offence catalogue, offenders with their sentences, and later the sentence events and key dates."""

    # --- offences ---

    def offences(self) -> None:
        catalogue = list(Offence.objects.filter(is_active=True).order_by("code"))
        self.qualifying = [o for o in catalogue if o.is_sexual_or_violent and not o.murder]
        self.homicide = [o for o in catalogue if o.is_sexual_or_violent and (o.murder or o.homicide)]
        self.discretionary = [o for o in catalogue if o.discretionary_context and not o.is_sexual_or_violent]
        if not (self.qualifying and self.homicide and self.discretionary):
            raise RuntimeError("The offence catalogue is missing: run the migrations first.")

    # --- offenders and sentences ---

    def _team_weights(self) -> list[int]:
        return [len(t.vlos) or 1 for t in self.teams]

    def _sentence(self, pk: int, offender_pk: int, team: int, *, earlier: bool) -> SentenceInfo:
        rng, today = self.rng, self.today
        discretionary = rng.random() < DISCRETIONARY_SHARE
        if discretionary:
            kind = SentenceType.DETERMINATE if rng.random() < 0.7 else SentenceType.SUSPENDED
            age = rng.randint(20, 5 * YEAR)
            info = SentenceInfo(
                pk,
                offender_pk,
                team,
                kind,
                today - timedelta(days=age),
                0,
                rng.randint(4, 11),
                statutory=False,
                homicide=False,
            )
        else:
            kind = rng.choices([k for k, _ in SENTENCE_TYPES], [w for _, w in SENTENCE_TYPES])[0]
            if kind == SentenceType.IPP:  # abolished for new sentences in December 2012
                age = rng.randint(13 * YEAR + 60, 19 * YEAR)
            elif kind in INDETERMINATE or kind in {SentenceType.EXTENDED} or kind in HOSPITAL:
                age = rng.randint(20, 5 * YEAR) if rng.random() < 0.55 else rng.randint(5 * YEAR, 14 * YEAR)
            else:
                age = rng.randint(20, 5 * YEAR)
            if earlier:
                age += rng.randint(2 * YEAR, 4 * YEAR)
            years = months = None
            if kind in {SentenceType.DETERMINATE, SentenceType.DETENTION_YOUNG}:
                years = rng.choices([1, 2, 3, 4, 5, 6, 8, 10, 12], [10, 18, 16, 14, 10, 9, 8, 8, 7])[0]
                months = rng.choice([0, 0, 0, 6])
            elif kind in {SentenceType.EXTENDED, SentenceType.SOPC}:
                years, months = rng.randint(5, 16), 0
            homicide = kind in INDETERMINATE and kind != SentenceType.IPP and rng.random() < 0.7
            info = SentenceInfo(
                pk,
                offender_pk,
                team,
                kind,
                today - timedelta(days=age),
                years,
                months,
                statutory=True,
                homicide=homicide,
            )
        self._key_dates(info)
        return info

    def _key_dates(self, s: SentenceInfo) -> None:
        rng, kd = self.rng, s.key_dates
        term = relativedelta(years=s.years or 0, months=s.months or 0)
        if s.kind == SentenceType.SUSPENDED:
            s.ended_on = s.on + term + relativedelta(years=1)
            return
        if s.kind in {SentenceType.DETERMINATE, SentenceType.DETENTION_YOUNG}:
            end = s.on + term
            kd[KeyDateKind.CRD] = s.on + (end - s.on) / 2
            kd[KeyDateKind.LED] = kd[KeyDateKind.SED] = end
            if (s.years or 0) < 4 and rng.random() < 0.5:
                kd[KeyDateKind.HDCED] = kd[KeyDateKind.CRD] - timedelta(days=135)
            s.released_on = kd[KeyDateKind.CRD]
            s.ended_on = end
        elif s.kind in {SentenceType.EXTENDED, SentenceType.SOPC}:
            custodial = s.on + term
            kd[KeyDateKind.PED] = s.on + (custodial - s.on) * 2 / 3
            kd[KeyDateKind.CRD] = custodial
            kd[KeyDateKind.SED] = kd[KeyDateKind.LED] = custodial + relativedelta(years=rng.randint(1, 5))
            s.ended_on = kd[KeyDateKind.SED]
        elif s.kind in INDETERMINATE:
            tariff = rng.randint(2, 5) if s.kind == SentenceType.IPP else rng.randint(8, 25)
            kd[KeyDateKind.TARIFF] = s.on + relativedelta(years=tariff)

    def offenders_and_sentences(self, copier: Copier) -> None:
        rng, scale, today = self.rng, self.scale, self.today
        n_off = scale.offenders
        off0 = copier.reserve_ids(Offender, n_off)
        weights = self._team_weights()
        offender_team = rng.choices(range(len(self.teams)), weights, k=n_off)
        earlier = set(rng.sample(range(n_off), min(scale.earlier_sentences, n_off)))
        sent0 = copier.reserve_ids(Sentence, n_off + len(earlier))
        pk = sent0
        for i in range(n_off):
            if i in earlier:
                self.sentences.append(self._sentence(pk, off0 + i, offender_team[i], earlier=True))
                pk += 1
            self.sentences.append(self._sentence(pk, off0 + i, offender_team[i], earlier=False))
            pk += 1

        def offender_rows() -> Iterator[tuple]:
            for i in range(n_off):
                team = self.teams[offender_team[i]]
                first, last = self._name()
                pk = off0 + i
                om_first, om_last = self._name()
                yield (
                    pk,
                    team.team.pk,
                    first,
                    last,
                    date(1950, 1, 1) + timedelta(days=rng.randint(0, 53 * YEAR)),
                    f"{rng.randint(70, 99)}/{pk:07d}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}",
                    f"A{pk % 10000:04d}{rng.choice('ABCDEFGH')}{rng.choice('ABCDEFGH')}",
                    f"X{pk:06d}",
                    rng.choice([c for c, _ in MappaLevel.choices]),
                    rng.choice(PRISONS),
                    f"{om_first} {om_last}",
                    f"{om_first}.{om_last}@probation.example.gov.uk".lower(),
                    f"0300 555 {rng.randint(1000, 9999)}",
                    local_time(today - timedelta(days=rng.randint(30, 5 * YEAR)), 9, 0),
                    team.vlos[0].pk if team.vlos else team.manager.pk,
                )

        copier.copy(
            Offender,
            [
                "id",
                "team_id",
                "first_name",
                "last_name",
                "date_of_birth",
                "pnc_number",
                "prison_number",
                "crn",
                "mappa_level",
                "location",
                "offender_manager_name",
                "offender_manager_email",
                "offender_manager_phone",
                "created_at",
                "created_by_id",
            ],
            offender_rows(),
        )
        categories = ["A", "B", "C", "C", "C", "D"]
        copier.copy(
            SecurityCategoryChange,
            ["offender_id", "category", "effective_on", "recorded_by_id"],
            (
                (
                    s.offender_pk,
                    "H" if s.kind in HOSPITAL else rng.choice(categories),
                    min(today, s.on + timedelta(days=rng.randint(14, 400))),
                    self._officer(s.team).pk,
                )
                for s in self.sentences
            ),
        )

        def sentence_rows() -> Iterator[tuple]:
            for s in self.sentences:
                court = f"{self.teams[s.team].team.name.replace(' VLO team', '')} {rng.choice(COURTS)}"
                tariff = None
                if KeyDateKind.TARIFF in s.key_dates:
                    tariff = relativedelta(s.key_dates[KeyDateKind.TARIFF], s.on).years
                yield (
                    s.pk,
                    s.offender_pk,
                    s.kind,
                    s.on,
                    court,
                    tariff,
                    None,
                    s.years,
                    s.months,
                    None,
                    local_time(s.on + timedelta(days=2), 10, 0),
                    self._officer(s.team).pk,
                )

        copier.copy(
            Sentence,
            [
                "id",
                "offender_id",
                "sentence_type",
                "sentence_date",
                "court",
                "tariff_years",
                "tariff_months",
                "years",
                "months",
                "days",
                "created_at",
                "created_by_id",
            ],
            sentence_rows(),
        )

        def count_rows() -> Iterator[tuple]:
            for s in self.sentences:
                if not s.statutory:
                    pool = self.discretionary
                elif s.homicide:
                    pool = self.homicide
                else:
                    pool = self.qualifying
                for position in range(1, rng.choice([1, 1, 1, 2]) + 1):
                    yield (
                        s.pk,
                        rng.choice(pool).pk,
                        s.on - timedelta(days=rng.randint(60, 500)),
                        "concurrent",
                        position,
                    )

        copier.copy(
            SentenceOffence,
            ["sentence_id", "offence_id", "offence_date", "concurrency", "position"],
            count_rows(),
        )

    def _officer(self, team: int) -> User:
        info = self.teams[team]
        return self.rng.choice(info.vlos) if info.vlos else info.manager

    # --- sentence events and key dates ---

    def events_and_key_dates(self, copier: Copier) -> None:
        rng, today = self.rng, self.today
        events: list[tuple] = []

        def event(s: SentenceInfo, kind: str, on: date, detail: str = "", location: str = "") -> None:
            if on <= today:
                events.append(
                    (s.pk, kind, on, detail, location, local_time(on, 15, 0), self._officer(s.team).pk)
                )

        for s in self.sentences:
            place = rng.choice(HOSPITALS) if s.kind in HOSPITAL else rng.choice(PRISONS)
            event(s, EventKind.SENTENCED, s.on, "Sentenced at court", place)
            if s.kind in HOSPITAL:
                event(
                    s,
                    EventKind.HOSPITAL_TRANSFER,
                    s.on + timedelta(days=rng.randint(60, 900)),
                    "",
                    rng.choice(HOSPITALS),
                )
                if rng.random() < 0.5:
                    event(
                        s,
                        EventKind.TRIBUNAL,
                        s.on + timedelta(days=rng.randint(200, 1500)),
                        "Tribunal hearing",
                    )
                if rng.random() < 0.4:
                    event(
                        s,
                        EventKind.HOSPITAL_LEAVE,
                        s.on + timedelta(days=rng.randint(300, 2000)),
                        "Escorted leave",
                    )
                continue
            if s.kind == SentenceType.SUSPENDED:
                continue
            event(
                s,
                EventKind.TRANSFER,
                s.on + timedelta(days=rng.randint(10, 120)),
                "Moved after sentence",
                rng.choice(PRISONS),
            )
            ped = s.key_dates.get(KeyDateKind.PED) or s.key_dates.get(KeyDateKind.TARIFF)
            if ped:
                event(s, EventKind.PAROLE_ELIGIBILITY, ped, "Parole eligibility date reached")
            if s.released_on:
                event(s, EventKind.RELEASE, s.released_on, "Released on licence")
                if rng.random() < 0.1:
                    event(
                        s,
                        EventKind.RECALL,
                        s.released_on + timedelta(days=rng.randint(20, 400)),
                        "Recalled to custody",
                    )
            led = s.key_dates.get(KeyDateKind.LED)
            if led:
                event(s, EventKind.LICENCE_END, led, "Licence ended")
        # The rest: transfers, recategorisations, temporary release, at random through each sentence.
        fillers = [
            (EventKind.TRANSFER, "Transferred"),
            (EventKind.RECATEGORISATION, "Security category reviewed"),
            (EventKind.ROTL, "Release on temporary licence"),
            (EventKind.OPEN_CONDITIONS, "Moved to open conditions"),
        ]
        custodial = [s for s in self.sentences if s.kind not in HOSPITAL and s.kind != SentenceType.SUSPENDED]
        while len(events) < self.scale.events:
            s = rng.choice(custodial)
            end = min(today, s.released_on or today)
            kind, detail = rng.choices(fillers, [45, 35, 12, 8])[0]
            event(
                s,
                kind,
                self._day_between(s.on, end),
                detail,
                rng.choice(PRISONS) if kind == EventKind.TRANSFER else "",
            )
        del events[self.scale.events :]
        copier.copy(
            SentenceEvent,
            ["sentence_id", "kind", "occurred_on", "detail", "location", "recorded_at", "recorded_by_id"],
            events,
        )

        def key_date_rows() -> Iterator[tuple]:
            for s in self.sentences:
                officer = self._officer(s.team).pk
                recorded = min(today, s.on + timedelta(days=rng.randint(3, 20)))
                for kind, on in s.key_dates.items():
                    if rng.random() < 0.08:  # a recalculation: the newer row is the current date
                        yield (
                            s.pk,
                            kind,
                            on - timedelta(days=rng.randint(10, 90)),
                            "Prison calculation",
                            local_time(recorded, 10, 0),
                            officer,
                        )
                        yield (
                            s.pk,
                            kind,
                            on,
                            "Prison recalculation",
                            local_time(min(today, recorded + timedelta(days=rng.randint(30, 300))), 10, 0),
                            officer,
                        )
                    else:
                        yield (s.pk, kind, on, "Prison calculation", local_time(recorded, 10, 0), officer)

        copier.copy(
            KeyDate,
            ["sentence_id", "kind", "date", "source", "recorded_at", "recorded_by_id"],
            key_date_rows(),
        )
