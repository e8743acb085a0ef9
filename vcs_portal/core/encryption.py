"""Field encryption housekeeping: find encrypted fields, and re-encrypt under the newest key."""

from __future__ import annotations

import pghistory.models
from django.apps import apps
from django.db import models, transaction

from .fields import ENCRYPTED_FIELD_TYPES, BlindIndexField


def encrypted_fields_by_model() -> dict[type[models.Model], list[str]]:
    found: dict[type[models.Model], list[str]] = {}
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, ENCRYPTED_FIELD_TYPES)]
        if names:
            found[model] = names
    return found


def reset_key_cache() -> None:
    """Forget derived keys, so changed settings (a rotation) take effect in this process."""
    for model, names in encrypted_fields_by_model().items():
        for name in names:
            field = model._meta.get_field(name)
            field.__dict__.pop("keys", None)
            field.__dict__.pop("f", None)


def rotate_all(batch_size: int = 1000) -> dict[str, int]:
    """Re-save every encrypted value so it is encrypted under the first secret and salt.

    Values still readable under an old key (DJANGO_SECRET_KEY_FALLBACKS, older salts)
    are decrypted and written again under the new one. Returns rows per model.
    """
    reset_key_cache()
    counts: dict[str, int] = {}
    for model, names in encrypted_fields_by_model().items():
        total = 0
        with transaction.atomic():
            batch: list[models.Model] = []
            for row in model._base_manager.only("pk", *names).iterator(chunk_size=batch_size):
                batch.append(row)
                if len(batch) == batch_size:
                    model._base_manager.bulk_update(batch, names)
                    total += len(batch)
                    batch = []
            if batch:
                model._base_manager.bulk_update(batch, names)
                total += len(batch)
        counts[model._meta.label] = total
    reindex_all(batch_size=batch_size)
    return counts


def reindex_all(batch_size: int = 1000) -> dict[str, int]:
    """Recompute every blind index under the current secret (after a rotation). Rows per model."""
    counts: dict[str, int] = {}
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
        # Write-history copies (django-pghistory events) keep what they recorded: nobody searches them.
        if not fields or issubclass(model, pghistory.models.Event):
            continue
        sources = {f.source for f in fields}
        total = 0
        with transaction.atomic():
            batch: list[models.Model] = []
            for row in model._base_manager.only("pk", *sources).iterator(chunk_size=batch_size):
                for field in fields:
                    setattr(row, field.attname, field.digest_for(row))
                batch.append(row)
                if len(batch) == batch_size:
                    model._base_manager.bulk_update(batch, [f.name for f in fields])
                    total += len(batch)
                    batch = []
            if batch:
                model._base_manager.bulk_update(batch, [f.name for f in fields])
                total += len(batch)
        counts[model._meta.label] = total
    return counts
