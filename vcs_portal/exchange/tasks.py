"""Celery tasks for the exchange: thin wrappers that take primary keys and call one service."""

from __future__ import annotations

from celery import shared_task

from . import services
from .models import DeliveryStatus, WebhookDelivery


@shared_task
def inbound_events_process_task(offender_id: int) -> int:
    """Record the offender's accepted events in the order they came. Safe to run twice."""
    return services.inbound_events_process(offender_id=offender_id)


@shared_task(bind=True, max_retries=None)
def webhook_deliver_task(self, delivery_id: int) -> bool:  # type: ignore[no-untyped-def]
    """Send one webhook notice; retried with back-off until delivered or out of attempts."""
    if services.webhook_deliver(delivery_id=delivery_id):
        return True
    delivery = WebhookDelivery.objects.filter(pk=delivery_id).values("status", "attempts").first()
    if delivery and delivery["status"] == DeliveryStatus.PENDING:
        raise self.retry(countdown=services.retry_delay(delivery["attempts"]).total_seconds())
    return False
