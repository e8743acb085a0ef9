"""Which sentence events and key dates a victim hears about, by the level of contact they chose.

The rules only: ``contacts.services`` turns an alert into a task when a fact is recorded, and the
alerts sweep (``contacts.sweeps``) catches up any that were missed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from offenders.models import EventKind, KeyDate, KeyDateKind, SentenceEvent, SentenceType
from vcs_portal.core.pages import govuk_date as _d
from victims.models import Case, ContactLevel

# Which sentence events a victim hears about, by the level of contact they chose (DOMAIN.md s.4).
# - Release month only: the release itself. HDC is an early release; a conditional discharge is a
#   hospital patient's release, so a victim of a hospital-order patient is not left out.
# - Annual letter: releases, plus the events that end or reverse one (recall, death, deportation).
# - All key stages: everything after sentence, appeals included.
ALERT_EVENTS: dict[str, frozenset[str]] = {
    ContactLevel.RELEASE_MONTH: frozenset(
        {EventKind.RELEASE, EventKind.HDC, EventKind.CONDITIONAL_DISCHARGE}
    ),
    ContactLevel.ANNUAL: frozenset(
        {
            EventKind.RELEASE,
            EventKind.HDC,
            EventKind.CONDITIONAL_DISCHARGE,
            EventKind.RECALL,
            EventKind.DEATH,
            EventKind.DEPORTATION,
        }
    ),
    ContactLevel.ALL_KEY_STAGES: frozenset(set(EventKind) - {EventKind.SENTENCED}),
}
# A key date being set counts as this event for the rule above.
KEY_DATE_EVENTS: dict[str, str] = {
    KeyDateKind.CRD: EventKind.RELEASE,
    KeyDateKind.PED: EventKind.PAROLE_ELIGIBILITY,
}
# Events after which a victim is told the month only, never the day (DOMAIN.md s.5).
RELEASE_EVENTS = {EventKind.RELEASE, EventKind.HDC, EventKind.CONDITIONAL_DISCHARGE}
# For an unrestricted hospital-order patient the hospital managers, not the VLO, deal with the
# victim about the tribunal (DOMAIN.md s.6): no VLO task is made for these events.
HOSPITAL_MANAGERS_EVENTS = frozenset({EventKind.TRIBUNAL})


@dataclass(frozen=True)
class Alert:
    """Something a victim may need telling, as the rule sees it."""

    sentence_id: int
    event_kind: str  # which EventKind the level-of-contact rule treats this as
    dedupe_key: str
    title: str
    detail: str
    on: date
    recorded_on: date  # the task is due a set number of working days after this, whenever it is made


def _recorded_on(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def alert_wanted(alert: Alert, case: Case) -> bool:
    """Whether the victim of ``case`` (opted in) is to be told about ``alert``: their level of
    contact asks for it, it happened after the referral (before it, the offer explains it), and
    it is not a tribunal matter the hospital managers deal with."""
    if alert.event_kind not in ALERT_EVENTS.get(case.contact_level, ()):
        return False
    if alert.on < case.referral_received_on:
        return False
    unrestricted = case.sentence.sentence_type == SentenceType.HOSPITAL_S37
    return not (unrestricted and alert.event_kind in HOSPITAL_MANAGERS_EVENTS)


def event_alert(event: SentenceEvent) -> Alert:
    label = event.get_kind_display()
    if event.kind in RELEASE_EVENTS:
        tell = f"Tell the victim the month ({event.occurred_on:%B %Y}), never the exact date"
    else:
        tell = "Tell the victim what this means for them"
    # Never event.location or event.detail: they may name the prison (DOMAIN.md s.5).
    return Alert(
        sentence_id=event.sentence_id,
        event_kind=event.kind,
        dedupe_key=f"event:{event.pk}",
        title=f"Tell the victim: {label}" + (" (correction)" if event.corrects_id else ""),
        detail=f"{label} on {_d(event.occurred_on)}. {tell}, and never where the offender is held.",
        on=event.occurred_on,
        recorded_on=_recorded_on(event.recorded_at),
    )


def key_date_alert(key_date: KeyDate) -> Alert | None:
    event_kind = KEY_DATE_EVENTS.get(key_date.kind)
    if event_kind is None:
        return None
    label = key_date.get_kind_display()
    if event_kind in RELEASE_EVENTS:
        tell = f"Tell the victim the month ({key_date.date:%B %Y}), never the exact date"
    else:
        tell = "Tell the victim what this means for them"
    return Alert(
        sentence_id=key_date.sentence_id,
        event_kind=event_kind,
        dedupe_key=f"key_date:{key_date.pk}",
        title=f"Tell the victim: {label} set",
        detail=f"{label}: {_d(key_date.date)}. {tell}.",
        on=key_date.date,
        recorded_on=_recorded_on(key_date.recorded_at),
    )


def key_date_history(sentence_ids: Iterable[int]) -> dict[tuple[int, str], list[KeyDate]]:
    """Every CRD and PED of the sentences, newest first per (sentence, kind), in one query."""
    history: dict[tuple[int, str], list[KeyDate]] = defaultdict(list)
    for key_date in KeyDate.objects.filter(
        sentence_id__in=sentence_ids, kind__in=list(KEY_DATE_EVENTS)
    ).order_by("sentence_id", "kind", "-recorded_at", "-pk"):
        history[(key_date.sentence_id, key_date.kind)].append(key_date)
    return history


def key_date_is_news(key_date: KeyDate, history: list[KeyDate]) -> bool:
    """Whether ``key_date`` is the current value and differs from the one it replaced."""
    if not history or history[0].pk != key_date.pk:
        return False
    return len(history) == 1 or history[1].date != key_date.date
