"""Models of the parole app."""

from __future__ import annotations
