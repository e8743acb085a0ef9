"""The session store: Django's database sessions, read with SQL compiled once (core/prepared.py).

Every signed-in request loads its session; the ORM rebuilt the same one-row lookup each time.
Writes, expiry and ``clearsessions`` are Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .prepared import Prepared

_live_session: Prepared[Session] = Prepared(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now)
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        session = _live_session.first(self.session_key, timezone.now(), using=self.model.objects.db)
        if session is None:
            self._session_key = None
        return session
