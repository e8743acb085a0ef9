"""Development settings: what ``make run`` uses on a developer's machine.

DEBUG is on by default here and only here. The secret key comes from the
environment or, failing that, from a random key generated once into ``var/``
so that sessions survive restarts; it is never a literal in the code.
"""

from __future__ import annotations

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env


def _local_secret_key() -> str:
    """Read the per-machine development key, creating it on first use."""
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _local_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# Demo mode: the second factor may be relaxed only while DEBUG is on; a banner says so.
VCS_DEMO_RELAX_MFA = DEBUG and env.bool("VCS_DEMO_RELAX_MFA", default=False)

# Demo and national-scale data and the bench: development tools, never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "vcs_portal.devtools"]  # noqa: F405
# A webhook may be http://localhost here, for the client script in docs/ (docs/api.md).
VCS_API_WEBHOOK_ALLOW_HTTP_LOCAL = env.bool("VCS_API_WEBHOOK_ALLOW_HTTP_LOCAL", default=True)
