"""Encrypted model fields (django-fernet-encrypted-fields) that keep empty values empty, and blind indexes.

The library stores an empty string as NULL, which breaks NOT NULL text columns and
turns "" into None in templates. An empty value is not secret, so it is stored as "".
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models
from encrypted_fields import fields as encrypted


class _KeepEmpty:
    def get_prep_value(self, value: Any) -> Any:
        if value in ("", None) and not self.null:  # type: ignore[attr-defined]
            return ""
        return super().get_prep_value(value)  # type: ignore[misc]


class EncryptedCharField(_KeepEmpty, encrypted.EncryptedCharField):
    pass


class EncryptedTextField(_KeepEmpty, encrypted.EncryptedTextField):
    pass


class EncryptedEmailField(_KeepEmpty, encrypted.EncryptedEmailField):
    pass


ENCRYPTED_FIELD_TYPES = (EncryptedCharField, EncryptedTextField, EncryptedEmailField)


# --- Blind index: an exact-match search key for an encrypted value ---------------------

BLIND_INDEX_SALT = b"vcs-portal-blind-index-v1"


@cache
def _blind_index_key(secret: str) -> bytes:
    # Derived like the encryption keys (PBKDF2-SHA256), with its own salt, once per process.
    return hashlib.pbkdf2_hmac("sha256", secret.encode(), BLIND_INDEX_SALT, 100_000)


def blind_index_digests(value: str) -> list[str]:
    """HMAC-SHA256 of ``value`` under the current secret first, then each fallback.

    A search looks for any of them, so rows indexed under a retired secret are still found
    until ``rotate_encryption`` re-indexes them. Empty for an empty value.
    """
    if not value:
        return []
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [hmac.new(_blind_index_key(s), value.encode(), hashlib.sha256).hexdigest() for s in secrets]


class BlindIndexField(models.CharField):
    """A keyed hash of another (encrypted) field, kept in step on every save and bulk create.

    ``normalise`` turns the source value into the form searched for (a postcode without
    spaces, in capitals). Without the secret a dump reveals nothing: the digest of a known
    postcode cannot be computed. Only exact matches can be found, which is the point.
    Computed like ``auto_now``, in ``pre_save``, so no code path can store a stale index;
    ``QuerySet.update`` of the source field bypasses it, and nothing in the service does that.
    """

    def __init__(self, *args: Any, source: str = "", normalise: Callable[[str], str] = str, **kwargs: Any):
        self.source = source
        self.normalise = normalise
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        # ``normalise`` is code, not schema: a migration need not carry it.
        for key in ("blank", "editable"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def digest_for(self, instance: models.Model) -> str:
        value = self.normalise(getattr(instance, self.source) or "")
        digests = blind_index_digests(value)
        return digests[0] if digests else ""

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.digest_for(model_instance)
        setattr(model_instance, self.attname, value)
        return value
