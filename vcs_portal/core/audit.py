"""Write audit records, with the request's session and address taken from context.

Services call ``audit_record`` inside their own transaction, so an action and its
audit row commit or roll back together. The middleware puts the request's origin
in a context variable, so services need not be handed the request.
"""

from __future__ import annotations

import contextvars
import hashlib
from dataclasses import dataclass
from typing import Any, cast

from django.db import models
from django.utils import timezone

from .models import AccessAlert, AuditAction, AuditEvent, Role, User
from .prepared import Prepared, PreparedInsert


@dataclass(frozen=True)
class RequestOrigin:
    session_hash: str = ""
    ip_address: str | None = None
    path: str = ""


_origin: contextvars.ContextVar[RequestOrigin] = contextvars.ContextVar(
    "audit_origin",
    default=RequestOrigin(),  # noqa: B039 - a frozen dataclass
)


def session_hash(session_key: str | None) -> str:
    """A short digest that links rows of one session without storing its key."""
    if not session_key:
        return ""
    return hashlib.sha256(session_key.encode()).hexdigest()[:16]


def set_origin(origin: RequestOrigin) -> contextvars.Token[RequestOrigin]:
    return _origin.set(origin)


def reset_origin(token: contextvars.Token[RequestOrigin]) -> None:
    _origin.reset(token)


# Nearly every page writes one audit row: its INSERT is compiled once (core/prepared.py).
_insert_event: PreparedInsert[AuditEvent] = PreparedInsert(AuditEvent)


def audit_record(
    *,
    actor: User | None,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    summary: str = "",
    changes: dict[str, list[Any]] | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``obj``; never pass sensitive values in ``summary``.

    ``changes`` (``{field: [before, after]}``) is for reference data changed in the admin only.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or obj.pk
    origin = _origin.get()
    event = _insert_event.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:255],
        session_hash=origin.session_hash,
        ip_address=origin.ip_address,
        path=origin.path[:255],
        changes=changes or {},
    )
    if action == AuditAction.VIEW and object_type == VICTIM_LABEL and event.actor_id:
        unusual_access_check(user=cast(User, event.actor))  # actor_id is set, so actor is a User
    return event


def audit_record_many(
    *, actor: User | None, action: AuditAction | str, objs: list[models.Model], summary: str = ""
) -> int:
    """``audit_record`` for many objects in one INSERT: a sweep's thousands of new rows. Not for
    VIEW (which checks unusual access per event)."""
    if action == AuditAction.VIEW:
        raise ValueError("Views are audited one by one (audit_record): each is checked for unusual access.")
    origin = _origin.get()
    now = timezone.now()
    events = AuditEvent.objects.bulk_create(
        AuditEvent(
            at=now,
            actor=actor if actor is not None and actor.is_authenticated else None,
            action=action,
            object_type=obj._meta.label,
            object_id=str(obj.pk),
            summary=summary[:255],
            session_hash=origin.session_hash,
            ip_address=origin.ip_address,
            path=origin.path[:255],
        )
        for obj in objs
    )
    return len(events)


VICTIM_LABEL = "victims.Victim"

# How many different victims a user viewed since a moment: asked on every view of a victim.
_victims_viewed_since: Prepared[AuditEvent] = Prepared(
    lambda actor_id, since: AuditEvent.objects.filter(
        actor_id=actor_id, action=AuditAction.VIEW, object_type=VICTIM_LABEL, at__gte=since
    ).distinct("object_id")
)


def unusual_access_check(*, user: User) -> AccessAlert | None:
    """Alert admins and the user's managers when they view too many victims in an hour.

    The threshold is ``VCS_UNUSUAL_ACCESS_VICTIMS_PER_HOUR``. The message names the user
    and the count, never a victim.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.core.mail import send_mail
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    now = timezone.now()
    distinct = _victims_viewed_since.count(user.pk, now - timedelta(hours=1))
    if distinct <= settings.VCS_UNUSUAL_ACCESS_VICTIMS_PER_HOUR:
        return None
    hour = now.replace(minute=0, second=0, microsecond=0)
    recipients = sorted(
        set(
            User.objects.filter(is_active=True)
            .filter(
                models.Q(role=Role.ADMIN, region_id=user.region_id)
                | models.Q(role=Role.MANAGER, managed_teams=user.team_id)
                | models.Q(role=Role.MANAGER, is_regional_manager=True, region_id=user.region_id)
            )
            .exclude(pk=user.pk)
            .values_list("email", flat=True)
        )
    )
    try:
        with transaction.atomic():
            alert = AccessAlert.objects.create(
                user=user, hour=hour, distinct_victims=distinct, notified=", ".join(recipients)
            )
    except IntegrityError:
        return None  # already raised this hour
    subject = "Victim Contact Scheme: unusual access to victims' records"
    body = (
        f"{user.get_full_name()} ({user.email}) viewed {distinct} different victims' records "
        f"in the hour to {now:%H:%M on %d %B %Y}, more than the limit of "
        f"{settings.VCS_UNUSUAL_ACCESS_VICTIMS_PER_HOUR}. Check the audit page for what they looked at."
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))
    return alert


def audit_list_view(*, actor: User, what: str, object_type: str, ids: list[int]) -> AuditEvent:
    """Record that a list showing people's names was viewed, naming the rows (by key) on the page."""
    listed = ",".join(str(pk) for pk in ids)
    return audit_record(
        actor=actor, action=AuditAction.VIEW, object_type=object_type, summary=f"{what}: {listed}"[:255]
    )
