"""Write audit records, with the request's session and address taken from context.

Services call ``audit_record`` inside their own transaction, so an action and its
audit row commit or roll back together. The middleware puts the request's origin
in a context variable, so services need not be handed the request.
"""

from __future__ import annotations

import contextvars
import hashlib
from dataclasses import dataclass

from django.db import models

from .models import AuditAction, AuditEvent, User


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


def audit_record(
    *,
    actor: User | None,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    summary: str = "",
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``obj``; never pass sensitive values in ``summary``."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or obj.pk
    origin = _origin.get()
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:255],
        session_hash=origin.session_hash,
        ip_address=origin.ip_address,
        path=origin.path[:255],
    )
