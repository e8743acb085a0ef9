"""Load the offence catalogue from ``offenders/data/offences.csv`` (see docs/offence-catalogue.md)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "offences.csv"

FLAGS = (
    "specified_violent",
    "specified_sexual",
    "sex_offender_notification",
    "against_child",
    "murder",
    "homicide",
    "domestic_abuse",
    "stalking_harassment",
    "hate_crime",
)


def catalogue_rows(path: Path = CATALOGUE_PATH) -> list[dict[str, Any]]:
    """The catalogue as model field values, one dict per offence."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            {
                "code": row["code"].strip(),
                "title": row["title"].strip(),
                "statute": row["statute"].strip(),
                "section": row["section"].strip(),
                **{flag: row[flag].strip() == "1" for flag in FLAGS},
            }
            for row in csv.DictReader(handle)
        ]


def catalogue_load(
    offence_model: Any, *, update: bool = False, path: Path = CATALOGUE_PATH
) -> tuple[int, int]:
    """Create the offences the database lacks; with ``update``, overwrite the rest from the file.

    Takes the model class so a data migration can pass its historical model.
    Returns (created, updated).
    """
    rows = catalogue_rows(path)
    existing = {o.code: o for o in offence_model.objects.all()}
    new = [offence_model(**row) for row in rows if row["code"] not in existing]
    offence_model.objects.bulk_create(new)
    changed = []
    if update:
        for row in rows:
            offence = existing.get(row["code"])
            if offence is not None:
                for field, value in row.items():
                    setattr(offence, field, value)
                changed.append(offence)
        offence_model.objects.bulk_update(changed, ["title", "statute", "section", *FLAGS])
    return len(new), len(changed)
