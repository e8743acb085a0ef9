"""People and places: regions, teams, users, their sessions, and the audit log."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class Region(models.Model):
    """A probation region; nobody sees another region's cases."""

    name = models.CharField(max_length=100, unique=True)
    code = models.SlugField(max_length=20, unique=True)
    in_wales = models.BooleanField(
        default=False,
        help_text="Cases here are offered Welsh and use the Mental Health Review Tribunal for Wales.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team of VLOs within one region."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=100)
    # How victims reach the team: printed on letters (the ways that fit each victim's channel).
    phone = models.CharField(max_length=30, blank=True, help_text="The team's phone line for victims.")
    email = models.EmailField(blank=True, help_text="The team's shared mailbox for victims.")
    postal_address = models.TextField(blank=True, help_text="The unit's postal address, one line per line.")
    opening_hours = models.CharField(
        max_length=150, blank=True, help_text="When the phone is answered, e.g. Monday to Friday, 9am to 5pm."
    )
    opening_hours_welsh = models.CharField(
        max_length=150, blank=True, help_text="The same in Welsh, e.g. Dydd Llun i ddydd Gwener, 9am i 5pm."
    )

    class Meta:
        ordering = ["region__name", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="team_unique_name_in_region")]

    def __str__(self) -> str:
        return f"{self.name} ({self.region.name})" if self.region_id else self.name

    @property
    def postal_lines(self) -> list[str]:
        return [line.strip() for line in self.postal_address.splitlines() if line.strip()]


class Role(models.TextChoices):
    VLO = "vlo", "Victim Liaison Officer"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"


# What the admin role manages in the Django admin: people, teams, reference data and jobs.
ADMIN_APP_LABELS = {"core", "offenders", "otp_totp", "axes", "django_celery_beat"}


class UserManager(BaseUserManager["User"]):
    """Users sign in with their email address, stored in lower case."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff.

    A VLO belongs to one team. A manager manages one or more teams, or, as a
    regional manager, the whole of their region. Admins run the Django admin.
    What each may see is decided in one place: ``vcs_portal.core.scope``.
    """

    email = models.EmailField("email address", unique=True)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VLO)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="The team a VLO works in.",
    )
    managed_teams = models.ManyToManyField(
        Team, blank=True, related_name="managers", help_text="Teams a manager manages."
    )
    is_regional_manager = models.BooleanField(
        default=False, help_text="A manager who sees every team in their region."
    )
    is_staff = models.BooleanField(
        "admin site access", default=False, help_text="Only admins may use the Django admin."
    )
    is_active = models.BooleanField(
        default=True, help_text="Untick to deactivate: the user's sessions end at once."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=~Q(role=Role.VLO) | Q(team__isnull=False),
                name="user_vlo_has_team",
                violation_error_message="A VLO must belong to a team.",
            ),
            models.CheckConstraint(
                condition=Q(is_staff=False) | Q(role=Role.ADMIN),
                name="user_staff_is_admin",
                violation_error_message="Only admins may use the Django admin.",
            ),
            models.CheckConstraint(
                condition=Q(is_regional_manager=False) | Q(role=Role.MANAGER),
                name="user_regional_manager_is_manager",
                violation_error_message="Only a manager can be a regional manager.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        self.email = (self.email or "").lower()
        if self.team_id and self.region_id and cast(Team, self.team).region_id != self.region_id:
            raise ValidationError({"team": "The team must be in the user's region."})
        if self.role != Role.ADMIN and not self.is_superuser and not self.region_id:
            raise ValidationError({"region": "Choose the user's region."})

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        """Admins manage the apps in ``ADMIN_APP_LABELS``; victim data is never in the admin."""
        if self.is_active and self.role == Role.ADMIN and perm.split(".", 1)[0] in ADMIN_APP_LABELS:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.role == Role.ADMIN and app_label in ADMIN_APP_LABELS:
            return True
        return super().has_module_perms(app_label)

    @property
    def is_vlo(self) -> bool:
        return self.role == Role.VLO

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER


class UserSession(models.Model):
    """The sessions a user holds, so that deactivation can end them at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"session of {self.user_id}"


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    DOWNLOAD = "download", "Downloaded"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Sign-in refused: locked out"
    SIGN_OUT = "sign_out", "Signed out"
    MFA_VERIFIED = "mfa_verified", "Entered the security code"
    MFA_ENROLLED = "mfa_enrolled", "Enrolled an authenticator"
    MFA_FAILED = "mfa_failed", "Wrong security code"
    MFA_RESET = "mfa_reset", "Reset the second factor"
    SESSION_EXPIRED = "session_expired", "Session expired"
    DEACTIVATED = "deactivated", "Deactivated user"
    DENIED = "denied", "Access refused"


class AuditEvent(models.Model):
    """One thing somebody did: who, what, to which object, when, from where.

    Never the sensitive values themselves: ``summary`` names fields, not their
    contents. Rows are append-only: a database trigger refuses UPDATE and DELETE
    (migration 0002), and the admin shows them read-only.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=255, blank=True)
    session_hash = models.CharField(max_length=16, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(
        default=dict,
        blank=True,
        help_text="Admin changes as {field: [before, after]}; reference data only, never victims' details.",
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.object_type}"


class AccessAlert(models.Model):
    """A user viewed more distinct victims in an hour than ``VCS_UNUSUAL_ACCESS_VICTIMS_PER_HOUR``.

    One row per user per clock hour, so the alert is raised (and sent) once.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_alerts")
    hour = models.DateTimeField(help_text="The start of the clock hour in which the threshold was passed.")
    distinct_victims = models.PositiveIntegerField()
    raised_at = models.DateTimeField(default=timezone.now)
    notified = models.TextField(blank=True, help_text="Who was told (email addresses of staff).")

    class Meta:
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["user", "hour"], name="access_alert_once_per_hour")]

    def __str__(self) -> str:
        return f"{self.user} viewed {self.distinct_victims} victims ({self.hour:%Y-%m-%d %H:00})"


class SweepRun(models.Model):
    """A daily job that finished for a day (``operations.daily``): where its next catch-up starts.

    A sweep that looks back over recent records (the alerts sweep) looks back only to the last
    day it finished, so an ordinary day reads a day's records, and a missed week reads the week.
    """

    job = models.CharField(max_length=60, help_text="The sweep's name, as its result prints it.")
    as_of = models.DateField()
    finished_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "as_of"], name="sweep_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.job} for {self.as_of}"
