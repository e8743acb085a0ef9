"""Victims, their addresses and their cases, with each case's lifecycle of status changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from vcs_portal.core.models import AuditAction, AuditEvent, Region
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

from .base import SeederBase
from .copier import Copier
from .world import POSTCODE_LETTERS, STREETS, YEAR, CaseInfo, local_time


class CasesPhase(SeederBase):
    """Victims, their addresses and their cases, with each case's lifecycle of status changes."""

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
                    local_time(today - timedelta(days=rng.randint(0, 5 * YEAR)), 11, 0),
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
                    local_time(c.referral_on, 9, 30),
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
                (c.pk, before, after, on, reason, local_time(on, 16, 0), c.officer.pk)
                for c in self.cases
                for before, after, on, reason in c.changes
            ),
        )
        copier.copy(
            AuditEvent,
            ["at", "actor_id", "action", "object_type", "object_id", "summary"],
            (
                (
                    local_time(c.referral_on, 9, 30),
                    c.officer.pk,
                    AuditAction.CREATE,
                    "victims.Case",
                    str(c.pk),
                    "",
                )
                for c in self.cases
            ),
        )
