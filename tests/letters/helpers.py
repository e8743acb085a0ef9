"""Reading PDFs in tests: poppler's pdftotext and pdfinfo (Debian's poppler-utils)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path


def _with_file(pdf: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "letter.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            [*args, str(path), *([] if args[0] == "pdfinfo" else ["-"])],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def pdf_text(pdf: bytes, page: int | None = None) -> str:
    """The PDF's text, whitespace collapsed; one page if ``page`` is given."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return re.sub(r"\s+", " ", _with_file(pdf, "pdftotext", *pages))


def pdf_pages(pdf: bytes) -> int:
    match = re.search(r"^Pages:\s+(\d+)", _with_file(pdf, "pdfinfo"), re.MULTILINE)
    assert match, "pdfinfo found no page count"
    return int(match.group(1))
