"""Tasks and the contact log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import partial

from dateutil.relativedelta import relativedelta

from contacts.models import Contact, ContactWith, Direction, Method, Priority, Task, TaskKind, TaskStatus
from victims.models import CaseStatus, ContactLevel

from .base import SeederBase
from .copier import Copier
from .world import CONTACT_SUMMARIES, OTHER_PARTIES, YEAR, CaseInfo, local_time


class ContactWorkPhase(SeederBase):
    """Tasks and the contact log."""

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
            status, outcome, completed = TaskStatus.DONE, "Done", local_time(done_on, 16, 30)
        elif cancelled:
            status, outcome, completed = (
                TaskStatus.CANCELLED,
                "Case closed",
                local_time(c.closed_on or today, 16, 30),
            )
        else:
            status, outcome, completed = TaskStatus.OPEN, "", None
        created = local_time(min(today, due - timedelta(days=20)), 8, 0)
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
                # As Case.objects.needs_escalation: a discretionary case is never overdue.
                overdue = c.first_contact_on is None and not closed and c.first_contact_due < today
                if overdue and c.sentence.statutory:
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
                        local_time(c.first_contact_on, 10, 0),
                        Method.LETTER,
                        Direction.OUTGOING,
                        ContactWith.VICTIM,
                        "Offer letter sent: explained the scheme and how to opt in.",
                        "",
                        c.officer.pk,
                        local_time(c.first_contact_on, 10, 5),
                    )
                if c.engaged_on:
                    made += 1
                    incoming = rng.random() < 0.4
                    yield (
                        c.pk,
                        local_time(c.engaged_on, rng.randint(9, 16), rng.randint(0, 59)),
                        Method.PHONE if rng.random() < 0.85 else Method.HOME_VISIT,
                        Direction.INCOMING if incoming else Direction.OUTGOING,
                        ContactWith.VICTIM,
                        "Talked through the scheme; the victim asked about the sentence.",
                        "Victim engaged",
                        c.officer.pk,
                        local_time(c.engaged_on, 17, 0),
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
                        local_time(day, hour, minute),
                        method,
                        Direction.INCOMING if rng.random() < 0.3 else Direction.OUTGOING,
                        with_whom,
                        rng.choice(CONTACT_SUMMARIES[with_whom]),
                        "",
                        author.pk,
                        local_time(day, 17, 30),
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
