"""Load the offence catalogue from ``offenders/data/offences.csv`` (see docs/offence-catalogue.md)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

DATA_PATH = Path(__file__).resolve().parent / "data"
CATALOGUE_PATH = DATA_PATH / "offences.csv"
REFERENCE_PATH = DATA_PATH / "reference_legislation.csv"

FLAGS = (
    "specified_violent",
    "specified_sexual",
    "specified_terrorism",
    "sex_offender_notification",
    "against_child",
    "victim_child_route",
    "murder",
    "homicide",
    "domestic_abuse",
    "stalking_harassment",
    "hate_crime",
)
# Where the law puts each offence: paragraphs and the Schedule 3 condition, held as data.
CITATIONS = (
    "schedule_15_paragraph",
    "schedule_18_paragraph",
    "sexual_paragraph",
    "sexual_condition",
    "child_paragraph",
)
TEXT = ("title", "statute", "section", *CITATIONS)


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value.strip() else None


def catalogue_rows(path: Path = CATALOGUE_PATH) -> list[dict[str, Any]]:
    """The catalogue as model field values, one dict per offence."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            {
                "code": row["code"].strip(),
                **{field: row.get(field, "").strip() for field in TEXT},
                **{flag: row.get(flag, "").strip() == "1" for flag in FLAGS},
                "in_force_from": _date(row.get("in_force_from", "")),
            }
            for row in csv.DictReader(handle)
        ]


def reference_rows(path: Path = REFERENCE_PATH) -> dict[str, dict[str, str]]:
    """The reference table built from the legislation, by offence code (read by the catalogue test)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def catalogue_load(
    offence_model: Any, *, update: bool = False, path: Path = CATALOGUE_PATH
) -> tuple[int, int]:
    """Create the offences the database lacks; with ``update``, overwrite the rest from the file.

    Takes the model class so a data migration can pass its historical model; columns that model
    does not have yet are left out, so an early migration still loads today's file. Offences in
    the database but not in the file are left as they are: recorded sentences refer to them.
    Returns (created, updated).
    """
    known = {field.name for field in offence_model._meta.concrete_fields}
    rows = [{k: v for k, v in row.items() if k in known} for row in catalogue_rows(path)]
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
        fields = [name for name in rows[0] if name != "code"] if rows else []
        offence_model.objects.bulk_update(changed, fields)
    return len(new), len(changed)
