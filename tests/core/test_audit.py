"""Audit rows are append-only, at the database level."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def test_audit_record_names_the_object_not_its_values(vlo):
    event = audit_record(actor=vlo, action=AuditAction.VIEW, obj=vlo)
    assert (event.object_type, event.object_id) == ("core.User", str(vlo.pk))
    assert vlo.email not in event.summary


def test_the_database_refuses_to_update_an_audit_row(vlo):
    event = audit_record(actor=vlo, action=AuditAction.VIEW, obj=vlo)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.DELETE)


def test_the_database_refuses_to_delete_an_audit_row(vlo):
    event = audit_record(actor=vlo, action=AuditAction.VIEW, obj=vlo)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_admin_shows_audit_rows_read_only(admin_client_verified, vlo):
    event = audit_record(actor=vlo, action=AuditAction.VIEW, obj=vlo)
    page = admin_client_verified.get(f"/admin/core/auditevent/{event.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client_verified.get(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403
