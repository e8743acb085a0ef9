"""Nothing about the victim goes out: a property over random victims.

Victims are filled with random contact details; every API response a client can get about
their offender (events in, consultations, the answer, webhooks, refusals) and every webhook
payload is searched for each of the victims' strings and each part of them, postcodes
included. The strings are drawn so that none can occur in a response by chance (names of six
letters or more, postcodes and phone numbers of their real shapes), so a hit is a leak.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.exchange.factories import domain_event
from tests.victims.factories import AddressFactory, CaseFactory
from vcs_portal.exchange import services
from vcs_portal.exchange.models import Consultation, Webhook
from victims.models import RestrictionKind, SafetyConcern, VictimRestriction

pytestmark = pytest.mark.django_db

word = st.from_regex(r"[A-Z][a-z]{5,11}", fullmatch=True)
postcode = st.from_regex(r"[A-PR-UWYZ][A-HK-Y][0-9]{1,2} [0-9][ABD-HJLNP-UW-Z]{2}", fullmatch=True)
phone = st.from_regex(r"07[0-9]{3} [0-9]{6}", fullmatch=True)
email = st.from_regex(r"[a-z]{6,10}\.[a-z]{6,10}@[a-z]{6,10}\.co\.uk", fullmatch=True)
birthday = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2005, 12, 31))
STREETS = ["Road", "Close", "Way"]
sentence = st.lists(word, min_size=4, max_size=7).map(lambda words: " ".join(words).lower())


@st.composite
def victim_details(draw):
    return {
        "first_name": draw(word),
        "last_name": draw(word) + "-" + draw(word),
        "guardian_first_name": draw(word),
        "guardian_last_name": draw(word),
        "date_of_birth": draw(birthday),
        "phone": draw(phone),
        "email": draw(email),
        "accessibility_needs": draw(sentence),
        "safe_times_to_call": draw(sentence),
        "line_1": f"{draw(st.integers(1, 999))} {draw(word)} {draw(st.sampled_from(STREETS))}",
        "line_2": draw(word) + " " + draw(word),
        "town": draw(word),
        "county": draw(word) + "shire",
        "postcode": draw(postcode),
        "old_postcode": draw(postcode),
        "restriction": draw(sentence),
        "concern": draw(sentence),
    }


def _strings(details: dict) -> set[str]:
    """Every string of the victim, and every part of it of three characters or more (but short numbers)."""
    dob = details["date_of_birth"]
    whole = {v for k, v in details.items() if isinstance(v, str)}
    whole.add(re.sub(r"\D", "", details["phone"]))
    parts = set(whole)
    for value in whole:
        parts |= {p for p in re.split(r"[\s@.\-/]+", value) if len(p) >= 3}
    # A house number or a run of a few digits alone identifies nobody, and is in any timestamp;
    # the phone number is searched whole, however spaced.
    parts = {p for p in parts if not (p.isdigit() and len(p) < 8)}
    # A date of birth whole, in its usual forms (its month's name alone is nobody's).
    parts |= {f"{dob:%-d %B %Y}", f"{dob:%d/%m/%Y}", dob.isoformat()}
    for code in (details["postcode"], details["old_postcode"]):
        outward, inward = code.split()
        parts |= {outward, inward, outward + inward}
    return parts


def _leaks(text: str, strings: set[str]) -> list[str]:
    lowered = text.lower()
    compact = re.sub(r"\s", "", lowered)
    return sorted(s for s in strings if s.lower() in lowered or re.sub(r"\s", "", s.lower()) in compact)


def _fill(victim, details: dict, vlo) -> None:
    for field in (
        "first_name",
        "last_name",
        "guardian_first_name",
        "guardian_last_name",
        "date_of_birth",
        "phone",
        "email",
        "accessibility_needs",
        "safe_times_to_call",
    ):
        setattr(victim, field, details[field])
    victim.save()
    victim.addresses.all().delete()
    AddressFactory(
        victim=victim,
        line_1=details["line_1"],
        line_2=details["line_2"],
        town=details["town"],
        county=details["county"],
        postcode=details["postcode"],
    )
    AddressFactory(
        victim=victim,
        line_1="1 Elsewhere Road",
        postcode=details["old_postcode"],
        is_current=False,
        do_not_use=True,
    )
    VictimRestriction.objects.filter(victim=victim).delete()
    VictimRestriction.objects.create(
        victim=victim, kind=RestrictionKind.OTHER, detail=details["restriction"], added_by=vlo
    )


_n = itertools.count(1)


@pytest.fixture
def second_victim(case, vlo):
    """A second victim of the same offender, on its own case."""
    return CaseFactory(team=case.team, officer=vlo, offender=case.offender, sentence=case.sentence).victim


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=victim_details(), second=victim_details())
def test_no_response_or_webhook_holds_any_part_of_any_victims_details(
    api, prison, case, second_victim, vlo, monkeypatch, django_capture_on_commit_callbacks, first, second
):
    _fill(case.victim, first, vlo)
    _fill(second_victim, second, vlo)
    SafetyConcern.objects.filter(case=case).delete()
    SafetyConcern.objects.create(
        case=case, raised_on=dt.date(2026, 4, 2), description=first["concern"], recorded_by=vlo
    )
    sent: list[bytes] = []
    monkeypatch.setattr(services, "_post", lambda url, body, headers: sent.append(body) or 200)
    n = next(_n)
    bodies = []
    with django_capture_on_commit_callbacks(execute=True):
        if not Webhook.objects.exists():
            bodies.append(api.post("/api/v1/webhooks", {"url": "https://prison.example/hooks"}).content)
        occurred = f"2026-04-{1 + n % 19:02d}T{n % 24:02d}:{n % 60:02d}:00+01:00"
        for body in (
            domain_event("A1234BC", occurred_at=occurred),
            domain_event("A1234BC", occurred_at=occurred),  # the replay
            domain_event("A1234BC", reason="NOT_A_REASON"),
            domain_event("Z9999ZZ"),
        ):
            response = api.post("/api/v1/events", body)
            bodies.append(response.content)
            if response.status_code == 202:
                bodies.append(api.get(response.json()["links"]["self"]).content)
        opened = api.post(
            "/api/v1/consultations",
            {
                "prisonNumber": "A1234BC",
                "kind": "parole_report",
                "dueOn": "2026-05-30",
                "question": "PAROM1?",
            },
        )
        bodies.append(opened.content)
        consultation = Consultation.objects.get(pk=opened.json()["id"])
        services.consultation_answer(
            actor=vlo,
            consultation=consultation,
            victims_in_scheme="yes",
            licence_conditions_requested="yes",
            licence_conditions="An exclusion zone around the victim's home town.",
            wishes_to_make_vps="yes",
            victim_last_contacted_on=dt.date(2026, 4, 14),
            response="Both victims are in the scheme and wish to make a VPS.",
        )
        bodies.append(api.get(f"/api/v1/consultations/{consultation.pk}").content)
    assert sent, "the webhook was not told"
    strings = _strings(first) | _strings(second)
    for body in [*bodies, *sent]:
        assert _leaks(body.decode(), strings) == [], body.decode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(details=victim_details(), pick=st.integers(0, 10_000), data=st.data())
def test_an_answer_holding_any_of_the_victims_details_cannot_be_sent(prison, case, vlo, details, pick, data):
    _fill(case.victim, details, vlo)
    dob = details["date_of_birth"]
    outward, inward = details["postcode"].split()
    candidates = [
        details["first_name"],
        details["last_name"],
        details["last_name"].split("-")[1],
        f"{details['first_name']} {details['last_name']}",
        details["line_1"],
        details["line_1"].split()[1],
        details["town"],
        details["county"],
        details["postcode"],
        outward + inward,
        outward,
        details["old_postcode"],
        details["phone"],
        details["phone"].replace(" ", ""),
        "+44 " + details["phone"][1:],
        details["email"],
        f"{dob:%-d %B %Y}",
        f"{dob:%d/%m/%Y}",
        details["restriction"],
        details["safe_times_to_call"],
    ]
    detail = candidates[pick % len(candidates)]
    field = data.draw(st.sampled_from(["licence_conditions", "response"]))
    text = f"The victim asked us to note: {detail}. Nothing more."
    consultation = services.consultation_open(
        client=prison[0], offender=case.offender, kind="recall", due_on=dt.date(2026, 5, 1), question="?"
    )
    answer = {
        "victims_in_scheme": "yes",
        "licence_conditions_requested": "yes",
        "licence_conditions": "An exclusion zone around the victim's home town.",
        "wishes_to_make_vps": "no",
        "victim_last_contacted_on": None,
        "response": "No concerns beyond the condition.",
    }
    answer[field] = text

    with pytest.raises(ValidationError) as caught:
        services.consultation_answer(actor=vlo, consultation=consultation, **answer)

    assert field in caught.value.message_dict
