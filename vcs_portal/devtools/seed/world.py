"""The generated world's sizes, word lists and shapes: what every phase draws from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from contacts.models import ContactWith
from offenders.models import SentenceType
from vcs_portal.core.models import Team, User
from victims.models import CaseStatus


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
    first_region: int = 0  # where in REGIONS its regions start


SCALES: dict[str, Scale] = {
    # About 189 VLOs with 139-278 cases each (DOMAIN.md section 1).
    "national": Scale(12, 4, 190, 45_000, 3_000, 60_000, 50_000, 1_000_000, 300_000, 20_000),
    # A tenth of the country's rows with the same caseloads, team sizes and region sizes (about 260
    # cases a VLO, 4 to 5 VLOs a team, London's four teams): the bench's growth figures compare the
    # two (docs/performance.md), so a regional page is measured on a region of the same size with
    # the rest of the country absent, as a team's page is on a team of the same size.
    "tenth": Scale(1, 4, 19, 4_500, 300, 6_000, 5_000, 100_000, 30_000, 2_000, first_region=2),
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


def local_time(day: date, hour: int, minute: int) -> str:
    """A timestamp in UK local time, as COPY reads it (PostgreSQL resolves the zone)."""
    return f"{day.isoformat()} {hour:02d}:{minute:02d}:00 Europe/London"
