"""Authentication backends: Django's ModelBackend, with the per-request user read compiled once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends

from .models import User
from .prepared import Prepared

_user_by_pk: Prepared[User] = Prepared(lambda pk: User._default_manager.filter(pk=pk))


class ModelBackend(backends.ModelBackend):
    """Signs in as Django's does; ``get_user`` (every signed-in request) runs SQL compiled once."""

    def get_user(self, user_id: Any) -> User | None:
        user = _user_by_pk.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
