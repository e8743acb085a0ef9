"""National-scale synthetic data, for the dashboards and the bench: ``manage.py seed_national``.

Made-up people only: names are drawn from short lists, phone numbers from Ofcom's drama range,
email addresses from example.com. The same seed and the same day give the same data (row counts,
names, dates): every random choice comes from one ``random.Random(seed)`` in a fixed order.

Speed: the rows are written with PostgreSQL ``COPY`` (about twenty times faster than the ORM),
in one transaction, with every constraint, index and foreign key left on: a row the schema would
refuse makes the whole seed fail. Users, teams and regions (a few hundred rows) go through the ORM.
Columns the seeder does not set get their model default, so a field added later with a default
does not break it. Afterwards the tables are vacuumed and analysed, and the daily eligibility
sweep runs once, so the database looks like one that has been in service.

The data follows the scheme's lifecycle (DOMAIN.md): referral, offer letter (the first contact),
opt in, decline or no response, annual letters, key dates, parole reviews with victim personal
statements, licence conditions, closure when the sentence ends. About one case in twenty
referred in the last year is never offered the scheme, so the dashboards have something to show.
"""

from __future__ import annotations

import io
import json
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection, models, transaction
from django.utils import timezone

from contacts.models import Contact, ContactWith, Direction, Method, Priority, Task, TaskKind, TaskStatus
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
from parole.models import (
    ConditionKind,
    ConditionOutcome,
    LicenceConditionRequest,
    ParoleOutcome,
    ParoleReview,
    ReviewKind,
    VictimPersonalStatement,
)
from vcs_portal.core.fields import ENCRYPTED_FIELD_TYPES
from vcs_portal.core.models import AuditAction, AuditEvent, Region, Role, Team, User
from vcs_portal.dashboards.services import upcoming_sweep
from victims import deadlines
from victims.eligibility import eligibility_sweep
from victims.models import (
    Address,
    Case,
    CaseStatus,
    CaseStatusChange,
    Channel,
    ClosureReason,
    ContactLevel,
    Language,
    Relationship,
    Victim,
)

# --- sizes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    regions: int
    teams_per_region: int
    vlos: int
    offenders: int
    earlier_sentences: int  # offenders with a second, older sentence
    victims: int
    cases: int
    contacts: int
    events: int
    reviews: int


SCALES: dict[str, Scale] = {
    # About 189 VLOs with 139-278 cases each (DOMAIN.md section 1).
    "national": Scale(12, 4, 190, 45_000, 3_000, 60_000, 50_000, 1_000_000, 300_000, 20_000),
    "tiny": Scale(2, 2, 6, 90, 6, 120, 100, 2_000, 600, 40),
}

# The twelve probation regions of England and Wales, with up to four VLO teams each.
REGIONS: list[tuple[str, str, bool, list[str]]] = [
    ("North West", "nw", False, ["Preston", "Carlisle", "Blackpool"]),
    ("Wales", "wales", True, ["Cardiff", "Swansea", "Wrexham"]),
    ("London", "london", False, ["North London", "South London", "East London", "West London"]),
    ("Greater Manchester", "gm", False, ["Manchester", "Bolton", "Stockport", "Wigan"]),
    ("North East", "ne", False, ["Newcastle", "Sunderland", "Middlesbrough"]),
    ("Yorkshire and the Humber", "yh", False, ["Leeds", "Sheffield", "Hull", "Bradford"]),
    ("East Midlands", "em", False, ["Nottingham", "Leicester", "Derby"]),
    ("West Midlands", "wm", False, ["Birmingham", "Coventry", "Wolverhampton", "Stoke"]),
    ("East of England", "ee", False, ["Norwich", "Cambridge", "Chelmsford"]),
    ("Kent, Surrey and Sussex", "kss", False, ["Maidstone", "Guildford", "Brighton"]),
    ("South Central", "sc", False, ["Oxford", "Reading", "Southampton"]),
    ("South West", "sw", False, ["Bristol", "Exeter", "Plymouth"]),
]
REGION_CODE_PREFIX = "nat-"
USER_EMAIL_DOMAIN = "national.vcs.example"
UNUSABLE_PASSWORD = "!seeded-user-cannot-sign-in"  # noqa: S105 - Django treats a leading "!" as unusable

FIRST_NAMES = (  # noqa: SIM905 - a list of words reads better as text
    "Aaliyah Abdul Ada Aisha Alan Alfie Alice Amir Amy Andrew Anika Anna Archie Arthur Ava Barbara "
    "Ben Beth Bilal Bronwen Callum Carl Carys Charlotte Chloe Chris Claire Connor Dafydd Daniel "
    "David Dawn Declan Dylan Eden Eleanor Elijah Ella Emily Eric Erin Esther Ethan Evie Faisal "
    "Fatima Finn Freya Gareth George Grace Hamza Hannah Harriet Harry Hassan Heidi Helen Ibrahim "
    "Imogen Isaac Isla Jack Jade James Jasmine Jayden Joanne John Joseph Joshua Julie Kai Karen Kate "
    "Keith Kieran Layla Leah Leon Lewis Liam Lily Lois Lucy Luke Maisie Mark Martha Mason Megan Mia "
    "Michael Mohammed Molly Nadia Naomi Nathan Niamh Noah Olivia Omar Oscar Owen Paul Peter Phoebe "
    "Priya Rachel Rhys Riley Robert Rosie Ruby Ryan Saanvi Samuel Sara Sean Sian Sophie Stephen "
    "Susan Tariq Theo Thomas Tom Tyler Usman Victoria William Yasmin Yusuf Zara Zoe"
).split()
LAST_NAMES = (  # noqa: SIM905 - a list of words reads better as text
    "Ahmed Ali Allen Anderson Atkinson Bailey Baker Barker Bell Bennett Bevan Brown Butler Campbell "
    "Carter Chapman Clark Clarke Collins Cook Cooper Cox Davies Davis Dixon Edwards Ellis Evans "
    "Fisher Foster Fox Gill Graham Gray Green Griffiths Hall Harris Harrison Hill Holmes Hughes Hunt "
    "Hussain Jackson James Jenkins Johnson Jones Kaur Kelly Khan King Knight Lee Lewis Lloyd "
    "Marshall Martin Mason Matthews Miah Miller Mills Mitchell Moore Morgan Morris Murphy Owen "
    "Palmer Parker Patel Pearson Phillips Powell Price Pritchard Rahman Reid Richards Roberts "
    "Robinson Rogers Rose Russell Scott Shaw Simpson Singh Smith Stevens Stewart Taylor Thomas "
    "Thompson Turner Walker Ward Watson Webb White Wilkinson Williams Wilson Wood Wright Young"
).split()
STREETS = (  # noqa: SIM905 - a list of words reads better as text
    "Acacia Avenue,Albert Road,Alder Close,Beech Grove,Bridge Street,Chapel Lane,Church Road,"
    "Elm Street,Field View,George Street,Hawthorn Way,High Street,Hill Crescent,Kings Road,"
    "Manor Drive,Mill Lane,Oak Avenue,Park Road,Queens Walk,Station Road,Victoria Terrace,"
    "Willow Court"
).split(",")
COURTS = ("Crown Court", "Magistrates' Court")
PRISONS = (  # noqa: SIM905 - a list of words reads better as text
    "HMP Altcourse,HMP Birmingham,HMP Bristol,HMP Cardiff,HMP Durham,HMP Frankland,HMP Full Sutton,"
    "HMP Leeds,HMP Lewes,HMP Liverpool,HMP Long Lartin,HMP Manchester,HMP Nottingham,HMP Parc,"
    "HMP Wandsworth,HMP Whitemoor,HMP Wakefield,HMP Winchester,HMP Berwyn,HMP Swansea"
).split(",")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
HOSPITALS = ("Ashworth Hospital", "Broadmoor Hospital", "Rampton Hospital", "Caswell Clinic")

CONTACT_SUMMARIES: dict[str, tuple[str, ...]] = {
    ContactWith.VICTIM: (
        "Explained the scheme and what happens next.",
        "Talked through the sentence and how release decisions are made.",
        "Victim asked about licence conditions; explained how to request them.",
        "Checked the victim is happy with annual letters.",
        "Victim called with a question about the parole review.",
        "Explained what a victim personal statement is and how it may be used.",
        "Updated the victim on a transfer to another prison (no location given).",
        "Victim confirmed their contact preferences.",
        "Welfare check; no new concerns raised.",
    ),
    ContactWith.REPRESENTATIVE: (
        "Spoke to the victim's representative about the next key date.",
        "Representative asked for an update on the case.",
    ),
    ContactWith.OFFENDER_MANAGER: (
        "Asked the offender manager for the current key dates.",
        "Passed on the victim's requested licence conditions.",
        "Offender manager confirmed the release plan is being drafted.",
        "Discussed the risk management plan.",
    ),
    ContactWith.PRISON: ("Requested the sentence calculation.", "Confirmed the categorisation review date."),
    ContactWith.HOSPITAL: ("Asked the responsible clinician about leave plans.",),
    ContactWith.POLICE: ("Checked the victim's details with the police family liaison officer.",),
    ContactWith.VICTIM_SUPPORT: ("Referred the victim to Victim Support for emotional support.",),
    ContactWith.OTHER: ("Spoke to the witness care unit about the referral.",),
}
OTHER_PARTIES = [
    ContactWith.OFFENDER_MANAGER,
    ContactWith.PRISON,
    ContactWith.POLICE,
    ContactWith.VICTIM_SUPPORT,
    ContactWith.OTHER,
]

SENTENCE_TYPES: list[tuple[str, float]] = [
    (SentenceType.DETERMINATE, 62),
    (SentenceType.EXTENDED, 12),
    (SentenceType.SOPC, 3),
    (SentenceType.LIFE, 7),
    (SentenceType.IPP, 2),
    (SentenceType.DETENTION_YOUNG, 4),
    (SentenceType.DETENTION_PLEASURE, 1),
    (SentenceType.HOSPITAL_S37, 2),
    (SentenceType.HOSPITAL_S37_41, 4),
    (SentenceType.HOSPITAL_S45A, 1),
    (SentenceType.TRANSFER_S47_49, 2),
]
PAROLE_TYPES = {
    SentenceType.EXTENDED,
    SentenceType.SOPC,
    SentenceType.LIFE,
    SentenceType.IPP,
    SentenceType.DETENTION_PLEASURE,
}
HOSPITAL = {
    SentenceType.HOSPITAL_S37,
    SentenceType.HOSPITAL_S37_41,
    SentenceType.HOSPITAL_S45A,
    SentenceType.TRANSFER_S47_49,
}
INDETERMINATE = {SentenceType.LIFE, SentenceType.IPP, SentenceType.DETENTION_PLEASURE}
DISCRETIONARY_SHARE = 0.08  # discretionary (non-statutory) cases, approved by a manager
YEAR = 365

# --- writing rows with COPY -------------------------------------------------------------------


def _cell(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, list | dict):
        return _cell(json.dumps(value))
    return str(value)


class Copier:
    """Writes rows to a model's table with COPY; columns left out get the model's default."""

    BATCH = 50_000

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.counts: dict[str, int] = {}

    def reserve_ids(self, model: type[models.Model], n: int) -> int:
        """Take ``n`` consecutive ids from the table's identity sequence; returns the first."""
        if n <= 0:
            return 0
        table = model._meta.db_table
        self.cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = self.cursor.fetchone()
        self.cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = self.cursor.fetchone()
        self.cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
        return int(first)

    def _defaults(self, model: type[models.Model], columns: list[str]) -> tuple[list[str], list[str]]:
        """The columns the caller left out, with their defaults as COPY cells."""
        now = timezone.now()
        names, cells = [], []
        for f in model._meta.concrete_fields:
            if f.primary_key or f.column in columns or f.attname in columns:
                continue
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                value: Any = now
            else:
                value = f.get_default()
            if isinstance(value, models.Model):
                value = value.pk
            names.append(f.column)
            cells.append(_cell(value))
        return names, cells

    def copy(self, model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> int:
        table = model._meta.db_table
        extra_names, extra_cells = self._defaults(model, columns)
        suffix = ("\t" + "\t".join(extra_cells)) if extra_cells else ""
        rows = self._encrypting(model, columns, rows)
        sql = f'COPY "{table}" ({", ".join(f"{c}" for c in [*columns, *extra_names])}) FROM STDIN'
        total = 0
        buffer = io.StringIO()
        pending = 0
        for row in rows:
            buffer.write("\t".join(map(_cell, row)))
            buffer.write(suffix)
            buffer.write("\n")
            pending += 1
            if pending >= self.BATCH:
                total += self._flush(sql, buffer)
                buffer, pending = io.StringIO(), 0
        if pending:
            total += self._flush(sql, buffer)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + total
        return total

    @staticmethod
    def _encrypting(model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> Iterable[tuple]:
        """Encrypt the values of encrypted fields (contact details) as the ORM would store them."""
        by_column = {f.column: f for f in model._meta.concrete_fields}
        secret = [
            (i, by_column[c])
            for i, c in enumerate(columns)
            if isinstance(by_column.get(c), ENCRYPTED_FIELD_TYPES)
        ]
        if not secret:
            return rows

        def encrypt(row: tuple) -> tuple:
            values = list(row)
            for i, f in secret:
                values[i] = f.get_prep_value(values[i])
            return tuple(values)

        return map(encrypt, rows)

    def _flush(self, sql: str, buffer: io.StringIO) -> int:
        data = buffer.getvalue()
        buffer = io.StringIO(data)
        self.cursor.copy_expert(sql, buffer)
        return data.count("\n")


# --- the generated world ----------------------------------------------------------------------


@dataclass(slots=True)
class TeamInfo:
    team: Team
    vlos: list[User]
    manager: User


@dataclass(slots=True)
class SentenceInfo:
    pk: int
    offender_pk: int
    team: int  # index into teams
    kind: str
    on: date
    years: int | None
    months: int | None
    statutory: bool
    homicide: bool
    key_dates: dict[str, date] = field(default_factory=dict)
    released_on: date | None = None
    ended_on: date | None = None


@dataclass(slots=True)
class CaseInfo:
    pk: int
    sentence: SentenceInfo
    victim_pk: int
    team: int
    officer: User
    referral_on: date
    first_contact_due: date
    status: str = CaseStatus.REFERRED
    status_on: date | None = None
    first_contact_on: date | None = None
    engaged_on: date | None = None
    opted_in_on: date | None = None
    contact_level: str = ""
    closed_on: date | None = None
    closure_reason: str = ""
    changes: list[tuple[str, str, date, str]] = field(default_factory=list)


@dataclass
class SeedReport:
    seed: int
    scale: str
    today: date
    counts: dict[str, int]
    timings: dict[str, float]

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())


def _local(day: date, hour: int, minute: int) -> str:
    """A timestamp in UK local time, as COPY reads it (PostgreSQL resolves the zone)."""
    return f"{day.isoformat()} {hour:02d}:{minute:02d}:00 Europe/London"


class Seeder:
    """Generates and writes one national data set; ``run`` does everything in order."""

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

    # --- people and places (ORM: a few hundred rows) ---

    def places(self) -> None:
        scale = self.scale
        team_list: list[Team] = []
        regions: list[Region] = []
        for name, code, wales, towns in REGIONS[: scale.regions]:
            region, _ = Region.objects.get_or_create(
                code=f"{REGION_CODE_PREFIX}{code}", defaults={"name": name, "in_wales": wales}
            )
            regions.append(region)
            for town in towns[: scale.teams_per_region]:
                team, _ = Team.objects.get_or_create(region=region, name=f"{town} VLO team")
                team_list.append(team)
        existing = {u.email: u for u in User.objects.filter(email__endswith=f"@{USER_EMAIL_DOMAIN}")}
        new: list[User] = []

        def user(role: str, region: Region, team: Team | None, number: int, **extra: Any) -> User:
            first, last = self._name()
            email = f"{first}.{last}.{number}@{USER_EMAIL_DOMAIN}".lower()
            found = existing.get(email)
            if found is not None:
                return found
            made = User(
                email=email,
                first_name=first,
                last_name=last,
                role=role,
                region=region,
                team=team,
                password=UNUSABLE_PASSWORD,
                is_staff=role == Role.ADMIN,
                **extra,
            )
            new.append(made)
            return made

        per_team, extra_vlos = divmod(scale.vlos, len(team_list))
        number = 0
        for i, team in enumerate(team_list):
            vlos = []
            for _ in range(per_team + (1 if i < extra_vlos else 0)):
                number += 1
                vlos.append(user(Role.VLO, team.region, team, number))
            number += 1
            manager = user(Role.MANAGER, team.region, None, number)
            self.teams.append(TeamInfo(team=team, vlos=vlos, manager=manager))
        regional = []
        for region in regions:
            number += 1
            regional.append(user(Role.MANAGER, region, None, number, is_regional_manager=True))
        number += 1
        user(Role.ADMIN, regions[0], None, number)
        User.objects.bulk_create(new)
        through = User.managed_teams.through
        through.objects.bulk_create(
            [through(user_id=t.manager.pk, team_id=t.team.pk) for t in self.teams], ignore_conflicts=True
        )
        self.counts_users = len(new)

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
                    _local(today - timedelta(days=rng.randint(30, 5 * YEAR)), 9, 0),
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
                    _local(s.on + timedelta(days=2), 10, 0),
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

    # --- victims and cases ---

    def _lifecycle(self, c: CaseInfo) -> None:
        """Walk the case through the scheme up to today, recording each status change."""
        rng, today = self.rng, self.today
        changes = c.changes
        changes.append(("", CaseStatus.REFERRED, c.referral_on, "Referral received"))
        due = c.first_contact_due
        age = (today - c.referral_on).days

        def move(to: str, on: date, reason: str) -> None:
            changes.append((c.status, to, on, reason))
            c.status, c.status_on = to, on

        if age > 10 and rng.random() < 0.01:
            move(CaseStatus.CLOSED, c.referral_on + timedelta(days=rng.randint(1, 10)), "Duplicate referral")
            c.closure_reason, c.closed_on = ClosureReason.DUPLICATE, c.status_on
            return
        if today <= due:
            if age > 1 and rng.random() < 0.45:
                offer_on = c.referral_on + timedelta(days=rng.randint(1, age))
            else:
                return  # not yet due: waiting for the offer
        else:
            never = 0.05 if age < YEAR else 0.004
            roll = rng.random()
            if roll < never:
                return  # never offered: stays referred past its deadline
            if roll < never + 0.03:
                move(
                    CaseStatus.UNABLE_TO_TRACE,
                    c.referral_on + timedelta(days=rng.randint(5, 40)),
                    "No current address for the victim",
                )
                if rng.random() < 0.7 or c.status_on + timedelta(days=30) > today:
                    return
                offer_on = self._day_between(
                    c.status_on + timedelta(days=10), c.status_on + timedelta(days=90)
                )
            elif rng.random() < 0.18:  # late offer
                offer_on = due + timedelta(days=rng.randint(1, 40))
            else:
                offer_on = self._day_between(c.referral_on + timedelta(days=1), due)
        offer_on = min(offer_on, today)
        move(CaseStatus.OFFER_SENT, offer_on, "Offer letter sent")
        c.first_contact_on = offer_on
        if offer_on <= due and rng.random() < 0.82:
            c.engaged_on = min(self._day_between(offer_on, offer_on + timedelta(days=12)), due, today)
        reply_on = offer_on + timedelta(days=rng.randint(3, 45))
        if reply_on > today:
            return
        roll = rng.random()
        if roll < 0.55:
            move(CaseStatus.OPTED_IN, reply_on, "Victim opted in")
            c.opted_in_on = reply_on
            c.contact_level = rng.choices(
                [ContactLevel.ANNUAL, ContactLevel.ALL_KEY_STAGES, ContactLevel.RELEASE_MONTH], [40, 45, 15]
            )[0]
            if rng.random() < 0.05:
                out_on = self._day_between(reply_on + timedelta(days=30), today)
                if out_on > reply_on:
                    move(CaseStatus.OPTED_OUT, out_on, "Victim opted out")
        elif roll < 0.75:
            move(CaseStatus.DECLINED, reply_on, "Victim declined the scheme")
            if (today - reply_on).days > YEAR and rng.random() < 0.5:
                closed = reply_on + timedelta(days=rng.randint(100, 365))
                move(CaseStatus.CLOSED, closed, "Closed after the victim declined")
                c.closure_reason, c.closed_on = ClosureReason.DECLINED, closed
                return
        else:
            no_reply = offer_on + timedelta(days=rng.randint(28, 42))
            if no_reply <= today:
                move(CaseStatus.NO_RESPONSE, max(no_reply, reply_on), "No reply to the offer")
                if (today - no_reply).days > YEAR and rng.random() < 0.4:
                    closed = no_reply + timedelta(days=rng.randint(100, 365))
                    move(CaseStatus.CLOSED, closed, "No reply after repeated attempts")
                    c.closure_reason, c.closed_on = ClosureReason.OTHER, closed
                    return
        ended = c.sentence.ended_on
        if ended and ended < today and rng.random() < 0.9:
            closed = min(today, max(c.status_on or ended, ended) + timedelta(days=rng.randint(5, 60)))
            move(CaseStatus.CLOSED, closed, "The sentence has ended")
            c.closure_reason, c.closed_on = ClosureReason.SENTENCE_ENDED, closed
        elif rng.random() < 0.003:
            closed = self._day_between(c.status_on or c.referral_on, today)
            move(CaseStatus.CLOSED, closed, "The offender died")
            c.closure_reason, c.closed_on = ClosureReason.OFFENDER_DIED, closed

    def victims_and_cases(self, copier: Copier) -> None:
        rng, scale, today = self.rng, self.scale, self.today
        vic0 = copier.reserve_ids(Victim, scale.victims)
        case0 = copier.reserve_ids(Case, scale.cases)
        # One case per sentence; the rest are second victims (often bereaved family) on a sentence.
        hosts = list(self.sentences[: scale.cases])
        extra = scale.cases - len(hosts)
        homicides = [s for s in self.sentences if s.homicide] or self.sentences
        hosts += [
            rng.choice(homicides) if rng.random() < 0.6 else rng.choice(self.sentences) for _ in range(extra)
        ]
        relationships: list[str] = []
        for i, s in enumerate(hosts):
            referral_on = min(today, s.on + timedelta(days=rng.randint(3, 25)))
            c = CaseInfo(
                pk=case0 + i,
                sentence=s,
                victim_pk=vic0 + i,
                team=s.team,
                officer=self._officer(s.team),
                referral_on=referral_on,
                first_contact_due=self._deadline("first_contact_due", referral_on).due,
            )
            self._lifecycle(c)
            self.cases.append(c)
            if s.homicide:
                relationships.append(Relationship.BEREAVED)
            else:
                relationships.append(
                    Relationship.PARENT_OF_CHILD if rng.random() < 0.06 else Relationship.DIRECT
                )
        case_team = {c.victim_pk: c.team for c in self.cases}
        wales = set(Region.objects.filter(in_wales=True).values_list("pk", flat=True))
        in_wales = [t.team.region_id in wales for t in self.teams]

        def victim_rows() -> Iterator[tuple]:
            for i in range(scale.victims):
                pk = vic0 + i
                team = case_team.get(pk)
                if team is None:
                    team = rng.randrange(len(self.teams))
                first, last = self._name()
                child = rng.random() < 0.06
                born = today - timedelta(
                    days=rng.randint(8 * YEAR, 17 * YEAR) if child else rng.randint(18 * YEAR, 85 * YEAR)
                )
                g_first, g_last = (self._name()[0], last) if child else ("", "")
                yield (
                    pk,
                    self.teams[team].team.pk,
                    first,
                    last,
                    born,
                    f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.8 else "",
                    f"{first}.{last}{rng.randint(1, 99)}@example.com".lower() if rng.random() < 0.5 else "",
                    rng.choices([c for c, _ in Channel.choices], [50, 30, 15, 5])[0],
                    Language.WELSH if in_wales[team] and rng.random() < 0.2 else Language.ENGLISH,
                    g_first,
                    g_last,
                    "mother" if child else "",
                    _local(today - timedelta(days=rng.randint(0, 5 * YEAR)), 11, 0),
                    self._officer(team).pk,
                )

        copier.copy(
            Victim,
            [
                "id",
                "team_id",
                "first_name",
                "last_name",
                "date_of_birth",
                "phone",
                "email",
                "preferred_channel",
                "language",
                "guardian_first_name",
                "guardian_last_name",
                "guardian_relationship",
                "created_at",
                "created_by_id",
            ],
            victim_rows(),
        )

        def address_rows() -> Iterator[tuple]:
            for i in range(scale.victims):
                pk = vic0 + i
                team = self.teams[case_team.get(pk, 0)]
                town = team.team.name.replace(" VLO team", "")
                inward = "".join(rng.choice(POSTCODE_LETTERS) for _ in range(2))
                postcode = f"{rng.choice('BCDLMNS')}{rng.randint(1, 30)} {rng.randint(1, 9)}{inward}"
                officer = team.vlos[0] if team.vlos else team.manager
                moved = rng.random() < 0.1
                since = today - timedelta(days=rng.randint(10, 4 * YEAR))
                if moved:
                    yield (
                        pk,
                        f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                        town,
                        postcode,
                        False,
                        True,
                        since - timedelta(days=rng.randint(200, 2000)),
                        since,
                        officer.pk,
                    )
                yield (
                    pk,
                    f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                    town,
                    postcode,
                    True,
                    False,
                    since,
                    None,
                    officer.pk,
                )

        copier.copy(
            Address,
            [
                "victim_id",
                "line_1",
                "town",
                "postcode",
                "is_current",
                "do_not_use",
                "valid_from",
                "valid_to",
                "recorded_by_id",
            ],
            address_rows(),
        )
        copier.cursor.execute("SELECT nextval('victims_case_reference_seq')")
        (ref0,) = copier.cursor.fetchone()
        copier.cursor.execute("SELECT setval('victims_case_reference_seq', %s)", [ref0 + len(self.cases)])

        def case_rows() -> Iterator[tuple]:
            for i, c in enumerate(self.cases):
                s = c.sentence
                referral = self._deadline("referral_due", s.on)
                first = self._deadline("first_contact_due", c.referral_on)
                escalation = self._deadline("escalation_due", s.on)
                approved = None if s.statutory else self.teams[c.team].manager.pk
                yield (
                    c.pk,
                    f"VCS-{c.referral_on.year}-{ref0 + i:06d}",
                    c.victim_pk,
                    s.offender_pk,
                    s.pk,
                    self.teams[c.team].team.pk,
                    c.officer.pk,
                    relationships[i],
                    c.status,
                    c.status_on or c.referral_on,
                    c.closure_reason,
                    c.contact_level,
                    s.statutory,
                    approved,
                    c.referral_on,
                    referral.due,
                    referral.rule,
                    first.due,
                    first.rule,
                    escalation.due,
                    escalation.rule,
                    c.first_contact_on,
                    _local(c.referral_on, 9, 30),
                    c.officer.pk,
                )

        copier.copy(
            Case,
            [
                "id",
                "reference",
                "victim_id",
                "offender_id",
                "sentence_id",
                "team_id",
                "officer_id",
                "relationship",
                "status",
                "status_changed_on",
                "closure_reason",
                "contact_level",
                "statutory",
                "discretionary_approved_by_id",
                "referral_received_on",
                "referral_due",
                "referral_rule",
                "first_contact_due",
                "first_contact_rule",
                "escalation_due",
                "escalation_rule",
                "first_contact_on",
                "created_at",
                "created_by_id",
            ],
            case_rows(),
        )
        copier.copy(
            CaseStatusChange,
            ["case_id", "from_status", "to_status", "changed_on", "reason", "recorded_at", "recorded_by_id"],
            (
                (c.pk, before, after, on, reason, _local(on, 16, 0), c.officer.pk)
                for c in self.cases
                for before, after, on, reason in c.changes
            ),
        )
        copier.copy(
            AuditEvent,
            ["at", "actor_id", "action", "object_type", "object_id", "summary"],
            (
                (
                    _local(c.referral_on, 9, 30),
                    c.officer.pk,
                    AuditAction.CREATE,
                    "victims.Case",
                    str(c.pk),
                    "",
                )
                for c in self.cases
            ),
        )

    # --- sentence events, key dates, parole ---

    def events_and_key_dates(self, copier: Copier) -> None:
        rng, today = self.rng, self.today
        events: list[tuple] = []

        def event(s: SentenceInfo, kind: str, on: date, detail: str = "", location: str = "") -> None:
            if on <= today:
                events.append((s.pk, kind, on, detail, location, _local(on, 15, 0), self._officer(s.team).pk))

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
                            _local(recorded, 10, 0),
                            officer,
                        )
                        yield (
                            s.pk,
                            kind,
                            on,
                            "Prison recalculation",
                            _local(min(today, recorded + timedelta(days=rng.randint(30, 300))), 10, 0),
                            officer,
                        )
                    else:
                        yield (s.pk, kind, on, "Prison calculation", _local(recorded, 10, 0), officer)

        copier.copy(
            KeyDate,
            ["sentence_id", "kind", "date", "source", "recorded_at", "recorded_by_id"],
            key_date_rows(),
        )

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
                    _local(referred, 12, 0),
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
                        _local(invited, 14, 0),
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
                        _local(requested, 13, 0),
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

    # --- tasks and contacts ---

    def _task_row(
        self,
        c: CaseInfo,
        kind: str,
        key: str,
        title: str,
        due: date,
        done_on: date | None,
        priority: str = Priority.NORMAL,
        cancelled: bool = False,
    ) -> tuple:
        today, owner = self.today, c.officer.pk
        if done_on is not None and done_on <= today:
            status, outcome, completed = TaskStatus.DONE, "Done", _local(done_on, 16, 30)
        elif cancelled:
            status, outcome, completed = (
                TaskStatus.CANCELLED,
                "Case closed",
                _local(c.closed_on or today, 16, 30),
            )
        else:
            status, outcome, completed = TaskStatus.OPEN, "", None
        created = _local(min(today, due - timedelta(days=20)), 8, 0)
        return (c.pk, kind, title, due, owner, priority, status, outcome, key, created, owner, completed,
                owner if completed else None)  # fmt: skip

    def tasks(self, copier: Copier) -> None:
        rng, today = self.rng, self.today

        def rows() -> Iterator[tuple]:
            for c in self.cases:
                end = c.closed_on or today
                task = partial(self._task_row, c)
                closed = c.closed_on is not None
                yield task(
                    TaskKind.FIRST_CONTACT,
                    "first_contact",
                    "Make first contact with the victim",
                    c.first_contact_due,
                    c.first_contact_on,
                    Priority.HIGH,
                    cancelled=closed,
                )
                if c.first_contact_on is None and not closed and c.first_contact_due < today:
                    yield task(
                        TaskKind.ESCALATION,
                        "escalation",
                        "Escalation: first contact with the victim is overdue",
                        c.first_contact_due + timedelta(days=1),
                        None,
                        Priority.HIGH,
                    )
                if c.opted_in_on and c.contact_level in {ContactLevel.ANNUAL, ContactLevel.ALL_KEY_STAGES}:
                    stop = c.closed_on or (c.status_on if c.status == CaseStatus.OPTED_OUT else None) or today
                    due = c.opted_in_on + relativedelta(years=1)
                    while due <= stop + timedelta(days=30):
                        if due < today - timedelta(days=60) or rng.random() < 0.93:
                            done = due - timedelta(days=rng.randint(0, 25))
                            done = done if done <= today else None
                        else:
                            done = None  # overdue or coming up
                        gone = closed or (c.status == CaseStatus.OPTED_OUT)
                        yield task(
                            TaskKind.ANNUAL_LETTER,
                            f"annual:{due.year}",
                            "Send the annual letter",
                            due,
                            done,
                            cancelled=gone,
                        )
                        due += relativedelta(years=1)
                if c.first_contact_on and rng.random() < 0.6:
                    for n in range(rng.randint(1, 3)):
                        due = self._day_between(c.first_contact_on, end + timedelta(days=20))
                        done = due - timedelta(days=rng.randint(0, 5)) if rng.random() < 0.88 else None
                        if done is not None and done > today:
                            done = None
                        yield task(
                            TaskKind.FOLLOW_UP,
                            f"seed-follow-up:{n}",
                            "Follow up a contact",
                            due,
                            done,
                            cancelled=closed,
                        )
                for pk, hearing, _referred in self.reviews_by_sentence.get(c.sentence.pk, []):
                    if c.opted_in_on is None or hearing is None:
                        continue
                    due = hearing - timedelta(days=28)
                    done = due - timedelta(days=rng.randint(0, 10)) if rng.random() < 0.85 else None
                    yield task(
                        TaskKind.VPS_DUE,
                        f"vps:{pk}",
                        "Victim Personal Statement due",
                        due,
                        done,
                        cancelled=closed,
                    )

        copier.copy(
            Task,
            [
                "case_id",
                "kind",
                "title",
                "due_on",
                "owner_id",
                "priority",
                "status",
                "outcome",
                "dedupe_key",
                "created_at",
                "created_by_id",
                "completed_at",
                "completed_by_id",
            ],
            rows(),
        )

    def _contact_weight(self, c: CaseInfo) -> float:
        years = ((c.closed_on or self.today) - c.referral_on).days / YEAR
        if c.status == CaseStatus.OPTED_IN:
            return 4 + years * 9
        if c.status == CaseStatus.OPTED_OUT or (c.closed_on and c.opted_in_on):
            return 4 + years * 4
        if c.status in {CaseStatus.DECLINED, CaseStatus.NO_RESPONSE, CaseStatus.UNABLE_TO_TRACE}:
            return 4
        if c.status == CaseStatus.CLOSED:
            return 3
        return 1.5

    def contacts(self, copier: Copier) -> None:
        rng, today = self.rng, self.today
        weights = [self._contact_weight(c) for c in self.cases]
        total = sum(weights)
        target = self.scale.contacts
        counts = [int(w * target / total) for w in weights]
        for i in rng.sample(range(len(counts)), min(len(counts), target - sum(counts))):
            counts[i] += 1
        methods_victim = [
            Method.PHONE,
            Method.LETTER,
            Method.EMAIL,
            Method.HOME_VISIT,
            Method.OFFICE_VISIT,
            Method.VIDEO,
            Method.TEXT,
        ]
        method_weights = [40, 25, 15, 8, 4, 4, 4]

        def rows() -> Iterator[tuple]:
            for c, n in zip(self.cases, counts, strict=True):
                team = self.teams[c.team]
                end = c.closed_on or today
                made = 0
                if c.first_contact_on:
                    made += 1
                    yield (
                        c.pk,
                        _local(c.first_contact_on, 10, 0),
                        Method.LETTER,
                        Direction.OUTGOING,
                        ContactWith.VICTIM,
                        "Offer letter sent: explained the scheme and how to opt in.",
                        "",
                        c.officer.pk,
                        _local(c.first_contact_on, 10, 5),
                    )
                if c.engaged_on:
                    made += 1
                    incoming = rng.random() < 0.4
                    yield (
                        c.pk,
                        _local(c.engaged_on, rng.randint(9, 16), rng.randint(0, 59)),
                        Method.PHONE if rng.random() < 0.85 else Method.HOME_VISIT,
                        Direction.INCOMING if incoming else Direction.OUTGOING,
                        ContactWith.VICTIM,
                        "Talked through the scheme; the victim asked about the sentence.",
                        "Victim engaged",
                        c.officer.pk,
                        _local(c.engaged_on, 17, 0),
                    )
                for _ in range(max(0, n - made)):
                    if c.first_contact_on and rng.random() < 0.6:
                        with_whom = ContactWith.VICTIM if rng.random() < 0.93 else ContactWith.REPRESENTATIVE
                        day = self._day_between(c.first_contact_on, end)
                        method = rng.choices(methods_victim, method_weights)[0]
                    else:
                        with_whom = rng.choice(OTHER_PARTIES)
                        day = self._day_between(c.referral_on, end)
                        method = rng.choice([Method.PHONE, Method.EMAIL, Method.EMAIL, Method.LETTER])
                    author = c.officer if rng.random() < 0.9 or not team.vlos else rng.choice(team.vlos)
                    hour, minute = rng.randint(9, 16), rng.randint(0, 59)
                    yield (
                        c.pk,
                        _local(day, hour, minute),
                        method,
                        Direction.INCOMING if rng.random() < 0.3 else Direction.OUTGOING,
                        with_whom,
                        rng.choice(CONTACT_SUMMARIES[with_whom]),
                        "",
                        author.pk,
                        _local(day, 17, 30),
                    )

        copier.copy(
            Contact,
            [
                "case_id",
                "occurred_at",
                "method",
                "direction",
                "with_whom",
                "summary",
                "outcome",
                "author_id",
                "recorded_at",
            ],
            rows(),
        )

    # --- everything ---

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
