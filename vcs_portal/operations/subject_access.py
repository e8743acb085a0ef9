"""Subject access: everything the portal holds about one victim, for a data protection request.

UK GDPR Article 15 gives the victim a copy of their personal data. The export gathers the
victim's record with its contact details decrypted, every address (current and former, with
the flags that say which may be used), and each of their cases with what was recorded on it,
plus the log of who opened or changed those records. It is a read, but it discloses personal
data in bulk, so the export itself is audited (``AuditAction.EXPORT``).

Left out on purpose: the offender's own details and where they are held (third-party data,
and never disclosed to a victim: DOMAIN.md section 5) and other victims' records. Every case
the victim has is included, whichever region holds it: the request is to the organisation.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from contacts.models import Contact
from offenders.models import EligibilityAssessment
from vcs_portal.core.audit import VICTIM_LABEL, audit_record
from vcs_portal.core.models import AuditAction, AuditEvent, User
from vcs_portal.letters.models import Letter
from victims.models import Address, Case, SafetyConcern, Victim, VictimRestriction

EXPORT_SUMMARY = "subject access export"
SUMMARY_VIEW = "subject access summary"

# Per case, the related records to include: (key in the export, related name, fields to leave out).
CASE_RECORDS: list[tuple[str, str, tuple[str, ...]]] = [
    ("status_history", "status_changes", ()),
    ("victim_choices", "choices", ()),
    ("safety_concerns", "safety_concerns", ()),
    ("contacts", "contacts", ()),
    ("tasks", "tasks", ("dedupe_key",)),
    ("referrals_out", "referrals_out", ()),
    ("licence_conditions", "licence_conditions", ()),
    ("personal_statements", "personal_statements", ()),
    ("reconsideration_requests", "reconsideration_requests", ()),
    ("tribunal_hearings", "tribunal_hearings", ()),
    ("hospital_managers_referrals", "hospital_managers_referrals", ()),
    ("multi_agency_meetings", "multi_agency_meetings", ()),
]
# The case skeleton leaves out the parties (the victim is the whole export; the offender is a
# third party) and internal links; the deadlines are grouped with their rules instead.
DEADLINE_STEPS = ("referral", "first_contact", "escalation")
CASE_EXCLUDE = (
    "victim",
    "offender",
    "created_by",
    *(f"{step}_{part}" for step in DEADLINE_STEPS for part in ("due", "rule")),
)
LETTER_EXCLUDE = ("case", "pdf", "address")


class _Serialiser:
    """Turns rows into plain dicts: choice labels, people by name, decrypted values."""

    def __init__(self) -> None:
        self._people: dict[int, str] = {}

    def person(self, pk: int | None) -> str | None:
        if pk is None:
            return None
        if pk not in self._people:
            user = User.objects.filter(pk=pk).only("first_name", "last_name", "email").first()
            self._people[pk] = (user.get_full_name() or user.email) if user else f"user {pk}"
        return self._people[pk]

    def record(self, obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for field in obj._meta.concrete_fields:
            if field.name in exclude:
                continue
            if field.is_relation:
                pk = getattr(obj, field.attname)
                if field.related_model is User:
                    row[field.name] = self.person(pk)
                elif field.name == "case":
                    continue  # the export is grouped by case already
                else:
                    related = getattr(obj, field.name)
                    row[field.name] = str(related) if related is not None else None
            elif field.choices:
                row[field.name] = getattr(obj, f"get_{field.name}_display")()
            else:
                row[field.name] = getattr(obj, field.attname)
        return row


def _eligibility(case: Case) -> dict[str, Any] | None:

    assessment = (
        EligibilityAssessment.objects.filter(sentence_id=case.sentence_id)
        .order_by("-assessed_at", "-pk")
        .first()
    )
    if assessment is None:
        return None
    return {
        "outcome": assessment.get_outcome_display(),
        "rule": assessment.rule,
        "reasons": assessment.reasons,
        "assessed_on": assessment.assessed_on,
    }


def _case(case: Case, s: _Serialiser) -> dict[str, Any]:
    data = s.record(case, exclude=CASE_EXCLUDE)
    data["deadlines"] = {
        step: {"due": getattr(case, f"{step}_due"), "rule": getattr(case, f"{step}_rule")}
        for step in DEADLINE_STEPS
    }
    data["eligibility"] = _eligibility(case)
    for key, related_name, exclude in CASE_RECORDS:
        data[key] = [s.record(row, exclude=exclude) for row in getattr(case, related_name).all()]
    data["letters"] = [s.record(letter, exclude=LETTER_EXCLUDE) for letter in case.letters.all()]
    return data


def _access_log(victim: Victim, cases: list[Case], s: _Serialiser) -> list[dict[str, Any]]:
    """Who opened or changed this victim's records: their own rows only, never another victim's."""

    def ids(values: Any) -> list[str]:
        return [str(pk) for pk in values]

    case_pks = [c.pk for c in cases]
    objects: dict[str, list[str]] = {
        VICTIM_LABEL: [str(victim.pk)],
        "victims.Case": ids(case_pks),
        "victims.Address": ids(Address.objects.filter(victim=victim).values_list("pk", flat=True)),
        "victims.VictimRestriction": ids(
            VictimRestriction.objects.filter(victim=victim).values_list("pk", flat=True)
        ),
        "victims.SafetyConcern": ids(
            SafetyConcern.objects.filter(case_id__in=case_pks).values_list("pk", flat=True)
        ),
        "contacts.Contact": ids(Contact.objects.filter(case_id__in=case_pks).values_list("pk", flat=True)),
    }
    objects["letters.Letter"] = ids(Letter.objects.filter(case_id__in=case_pks).values_list("pk", flat=True))
    where = Q(pk__in=[])
    for label, pks in objects.items():
        if pks:
            where |= Q(object_type=label, object_id__in=pks)
    events = AuditEvent.objects.filter(where).order_by("at", "id")
    return [
        {
            "at": e.at,
            "who": s.person(e.actor_id) or "System",
            "action": e.get_action_display(),
            "record": f"{e.object_type} {e.object_id}",
            "summary": e.summary,
        }
        for e in events
    ]


def _cases(victim: Victim) -> list[Case]:
    return list(
        victim.cases.select_related("team", "officer", "sentence", "discretionary_approved_by").order_by(
            "referral_received_on", "pk"
        )
    )


def subject_access_export(*, actor: User, victim: Victim) -> dict[str, Any]:
    """Everything held about ``victim``, JSON-serialisable (dates as ISO 8601); audited as an export."""
    s = _Serialiser()
    cases = _cases(victim)
    data = {
        "generated_at": timezone.now(),
        "generated_by": actor.get_full_name() or actor.email,
        "victim": s.record(victim),
        "addresses": [
            s.record(a, exclude=("victim",)) for a in victim.addresses.order_by("-valid_from", "-pk")
        ],
        "restrictions": [s.record(r, exclude=("victim",)) for r in victim.restrictions.order_by("added_at")],
        "cases": [_case(case, s) for case in cases],
        "access_log": _access_log(victim, cases, s),
    }
    audit_record(actor=actor, action=AuditAction.EXPORT, obj=victim, summary=EXPORT_SUMMARY)
    # A round trip through the encoder turns dates, times and decimals into strings once, here.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def subject_access_summary(*, actor: User, victim: Victim) -> dict[str, Any]:
    """Counts for the page before downloading: what the export will hold. Audited as a view."""

    cases = _cases(victim)
    summary = {
        "victim": victim,
        "cases": cases,
        "addresses": victim.addresses.count(),
        "restrictions": victim.restrictions.count(),
        "contacts": Contact.objects.filter(case__victim=victim).count(),
        "letters": None,
    }
    summary["letters"] = Letter.objects.filter(case__victim=victim).count()
    audit_record(actor=actor, action=AuditAction.VIEW, obj=victim, summary=SUMMARY_VIEW)
    return summary
