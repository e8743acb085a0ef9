"""Reading PDFs in tests with pypdf: pure Python, so the suite needs no poppler binaries."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def pdf_reader(pdf: bytes) -> PdfReader:
    """A pypdf reader over PDF bytes held in memory."""
    return PdfReader(io.BytesIO(pdf))


def pdf_text(pdf: bytes, page: int | None = None) -> str:
    """The PDF's text, whitespace collapsed; one page (counted from 1) if ``page`` is given."""
    reader = pdf_reader(pdf)
    pages = [reader.pages[page - 1]] if page else list(reader.pages)
    return re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in pages))


def pdf_pages(pdf: bytes) -> int:
    """How many pages the PDF has."""
    return len(pdf_reader(pdf).pages)
