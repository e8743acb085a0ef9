"""Placeholder: being written."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


address_change = preferences = contact_level = restriction_add = restriction_lift = safety_concern_add = _todo
