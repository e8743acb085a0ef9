"""Demo cases for ``make run``, created through the real services (never with DEBUG off)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from offenders import services as offender_services
from offenders.models import KeyDateKind, Offence, SecurityCategory, SentenceType
from vcs_portal.core.models import User
from victims import services
from victims.models import CaseStatus, ContactLevel, Relationship


@dataclass(frozen=True)
class DemoCase:
    offender: tuple[str, str, str]  # first, last, PNC
    offence: str
    sentence_type: str
    years: int | None
    victim: tuple[str, str]
    relationship: str
    days_ago: int  # sentence date, in days before today


DEMO_CASES = [
    DemoCase(
        ("Dean", "Mason", "85/100001A"),
        "OAPA_S18",
        SentenceType.DETERMINATE,
        6,
        ("Sarah", "Okafor"),
        Relationship.DIRECT,
        45,
    ),
    DemoCase(
        ("Lee", "Harper", "90/100002B"),
        "MURDER",
        SentenceType.LIFE,
        None,
        ("Joan", "Whitley"),
        Relationship.BEREAVED,
        400,
    ),
    DemoCase(
        ("Craig", "Bell", "88/100003C"),
        "SCA15_S76",
        SentenceType.DETERMINATE,
        2,
        ("Amira", "Shah"),
        Relationship.DIRECT,
        20,
    ),
]


@transaction.atomic
def demo_cases_create(*, vlo: User) -> int:
    """Create the demo cases the VLO lacks (matched by PNC). Returns how many were created."""
    today = timezone.localdate()
    created = 0
    for number, demo in enumerate(DEMO_CASES, start=1):
        first, last, pnc = demo.offender
        if vlo.cases.filter(offender__pnc_number=pnc).exists():
            continue
        offence = Offence.objects.get(code=demo.offence)
        sentenced = today - timedelta(days=demo.days_ago)
        offender = offender_services.offender_create(
            actor=vlo,
            team=vlo.team,
            first_name=first,
            last_name=last,
            pnc_number=pnc,
            date_of_birth=date(1980 + number, number, 10),
            prison_number=f"A{1000 + number}BC",
            location="HMP Manchester",
            offender_manager_name="Chris Doyle",
        )
        offender_services.security_category_record(
            actor=vlo, offender=offender, category=SecurityCategory.B, effective_on=sentenced
        )
        sentence = offender_services.sentence_create(
            actor=vlo,
            offender=offender,
            sentence_type=demo.sentence_type,
            sentence_date=sentenced,
            court="Manchester Crown Court",
            years=demo.years,
            tariff_years=16 if demo.sentence_type == SentenceType.LIFE else None,
            counts=[
                offender_services.CountInput(offence=offence, offence_date=sentenced - timedelta(days=200))
            ],
        )
        if demo.sentence_type == SentenceType.LIFE:
            offender_services.key_date_record(
                actor=vlo,
                sentence=sentence,
                kind=KeyDateKind.TARIFF,
                on=sentenced + timedelta(days=365 * 16),
                source="Minimum term set by the court",
            )
        if demo.years and demo.years >= 2:
            offender_services.key_date_record(
                actor=vlo,
                sentence=sentence,
                kind=KeyDateKind.CRD,
                on=sentenced + timedelta(days=365 * demo.years // 2),
                source="Prison sentence calculation",
            )
        victim = services.victim_create(
            actor=vlo,
            team=vlo.team,
            first_name=demo.victim[0],
            last_name=demo.victim[1],
            date_of_birth=date(1975 + number * 3, 5, number),
            phone="07700 900" + f"{number:03d}",
            address=services.AddressInput(line_1=f"{number} Demo Street", town="Salford", postcode="M5 4WT"),
        )
        case = services.case_create(
            actor=vlo,
            victim=victim,
            sentence=sentence,
            officer=vlo,
            relationship=demo.relationship,
            referral_received_on=sentenced + timedelta(days=3),
        )
        if demo.days_ago > 100:
            services.case_status_change(
                actor=vlo,
                case=case,
                to_status=CaseStatus.OFFER_SENT,
                changed_on=sentenced + timedelta(days=10),
            )
            services.case_status_change(
                actor=vlo,
                case=case,
                to_status=CaseStatus.OPTED_IN,
                changed_on=sentenced + timedelta(days=30),
                contact_level=ContactLevel.ALL_KEY_STAGES,
                how_received="phone",
            )
        created += 1
    return created
