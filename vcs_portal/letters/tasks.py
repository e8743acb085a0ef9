"""Celery tasks for letters: thin wrappers that take primary keys and call one service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def letter_render_task(letter_id: int) -> bool:
    """Render and store an approved letter's PDF. Safe to run twice (it renders again)."""
    return services.letter_pdf_store(letter_id=letter_id)
