"""Writes about users: signing in and out, enrolling a second factor, deactivation."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .models import AuditAction, User, UserSession

MFA_DEVICE_NAME = "Authenticator app"


@transaction.atomic
def user_signed_in(*, user: User, session_key: str) -> None:
    """Remember the session (so deactivation can end it) and audit the sign-in."""
    UserSession.objects.get_or_create(session_key=session_key, defaults={"user": user})
    audit_record(actor=user, action=AuditAction.SIGN_IN, obj=user)


@transaction.atomic
def user_signed_out(*, user: User, session_key: str | None) -> None:
    UserSession.objects.filter(session_key=session_key or "").delete()
    audit_record(actor=user, action=AuditAction.SIGN_OUT, obj=user)


@transaction.atomic
def user_sessions_end(*, user: User) -> int:
    """End every session the user holds, at once. Returns how many were ended."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Deactivate a user and end their sessions in the same transaction."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = user_sessions_end(user=user)
    audit_record(actor=actor, action=AuditAction.DEACTIVATED, obj=user, summary=f"{ended} session(s) ended")
    return user


@transaction.atomic
def mfa_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator, created on first use (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=MFA_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def mfa_enrol_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm a new authenticator if the code from it is right."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        audit_record(actor=user, action=AuditAction.MFA_FAILED, obj=user)
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    audit_record(actor=user, action=AuditAction.MFA_ENROLLED, obj=user)
    return True


def mfa_check(*, user: User, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts ``token``, or None (audited as a failure)."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    audit_record(actor=user, action=AuditAction.MFA_FAILED, obj=user)
    return None
