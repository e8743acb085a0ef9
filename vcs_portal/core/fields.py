"""Encrypted model fields (django-fernet-encrypted-fields) that keep empty values empty.

The library stores an empty string as NULL, which breaks NOT NULL text columns and
turns "" into None in templates. An empty value is not secret, so it is stored as "".
"""

from __future__ import annotations

from typing import Any

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
