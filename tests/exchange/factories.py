"""Factories and helpers for the exchange: API clients and HMPPS-style events."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from vcs_portal.core.models import Region
from vcs_portal.exchange.models import ApiClient, Operation
from vcs_portal.exchange.services import api_client_create

_names = itertools.count(1)


def api_client_make(
    region: Region, *, name: str = "", operations: list[str] | None = None
) -> tuple[ApiClient, str]:
    """A client through the real service (the token is hashed as in production), and its token."""
    return api_client_create(
        actor=None,
        name=name or f"Prison system {next(_names)}",
        region=region,
        operations=operations or list(Operation.values),
    )


def domain_event(
    prison_number: str,
    *,
    event_type: str = "prison-offender-events.prisoner.received",
    reason: str = "RECALL",
    occurred_at: datetime | str = "2026-04-20T09:30:00+01:00",
    prison_id: str = "MDI",
    **extra: Any,
) -> dict[str, Any]:
    """An HMPPS domain event envelope, as hmpps-domain-events carries it."""
    info = {"nomsNumber": prison_number, "reason": reason, "prisonId": prison_id, **extra}
    return {
        "eventType": event_type,
        "version": 1,
        "occurredAt": occurred_at if isinstance(occurred_at, str) else occurred_at.isoformat(),
        "publishedAt": "2026-04-20T09:30:05+01:00",
        "description": "A prisoner has been received into prison",
        "additionalInformation": info,
    }
