"""Problem documents (RFC 9457): what every refusal of the API says, naming the field at fault.

``type`` is a path under /api/v1/problems/ (docs/api.md lists them); ``errors`` names each
field by its dotted name and its JSON pointer into the request body.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "/api/v1/problems/"


class ProblemError(Exception):
    """Raised where the API must refuse; the handler turns it into the document."""

    def __init__(self, document: dict[str, Any], *, headers: dict[str, str] | None = None) -> None:
        super().__init__(document["title"])
        self.document = document
        self.headers = headers or {}

    @property
    def status(self) -> int:
        return int(self.document["status"])


def field_error(field: str, detail: str) -> dict[str, str]:
    pointer = "#/" + "/".join(field.split(".")) if field else "#"
    return {"field": field, "pointer": pointer, "detail": detail}


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: Iterable[tuple[str, str]] | Sequence[dict[str, str]] = (),
) -> dict[str, Any]:
    listed = [e if isinstance(e, dict) else field_error(*e) for e in errors]
    return {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail, "errors": listed}


def from_pydantic(errors: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """Pydantic's errors as field errors: ``loc`` ("additionalInformation", "nomsNumber") -> dotted."""
    out = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in {"body", "payload"}]
        message = str(error.get("msg", "is not valid"))
        out.append(field_error(".".join(loc), message))
    return out
