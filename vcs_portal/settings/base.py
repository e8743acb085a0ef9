"""Settings shared by every environment.

Everything that differs between machines is read from the environment with
django-environ. Nothing here has an insecure default: the secret key, debug mode
and allowed hosts are set by the environment-specific modules.
"""

from __future__ import annotations

import ipaddress
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# --- Applications -----------------------------------------------------------

INSTALLED_APPS = [
    "vcs_portal.core.apps.VCSAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Registers OpClass for index expressions (the trigram search indexes).
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_forms_gds",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "vcs_portal.core",
    "offenders",
    "victims",
    "contacts",
    "parole",
    "vcs_portal.letters",
    "vcs_portal.exchange",
    "vcs_portal.dashboards",
    "vcs_portal.cases",
    "vcs_portal.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "vcs_portal.core.middleware.OTPMiddleware",  # django-otp's, its device read compiled once
    "vcs_portal.core.middleware.AuditContextMiddleware",
    # Write history: every tracked change in a request carries the user and URL.
    "pghistory.middleware.HistoryMiddleware",
    "vcs_portal.core.middleware.SessionTimeoutMiddleware",
    "vcs_portal.core.middleware.RequireMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "vcs_portal.core.middleware.NoStoreMiddleware",
    # Axes must be last so it can turn a lockout into its own response.
    "axes.middleware.AxesMiddleware",
]

# Write history's request context (user and URL) only for requests that may change data. A GET
# writes audit rows and sessions, which are not history-tracked; without this, every page view paid
# for the context and prefixed each audit INSERT with two set_config calls.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

ROOT_URLCONF = "vcs_portal.urls"
WSGI_APPLICATION = "vcs_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vcs_portal.core.context_processors.navigation",
                "contacts.context_processors.open_tasks",
            ],
        },
    },
]

# --- Data stores ------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # transactions live in services
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
# PostgreSQL's JIT costs ~90 ms on dashboard aggregates and saves nothing at this scale.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# The reads core.prepared compiles once are also planned once per connection (PREPARE): half
# the case page's SQL time was PostgreSQL planning the same statements again. Switch off behind
# a pooler that does not keep a session per client (PgBouncer in transaction mode).
VCS_PREPARE_STATEMENTS = env.bool("VCS_PREPARE_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Two roles (docs/deployment.md, "Database roles"): DATABASE_URL is the application role the web,
# worker and beat use, which may only read and write rows; DATABASE_OWNER_URL is the owner that
# `migrate` and `db_setup_roles` connect as. Give the owner URL only to the process that migrates.
VCS_DATABASE_OWNER: dict | None = (
    env.db("DATABASE_OWNER_URL") if env.str("DATABASE_OWNER_URL", default="") else None
)

REDIS_URL = env.str("REDIS_URL")  # the cache's database; the broker uses another (below)


def _redis_server_and_db(url: str) -> tuple[str, int]:
    """(server, database number) of a redis-py or kombu Redis URL, to tell two URLs apart.

    ``redis://host:6379/2``; ``unix:///path.sock?db=2`` (redis-py); ``redis+socket:///path.sock?
    virtual_host=2`` (kombu has no ``unix://`` transport and reads the number from ``virtual_host``).
    """
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if parts.scheme in {"unix", "redis+socket"}:
        number = (query.get("db") or query.get("virtual_host") or ["0"])[0]
        return f"socket:{parts.path}", int(number or 0)
    return f"tcp:{parts.hostname}:{parts.port or 6379}", int(parts.path.strip("/") or 0)


def _celery_broker_url(redis_url: str) -> str:
    """The broker's default: the cache's Redis server, the next database (cache 0, broker 1).

    Never the cache's own database: clearing the cache (``cache.clear()`` is FLUSHDB) would wipe
    the queued tasks. Kombu spells a unix socket ``redis+socket://`` and its database
    ``virtual_host``.
    """
    server, db = _redis_server_and_db(redis_url)
    parts = urlsplit(redis_url)
    if server.startswith("socket:"):
        return f"redis+socket://{parts.path}?virtual_host={db + 1}"
    return urlunsplit((parts.scheme, parts.netloc, f"/{db + 1}", "", ""))


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="vcs"),
    }
}

# --- Celery -----------------------------------------------------------------
# Built to survive faults (docs/jobs.md): a task is acknowledged only once it has run, and put
# back if its worker dies; every task has a time limit; the broker has its own Redis database.

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=_celery_broker_url(REDIS_URL))
if _redis_server_and_db(CELERY_BROKER_URL) == _redis_server_and_db(REDIS_URL):
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL and REDIS_URL name the same Redis database: clearing the cache would "
        "wipe the queued tasks. Give the broker another database (e.g. redis://redis:6379/1)."
    )
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # acknowledged after the task runs, so a crash mid-task re-runs it
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a worker killed mid-task puts the task back
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)
# Time limits, in seconds: the soft one raises inside the task (it can tidy up), the hard one
# kills the child. The daily jobs take minutes on a national dataset; a letter renders in well
# under a second, so a render that takes a minute has hung and is stopped and retried.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
VCS_RENDER_SOFT_TIME_LIMIT = env.int("VCS_RENDER_SOFT_TIME_LIMIT", default=60)
VCS_RENDER_TIME_LIMIT = env.int("VCS_RENDER_TIME_LIMIT", default=90)
VCS_DAILY_JOBS_SOFT_TIME_LIMIT = env.int("VCS_DAILY_JOBS_SOFT_TIME_LIMIT", default=3300)
VCS_DAILY_JOBS_TIME_LIMIT = env.int("VCS_DAILY_JOBS_TIME_LIMIT", default=3600)
# Retries for work that can fail for a moment (rendering, email): exponential backoff, capped.
VCS_TASK_MAX_RETRIES = env.int("VCS_TASK_MAX_RETRIES", default=5)
VCS_TASK_RETRY_BACKOFF_MAX = env.int("VCS_TASK_RETRY_BACKOFF_MAX", default=600)
# Redis redelivers a task not acknowledged within this many seconds: longer than the longest
# task's hard limit, or a task still running would be handed to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int(
        "CELERY_VISIBILITY_TIMEOUT",
        default=2 * max(CELERY_TASK_TIME_LIMIT, VCS_RENDER_TIME_LIMIT, VCS_DAILY_JOBS_TIME_LIMIT),
    )
}
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= max(
    CELERY_TASK_TIME_LIMIT, VCS_RENDER_TIME_LIMIT, VCS_DAILY_JOBS_TIME_LIMIT
):
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be longer than the longest task's hard time limit, "
        "or a task still running is given to a second worker."
    )
# Beat: one process holds a PostgreSQL advisory lock, so a second beat refuses to start
# (vcs_portal/core/beat.py); it touches this file on every tick for the health check.
VCS_BEAT_HEARTBEAT_FILE = env.str("VCS_BEAT_HEARTBEAT_FILE", default="/tmp/vcs-beat-heartbeat")  # noqa: S108
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULER = "vcs_portal.core.beat:LockedDatabaseScheduler"
# The schedule is declared in code; django-celery-beat copies it into the database.
# Every job is a sweep over what is due, so a missed run is caught by the next.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Every daily job, in order (vcs_portal/operations/daily.py: the list run_daily_jobs runs).
    "daily-jobs": {
        "task": "vcs_portal.operations.tasks.daily_jobs_task",
        "schedule": crontab(hour=3, minute=15),  # clear of the clock-change hour
    },
    "dashboards-upcoming-sweep": {
        "task": "vcs_portal.dashboards.tasks.upcoming_sweep_task",
        "schedule": crontab(minute=5),  # hourly
    },
}

# --- Authentication ---------------------------------------------------------

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, its per-request user read compiled once (core/prepared.py).
    "vcs_portal.core.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

OTP_TOTP_ISSUER = "Victim Contact Scheme"

# django-axes (vcs_portal/core/lockout.py): lock the pair (email as typed, client address), whether
# or not such a user exists, so the response never tells an attacker which addresses are real and
# one attacker cannot lock other users out, even behind one proxy address; and lock an email from
# every address after a slower limit, so one password cannot be guessed from many addresses.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
VCS_SIGN_IN_EMAIL_FAILURE_LIMIT = env.int("VCS_SIGN_IN_EMAIL_FAILURE_LIMIT", default=20)
AXES_HANDLER = "vcs_portal.core.lockout.SignInLockoutHandler"
AXES_USERNAME_CALLABLE = "vcs_portal.core.lockout.sign_in_username"
AXES_CLIENT_IP_CALLABLE = "vcs_portal.core.lockout.client_ip_address"
# The reverse proxy in front of the service (docs/deployment.md): trust X-Forwarded-For only from
# these addresses or networks, or else only this many proxies deep. Neither: REMOTE_ADDR alone.
VCS_TRUSTED_PROXIES = env.list("VCS_TRUSTED_PROXIES", default=[])
for _proxy in VCS_TRUSTED_PROXIES:
    ipaddress.ip_network(_proxy, strict=False)  # a typo fails at start-up, not at sign-in
VCS_TRUSTED_PROXY_COUNT = env.int("VCS_TRUSTED_PROXY_COUNT", default=0)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False

# --- Sessions and cookies ---------------------------------------------------

SESSION_ENGINE = "vcs_portal.core.sessions"  # Django's database sessions, read with SQL compiled once
SESSION_COOKIE_AGE = 12 * 60 * 60  # absolute limit, also enforced by middleware
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
VCS_SESSION_IDLE_MINUTES = env.int("VCS_SESSION_IDLE_MINUTES", default=30)
VCS_SESSION_ABSOLUTE_HOURS = env.int("VCS_SESSION_ABSOLUTE_HOURS", default=12)

# --- Security headers -------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Encryption at rest -------------------------------------------------------
# Victims' contact details and safety notes use django-fernet-encrypted-fields. Keys are
# derived from DJANGO_SECRET_KEY (and DJANGO_SECRET_KEY_FALLBACKS, so data written under an
# old key still reads) with each salt here; the first salt and secret encrypt new data.
# Rotation: docs/encryption.md and `manage.py rotate_encryption`.
SALT_KEY = env.list("FIELD_ENCRYPTION_SALTS", default=["vcs-portal-fields-v1"])
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# The service is in English; Welsh letters have their own templates (vcs_portal/letters) and
# no Django translation catalogue is used. Without the translation machinery every request
# skips a per-thread language lookup on each URL reverse, date and number it renders.
USE_I18N = False
USE_TZ = True

# --- Static and generated files ---------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
# Generated letters are private: never served by the web server, only by views that check access.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# --- Forms ------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_GDS_FRONTEND_VERSION = "6.6.0"
# crispy-forms-gds gives a widget its GOV.UK class by the widget's class name, so the search-as-you-
# type select (vcs_portal.core.forms.AutocompleteSelect) would otherwise be an unstyled <select>
# wherever JavaScript does not run.
CRISPY_CLASS_CONVERTERS = {"autocompleteselect": "govuk-select"}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- The scheme's rules (DOMAIN.md section 3); every value is a setting ----------

# A VLO sees the cases of their team; set this to restrict VLOs to their own cases.
VCS_VLO_OWN_CASES_ONLY = env.bool("VCS_VLO_OWN_CASES_ONLY", default=False)
# Unusual access: more distinct victims viewed in an hour than this raises an alert.
VCS_UNUSUAL_ACCESS_VICTIMS_PER_HOUR = env.int("VCS_UNUSUAL_ACCESS_VICTIMS_PER_HOUR", default=40)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="vcs-portal@localhost")
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))

# Who users ask for help: shown on the help page and in the privacy notice. An email address
# becomes a mailto link; anything else (a phone number, a service desk's name) is shown as written.
VCS_SUPPORT_CONTACT = env.str("VCS_SUPPORT_CONTACT", default="your team manager or the HMPPS IT service desk")

# Demo mode may switch off the second factor, but only while DEBUG is on (see local.py).
VCS_DEMO_RELAX_MFA = False

# Deadlines (victims/deadlines.py computes them; each rule names its source).
VCS_REFERRAL_WORKING_DAYS = env.int("VCS_REFERRAL_WORKING_DAYS", default=10)  # Victims' Code, Right 11
VCS_FIRST_CONTACT_WORKING_DAYS = env.int("VCS_FIRST_CONTACT_WORKING_DAYS", default=20)  # Right 11
VCS_ESCALATION_WORKING_DAYS = env.int("VCS_ESCALATION_WORKING_DAYS", default=40)  # national standard
VCS_VPS_DAYS_BEFORE_HEARING = env.int("VCS_VPS_DAYS_BEFORE_HEARING", default=28)  # parole guidance
VCS_RECONSIDERATION_DAYS = env.int("VCS_RECONSIDERATION_DAYS", default=21)  # Parole Board Rules r.28
VCS_ANNUAL_LETTER_MONTHS = env.int("VCS_ANNUAL_LETTER_MONTHS", default=12)  # VCS practice
VCS_ELIGIBILITY_MIN_CUSTODY_MONTHS = env.int("VCS_ELIGIBILITY_MIN_CUSTODY_MONTHS", default=12)  # s.35 DVCVA
VCS_IMPORT_MAX_BYTES = env.int("VCS_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
VCS_ANNUAL_LETTER_WINDOW_DAYS = env.int("VCS_ANNUAL_LETTER_WINDOW_DAYS", default=30)
VCS_REOFFER_WINDOW_DAYS = env.int("VCS_REOFFER_WINDOW_DAYS", default=90)  # Victims' Commissioner, 2020
VCS_ALERT_LOOKBACK_DAYS = env.int("VCS_ALERT_LOOKBACK_DAYS", default=30)  # the alerts sweep catches up
# Victims of restricted patients may make a victim impact statement to the tribunal from this date.
VCS_VIS_TRIBUNAL_FROM = date.fromisoformat(env.str("VCS_VIS_TRIBUNAL_FROM", default="2025-06-25"))
VCS_RELEASE_ALERT_DAYS = env.int("VCS_RELEASE_ALERT_DAYS", default=56)  # letters and tasks before CRD/PED
VCS_ESCALATE_AFTER_DAYS = env.int("VCS_ESCALATE_AFTER_DAYS", default=10)  # overdue work goes to a manager
VCS_LETTER_REPLY_DAYS = env.int("VCS_LETTER_REPLY_DAYS", default=28)
# A letter is approved by someone other than who drafted or last changed it (letters/services.py).
VCS_LETTER_SECOND_CHECK = env.bool("VCS_LETTER_SECOND_CHECK", default=True)
# The VPS invitation asks for the statement this many working days before the Board's deadline.
VCS_VPS_REPLY_WORKING_DAYS = env.int("VCS_VPS_REPLY_WORKING_DAYS", default=5)
# How far back a letter's sent date may be recorded (posted on Friday, recorded on Monday).
VCS_LETTER_SENT_BACKDATE_DAYS = env.int("VCS_LETTER_SENT_BACKDATE_DAYS", default=30)
# The VLO's VPS reminder falls this many working days before the Board's deadline.
VCS_VPS_REMINDER_WORKING_DAYS = env.int("VCS_VPS_REMINDER_WORKING_DAYS", default=5)
# Years a closed case is kept before the retention sweep anonymises it (docs/retention.md).
VCS_RETENTION_YEARS = env.int("VCS_RETENTION_YEARS", default=6)
VCS_TRIBUNAL_FIRST_MONTHS = env.int("VCS_TRIBUNAL_FIRST_MONTHS", default=6)  # MHA 1983

# The exchange API for prison-side systems (vcs_portal/exchange, docs/api.md).
VCS_API_RATE_PER_MINUTE = env.int("VCS_API_RATE_PER_MINUTE", default=1200)  # calls per client per minute
VCS_API_WEBHOOK_ALLOW_HTTP_LOCAL = env.bool("VCS_API_WEBHOOK_ALLOW_HTTP_LOCAL", default=False)
VCS_API_WEBHOOK_TIMEOUT_SECONDS = env.int("VCS_API_WEBHOOK_TIMEOUT_SECONDS", default=10)
VCS_API_WEBHOOK_ATTEMPTS = env.int("VCS_API_WEBHOOK_ATTEMPTS", default=6)
