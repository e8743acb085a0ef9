"""WSGI entry point (gunicorn in production)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vcs_portal.settings.production")

application = get_wsgi_application()
