"""Demo data for ``make run``, created through the real services (never with DEBUG off).

Two regions (North West with two teams, Wales with one) and a case at each stage of the scheme:
referred, opted in, parole review, released and closed. Every case tells one consistent story:
a case whose first contact is met has the contact that met it in its log, an opted-in case
has the offer and the reply, a released offender has the release event and the date it met.
Idempotent: a case is created only if its officer has none for the offender's PNC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from contacts import services as contact_services
from contacts.models import ContactWith, Direction, Method
from offenders import services as offender_services
from offenders.models import EventKind, KeyDateKind, Offence, SecurityCategory, SentenceType
from parole import services as parole_services
from parole.models import ReviewKind
from vcs_portal.core.models import User
from victims import services
from victims.models import Case, CaseStatus, ClosureReason, ContactLevel, Relationship

# The stages a demo case is taken through, in order.
REFERRED = "referred"
OPTED_IN = "opted_in"
PAROLE_REVIEW = "parole_review"
RELEASED = "released"
CLOSED = "closed"
NEVER_OFFERED = "never_offered"  # still referred after its first-contact deadline: red on dashboards


@dataclass(frozen=True)
class DemoCase:
    officer: str  # the demo user's email
    offender: tuple[str, str, str]  # first, last, PNC
    offence: str
    sentence_type: str
    years: int | None
    victim: tuple[str, str]
    relationship: str
    days_ago: int  # sentence date, in days before today
    stage: str
    postcode: str = "M5 4WT"
    town: str = "Salford"
    tariff_years: int | None = None
    aliases: tuple[tuple[str, str], ...] = field(default_factory=tuple)


VLO = "vlo@demo.vcs.local"
TEAMMATE = "vlo2@demo.vcs.local"
LIVERPOOL_VLO = "liverpool.vlo@demo.vcs.local"
WALES_VLO = "wales.vlo@demo.vcs.local"

DEMO_CASES = [
    DemoCase(
        VLO, ("Craig", "Bell", "88/100003C"), "SCA15_S76", SentenceType.DETERMINATE, 2,
        ("Amira", "Shah"), Relationship.DIRECT, 5, REFERRED,
    ),
    DemoCase(
        VLO, ("Dean", "Mason", "85/100001A"), "OAPA_S18", SentenceType.DETERMINATE, 6,
        ("Sarah", "Okafor"), Relationship.DIRECT, 45, OPTED_IN, aliases=(("Deano", "Mason"),),
    ),
    DemoCase(
        VLO, ("Lee", "Harper", "90/100002B"), "MURDER", SentenceType.LIFE, None,
        ("Joan", "Whitley"), Relationship.BEREAVED, 365 * 4 - 60, PAROLE_REVIEW, tariff_years=4,
    ),
    DemoCase(
        VLO, ("Paul", "Regan", "87/100004D"), "OAPA_S18", SentenceType.DETERMINATE, 2,
        ("Chloé", "Dubois"), Relationship.DIRECT, 400, RELEASED, postcode="M14 5RQ", town="Manchester",
    ),
    DemoCase(
        VLO, ("Gary", "Nolan", "86/100005E"), "OAPA_S18", SentenceType.DETERMINATE, 3,
        ("Priya", "Patel"), Relationship.DIRECT, 120, CLOSED, postcode="M20 2RN", town="Manchester",
    ),
    DemoCase(
        TEAMMATE, ("Ryan", "Cole", "89/100006F"), "OAPA_S18", SentenceType.DETERMINATE, 4,
        ("Helen", "Byrne"), Relationship.DIRECT, 60, OPTED_IN, postcode="M4 1HN", town="Manchester",
    ),
    DemoCase(
        LIVERPOOL_VLO, ("Mark", "Doyle", "84/100007G"), "OAPA_S18", SentenceType.DETERMINATE, 5,
        ("Siobhán", "Kelly"), Relationship.DIRECT, 70, NEVER_OFFERED, postcode="L1 8JQ", town="Liverpool",
    ),
    DemoCase(
        WALES_VLO, ("Rhys", "Morgan", "83/100008H"), "OAPA_S18", SentenceType.DETERMINATE, 4,
        ("Angharad", "Jones"), Relationship.DIRECT, 50, OPTED_IN, postcode="CF10 1EP", town="Cardiff",
    ),
]  # fmt: skip


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _first_contact(*, vlo: User, case: Case, on: date) -> None:
    """The phone call that offers the scheme: it meets the first-contact deadline, and the log shows it."""
    contact_services.contact_record(
        actor=vlo,
        case=case,
        occurred_at=_at(on),
        method=Method.PHONE,
        direction=Direction.OUTGOING,
        with_whom=ContactWith.VICTIM,
        summary="Introduced the Victim Contact Scheme and explained what it offers. Offer letter to follow.",
    )
    services.case_status_change(actor=vlo, case=case, to_status=CaseStatus.OFFER_SENT, changed_on=on)


def _opt_in(*, vlo: User, case: Case, on: date) -> None:
    contact_services.contact_record(
        actor=vlo,
        case=case,
        occurred_at=_at(on, 14),
        method=Method.PHONE,
        direction=Direction.INCOMING,
        with_whom=ContactWith.VICTIM,
        summary="Victim rang to join the scheme and asked to hear about every key stage.",
    )
    services.case_status_change(
        actor=vlo,
        case=case,
        to_status=CaseStatus.OPTED_IN,
        changed_on=on,
        contact_level=ContactLevel.ALL_KEY_STAGES,
        how_received="phone",
    )


def _case_create(*, vlo: User, demo: DemoCase, number: int, today: date) -> Case:
    first, last, pnc = demo.offender
    sentenced = today - timedelta(days=demo.days_ago)
    offender = offender_services.offender_create(
        actor=vlo,
        team=vlo.team,
        first_name=first,
        last_name=last,
        pnc_number=pnc,
        date_of_birth=date(1975 + number, number, 10),
        prison_number=f"A{1000 + number}BC",
        location="HMP Manchester" if not vlo.team.region.in_wales else "HMP Cardiff",
        offender_manager_name="Chris Doyle",
        aliases=demo.aliases,
    )
    offender_services.security_category_record(
        actor=vlo, offender=offender, category=SecurityCategory.B, effective_on=sentenced
    )
    sentence = offender_services.sentence_create(
        actor=vlo,
        offender=offender,
        sentence_type=demo.sentence_type,
        sentence_date=sentenced,
        court="Cardiff Crown Court" if vlo.team.region.in_wales else "Manchester Crown Court",
        years=demo.years,
        tariff_years=demo.tariff_years,
        counts=[
            offender_services.CountInput(
                offence=Offence.objects.get(code=demo.offence), offence_date=sentenced - timedelta(days=200)
            )
        ],
    )
    if demo.tariff_years:
        offender_services.key_date_record(
            actor=vlo,
            sentence=sentence,
            kind=KeyDateKind.TARIFF,
            on=sentenced + timedelta(days=365 * demo.tariff_years),
            source="Minimum term set by the court",
        )
    crd = sentenced + timedelta(days=365 * demo.years // 2) if demo.years else None
    if crd:
        offender_services.key_date_record(
            actor=vlo, sentence=sentence, kind=KeyDateKind.CRD, on=crd, source="Prison sentence calculation"
        )
    victim = services.victim_create(
        actor=vlo,
        team=vlo.team,
        first_name=demo.victim[0],
        last_name=demo.victim[1],
        date_of_birth=date(1970 + number * 3, 5, number),
        phone="07700 900" + f"{number:03d}",
        address=services.AddressInput(line_1=f"{number} Demo Street", town=demo.town, postcode=demo.postcode),
    )
    referred = sentenced + timedelta(days=3)
    case = services.case_create(
        actor=vlo,
        victim=victim,
        sentence=sentence,
        officer=vlo,
        relationship=demo.relationship,
        referral_received_on=referred,
    )
    if demo.stage in {REFERRED, NEVER_OFFERED}:
        return case
    _first_contact(vlo=vlo, case=case, on=referred + timedelta(days=7))
    if demo.stage == CLOSED:
        services.case_status_change(
            actor=vlo,
            case=case,
            to_status=CaseStatus.DECLINED,
            changed_on=referred + timedelta(days=20),
            reason="Victim does not want to hear about the offender.",
            how_received="letter",
        )
        services.case_status_change(
            actor=vlo,
            case=case,
            to_status=CaseStatus.CLOSED,
            changed_on=referred + timedelta(days=21),
            closure_reason=ClosureReason.DECLINED,
            reason="Declined the scheme in writing.",
        )
        return case
    _opt_in(vlo=vlo, case=case, on=referred + timedelta(days=27))
    if demo.stage == PAROLE_REVIEW:
        parole_services.parole_review_create(
            actor=vlo,
            sentence=sentence,
            referred_on=today - timedelta(days=90),
            kind=ReviewKind.ORAL,
            hearing_on=today + timedelta(days=40),
        )
    if demo.stage == RELEASED and crd:
        contact_services.sentence_event_add(
            actor=vlo,
            sentence=sentence,
            kind=EventKind.RELEASE,
            occurred_on=crd,
            detail="Released on licence at the conditional release date.",
        )
    return case


@transaction.atomic
def demo_cases_create(*, officers: dict[str, User]) -> int:
    """Create the demo cases their officers lack (matched by PNC). Returns how many were created."""
    today = timezone.localdate()
    created = 0
    for number, demo in enumerate(DEMO_CASES, start=1):
        vlo = officers.get(demo.officer)
        if vlo is None or vlo.cases.filter(offender__pnc_number=demo.offender[2]).exists():
            continue
        _case_create(vlo=vlo, demo=demo, number=number, today=today)
        created += 1
    return created
