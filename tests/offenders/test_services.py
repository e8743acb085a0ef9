"""Offender and sentence services: validation, history, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from offenders import services
from offenders.models import (
    EventKind,
    KeyDateKind,
    Offender,
    SecurityCategory,
    Sentence,
    SentenceEvent,
    SentenceType,
)
from tests.offenders.factories import OffenceFactory, OffenderFactory, SentenceFactory
from vcs_portal.core.models import AuditAction, AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2026, 11, 20)


def count(offence, **kwargs):
    return services.CountInput(offence=offence, **kwargs)


def test_offender_create_normalises_pnc_and_audits(vlo):
    offender = services.offender_create(
        actor=vlo, team=vlo.team, first_name=" Dean ", last_name="Mason", pnc_number="85/ 123456a"
    )
    assert offender.pnc_number == "85/123456A"
    assert offender.first_name == "Dean"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="offenders.Offender").exists()


def test_offender_birth_date_in_the_future_is_refused(vlo):
    with pytest.raises(ValidationError) as error:
        services.offender_create(
            actor=vlo,
            team=vlo.team,
            first_name="A",
            last_name="B",
            date_of_birth=TODAY + dt.timedelta(days=1),
        )
    assert "date_of_birth" in error.value.message_dict
    assert not Offender.objects.exists()


def test_sentence_before_the_offence_is_refused_and_nothing_saved(vlo):
    offender = OffenderFactory(team=vlo.team)
    with pytest.raises(ValidationError) as error:
        services.sentence_create(
            actor=vlo,
            offender=offender,
            sentence_type=SentenceType.DETERMINATE,
            sentence_date=dt.date(2026, 1, 10),
            court="Leeds Crown Court",
            years=3,
            counts=[count(OffenceFactory(), offence_date=dt.date(2026, 2, 1))],
        )
    assert "on or after the offence date" in error.value.message_dict["sentence_date"][0]
    assert not Sentence.objects.exists()


def test_determinate_sentence_needs_a_length(vlo):
    offender = OffenderFactory(team=vlo.team)
    with pytest.raises(ValidationError) as error:
        services.sentence_create(
            actor=vlo,
            offender=offender,
            sentence_type=SentenceType.DETERMINATE,
            sentence_date=dt.date(2026, 3, 10),
            court="Leeds Crown Court",
            counts=[count(OffenceFactory())],
        )
    assert "years" in error.value.message_dict


def test_life_sentence_needs_no_length(vlo):
    sentence = services.sentence_create(
        actor=vlo,
        offender=OffenderFactory(team=vlo.team),
        sentence_type=SentenceType.LIFE,
        sentence_date=dt.date(2026, 3, 10),
        court="Leeds Crown Court",
        tariff_years=18,
        counts=[count(OffenceFactory(code="MURDER_T", murder=True, homicide=True))],
    )
    assert sentence.is_indeterminate


def test_sentence_needs_an_offence(vlo):
    with pytest.raises(ValidationError) as error:
        services.sentence_create(
            actor=vlo,
            offender=OffenderFactory(team=vlo.team),
            sentence_type=SentenceType.DETERMINATE,
            sentence_date=dt.date(2026, 3, 10),
            court="Leeds Crown Court",
            years=2,
            counts=[],
        )
    assert "offence" in error.value.message_dict


def test_inactive_offence_is_refused(vlo):
    with pytest.raises(ValidationError):
        services.sentence_create(
            actor=vlo,
            offender=OffenderFactory(team=vlo.team),
            sentence_type=SentenceType.DETERMINATE,
            sentence_date=dt.date(2026, 3, 10),
            court="Leeds Crown Court",
            years=2,
            counts=[count(OffenceFactory(is_active=False))],
        )


def test_sentence_create_records_the_sentenced_event_with_counts(vlo):
    sentence = services.sentence_create(
        actor=vlo,
        offender=OffenderFactory(team=vlo.team),
        sentence_type=SentenceType.DETERMINATE,
        sentence_date=dt.date(2026, 3, 10),
        court="Leeds Crown Court",
        years=2,
        counts=[count(OffenceFactory()), count(OffenceFactory(), years=1, concurrency="consecutive")],
    )
    assert sentence.counts.count() == 2
    assert list(sentence.events.values_list("kind", flat=True)) == [EventKind.SENTENCED]


def test_release_before_the_sentence_is_refused(vlo):
    sentence = SentenceFactory(offender__team=vlo.team, sentence_date=dt.date(2026, 3, 10))
    with pytest.raises(ValidationError) as error:
        services.sentence_event_record(
            actor=vlo, sentence=sentence, kind=EventKind.RELEASE, occurred_on=dt.date(2026, 3, 1)
        )
    assert "on or after the sentence date" in error.value.message_dict["occurred_on"][0]
    assert not SentenceEvent.objects.filter(kind=EventKind.RELEASE).exists()


def test_release_in_the_future_is_refused_but_a_hearing_may_be_scheduled(vlo):
    sentence = SentenceFactory(offender__team=vlo.team, sentence_date=dt.date(2026, 3, 10))
    later = TODAY + dt.timedelta(days=30)
    with pytest.raises(ValidationError):
        services.sentence_event_record(
            actor=vlo, sentence=sentence, kind=EventKind.RELEASE, occurred_on=later
        )
    event = services.sentence_event_record(
        actor=vlo, sentence=sentence, kind=EventKind.PAROLE_HEARING, occurred_on=later
    )
    assert event.pk


def test_transfer_moves_the_offender_and_keeps_the_event(vlo):
    sentence = SentenceFactory(offender__team=vlo.team, offender__location="HMP Manchester")
    services.sentence_event_record(
        actor=vlo,
        sentence=sentence,
        kind=EventKind.TRANSFER,
        occurred_on=dt.date(2026, 6, 1),
        location="HMP Leyhill",
    )
    sentence.offender.refresh_from_db()
    assert sentence.offender.location == "HMP Leyhill"
    assert sentence.events.filter(kind=EventKind.TRANSFER, location="HMP Leyhill").exists()


def test_a_correction_is_a_new_event_pointing_to_the_old(vlo):
    sentence = SentenceFactory(offender__team=vlo.team)
    wrong = services.sentence_event_record(
        actor=vlo, sentence=sentence, kind=EventKind.ROTL, occurred_on=dt.date(2026, 6, 1)
    )
    fixed = services.sentence_event_record(
        actor=vlo, sentence=sentence, kind=EventKind.ROTL, occurred_on=dt.date(2026, 6, 2), corrects=wrong
    )
    assert fixed.corrects == wrong
    assert SentenceEvent.objects.filter(pk=wrong.pk, occurred_on=dt.date(2026, 6, 1)).exists()


def test_key_dates_keep_their_history_and_source(vlo):
    sentence = SentenceFactory(offender__team=vlo.team)
    services.key_date_record(
        actor=vlo,
        sentence=sentence,
        kind=KeyDateKind.CRD,
        on=dt.date(2028, 3, 1),
        source="Prison calculation",
    )
    services.key_date_record(
        actor=vlo, sentence=sentence, kind=KeyDateKind.CRD, on=dt.date(2028, 5, 1), source="Recalculated"
    )
    assert sentence.key_dates.filter(kind=KeyDateKind.CRD).count() == 2


def test_key_date_needs_a_source(vlo):
    sentence = SentenceFactory(offender__team=vlo.team)
    with pytest.raises(ValidationError) as error:
        services.key_date_record(
            actor=vlo, sentence=sentence, kind=KeyDateKind.PED, on=dt.date(2028, 1, 1), source=" "
        )
    assert "source" in error.value.message_dict


def test_security_category_history_is_kept(vlo):
    offender = OffenderFactory(team=vlo.team)
    services.security_category_record(
        actor=vlo, offender=offender, category=SecurityCategory.B, effective_on=dt.date(2026, 1, 1)
    )
    services.security_category_record(
        actor=vlo, offender=offender, category=SecurityCategory.D, effective_on=dt.date(2026, 9, 1)
    )
    assert offender.security_category.category == SecurityCategory.D
    assert offender.category_changes.count() == 2
