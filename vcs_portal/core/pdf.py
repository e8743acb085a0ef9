"""The base's PDF kit: WeasyPrint with one fetcher that serves only the app's own static files.

WeasyPrint fetches every URL it finds in a document, and a document holds text typed into a
record, so a name or a free-text paragraph must never make the renderer reach the network or
the file system. Every PDF the service makes goes through ``render_document`` or ``render_pdf``
here, so there is one copy of that check to review and it cannot drift between apps.
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in a document resolve against this origin; the fetcher answers for it alone, and
# ``.invalid`` (RFC 2606) means nothing is ever asked of the network under that name either.
PDF_BASE_URL = "https://vcs-portal.invalid/"
# What a printed page may use: styles, images and fonts. Never scripts, HTML or anything else.
ALLOWED_ASSET_TYPES = frozenset({".css", ".png", ".jpg", ".jpeg", ".svg", ".woff", ".woff2", ".ttf", ".otf"})


class AssetRefused(ValueError):
    """A document asked for a URL that is not one of the app's own static files of an allowed type.

    A ``ValueError``, so WeasyPrint logs it, leaves the resource out and renders the rest.
    """


def _refused(url: str, reason: str) -> AssetRefused:
    return AssetRefused(f"Refused to fetch {url[:100]!r}: {reason}")


def static_roots() -> list[Path]:
    """The real paths of every directory the staticfiles finders serve from."""
    roots: list[Path] = []
    for finder in finders.get_finders():
        for location in getattr(finder, "locations", []):
            roots.append(Path(location[1] if isinstance(location, tuple) else location).resolve())
        for storage in getattr(finder, "storages", {}).values():
            if getattr(storage, "location", None):
                roots.append(Path(storage.location).resolve())
    return roots


def static_path_for(url: str) -> Path:
    """The file behind a ``/static/...`` URL on ``PDF_BASE_URL``; raises ``AssetRefused`` for any other.

    Checked in order: our origin, under STATIC_URL, a plain relative path (no empty, ``.`` or
    ``..`` segment, no NUL, after percent-decoding), an allowed file type, found by the
    staticfiles finders, and, once symlinks are resolved, a regular file inside a static folder.
    """
    base = urlsplit(PDF_BASE_URL)
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        raise _refused(url, "only the app's own static files may be used")
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL):
        raise _refused(url, "not a static file")
    relative = path[len(settings.STATIC_URL) :]
    segments = relative.replace("\\", "/").split("/")
    if not relative or "\x00" in relative or any(s in ("", ".", "..") for s in segments):
        raise _refused(url, "not a plain static path")
    if Path(relative).suffix.lower() not in ALLOWED_ASSET_TYPES:
        raise _refused(url, "a printed page may not use files of this type")
    found = finders.find(relative)
    if not found or not isinstance(found, str):
        raise _refused(url, "no such static file")
    resolved = Path(found).resolve()
    if not resolved.is_file() or not any(resolved.is_relative_to(root) for root in static_roots()):
        raise _refused(url, "outside the static folders")
    return resolved


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher for every PDF: the app's static files, and nothing else at all.

    No protocol is allowed and redirects are off, so even the base class's own opener, if some
    WeasyPrint path reached it, would refuse; ``fetch`` and ``open`` never call it.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = static_path_for(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    def open(self, url: object, data: object = None, timeout: object = None) -> URLFetcherResponse:
        return self.fetch(str(getattr(url, "full_url", url)))


# Per thread: WeasyPrint's font configuration wraps a Pango font map, which is not shared safely.
_per_thread = threading.local()


def _font_config() -> FontConfiguration:
    if not hasattr(_per_thread, "font_config"):
        _per_thread.font_config = FontConfiguration()
    return _per_thread.font_config


def stylesheet(static_name: str) -> CSS:
    """The app's static stylesheet ``static_name``, fetched and parsed once while its file is unchanged.

    Parsing a stylesheet was a fifth of a letter's render; every letter uses the same one. Fetched
    through the static-only fetcher like any other asset, and cached per thread with the file's
    modification time, so an edited stylesheet is read again.
    """
    url = urljoin(PDF_BASE_URL, settings.STATIC_URL + static_name)
    key = (url, static_path_for(url).stat().st_mtime_ns)
    cache: dict[tuple[str, int], CSS] = getattr(_per_thread, "stylesheets", {})
    if key not in cache:
        cache = {k: v for k, v in cache.items() if k[0] != url}
        cache[key] = CSS(url=url, url_fetcher=StaticOnlyFetcher(), font_config=_font_config())
        _per_thread.stylesheets = cache
    return cache[key]


def render_document(html: str, stylesheets: Sequence[str] = ()) -> Document:
    """Lay out ``html`` with the static-only fetcher; for callers that need pages (counts, merging).

    ``stylesheets`` are static names (``letters/letter.css``) applied besides any the HTML links to.
    """
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticOnlyFetcher()).render(
        stylesheets=[stylesheet(name) for name in stylesheets], font_config=_font_config()
    )


def render_pdf(html: str, stylesheets: Sequence[str] = ()) -> bytes:
    """``html`` as PDF bytes, made with the static-only fetcher."""
    return render_document(html, stylesheets).write_pdf()
