"""Writes about users: signing in and out, the second factor, deactivation. Every decision is audited."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .models import AuditAction, User, UserSession

MFA_DEVICE_NAME = "Authenticator app"
# Enough of a mistyped email to recognise it on the audit page, never a whole pasted password.
EMAIL_TYPED_MAX = 80


@transaction.atomic
def sign_in_refused(*, email_typed: str, locked_out: bool, failures: int | None = None) -> None:
    """Audit a refused sign-in: a wrong password, or any attempt while the email and address are locked.

    Nobody is signed in, so there is no actor; the user whose email was typed, if any, is the object.
    The attempt that reaches the limit is recorded as the lock-out, with the count.
    """
    typed = email_typed.strip()[:EMAIL_TYPED_MAX]
    user = User.objects.filter(email__iexact=typed).first() if typed else None
    summary = f"email typed: {typed}"
    if failures:
        summary += f"; {failures} failure(s)"
    audit_record(
        actor=None,
        action=AuditAction.LOCKED_OUT if locked_out else AuditAction.SIGN_IN_FAILED,
        obj=user,
        object_type=User._meta.label,
        summary=summary,
    )


@transaction.atomic
def user_signed_in(*, user: User, session_key: str) -> None:
    """Remember the session (so deactivation can end it) and audit the sign-in."""
    UserSession.objects.get_or_create(session_key=session_key, defaults={"user": user})
    audit_record(actor=user, action=AuditAction.SIGN_IN, obj=user)


@transaction.atomic
def user_second_factor_passed(*, user: User, old_session_key: str | None, new_session_key: str) -> None:
    """The code was right: the session now has a new key, which deactivation must still find."""
    UserSession.objects.filter(session_key=old_session_key or "").delete()
    UserSession.objects.get_or_create(session_key=new_session_key, defaults={"user": user})
    audit_record(actor=user, action=AuditAction.MFA_VERIFIED, obj=user, summary="session key rotated")


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


@transaction.atomic
def mfa_reset(*, actor: User, user: User) -> int:
    """An admin resets a user's second factor: every authenticator goes, and so do their sessions.

    The user sets up a new authenticator at their next sign-in. Returns how many were removed.
    """
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    ended = user_sessions_end(user=user)
    audit_record(
        actor=actor,
        action=AuditAction.MFA_RESET,
        obj=user,
        summary=f"{removed} device(s), {ended} session(s) ended",
    )
    return removed


def mfa_check(*, user: User, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts ``token``, or None (audited as a failure)."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    audit_record(actor=user, action=AuditAction.MFA_FAILED, obj=user)
    return None
