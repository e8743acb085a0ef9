# syntax=docker/dockerfile:1
# VCS Portal image: one image for web (gunicorn), worker and beat (celery).
# Docker cannot run on the development machines; see docs/deployment.md.

# ---- Stage 1: front-end assets (GOV.UK Frontend, MoJ Frontend, Sass) -------------
FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ frontend/
COPY static/ static/
# Writes static/dist, static/govuk and static/moj.
RUN npm run build

# ---- Stage 2: the Django application ---------------------------------------------
FROM python:3.11-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=vcs_portal.settings.production

# WeasyPrint's system libraries (Pango, HarfBuzz and its subsetter, which WeasyPrint 70
# warns without), Liberation fonts in place of Arial, fontconfig for a prebuilt font
# cache, and libpq.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        fontconfig \
        fonts-liberation \
        libpq5 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app

# requirements.txt is the lock made from requirements.in (make lock): every package, transitive
# ones included, pinned with its hashes, so a file on the index that changed fails the build.
# The embedded dev/test servers live in requirements-local.txt and never reach the image.
COPY requirements.txt ./
RUN pip install --no-cache-dir --require-hashes -r requirements.txt

# Application code stays owned by root: the app user can read it, not change it.
COPY . .
COPY --from=frontend /build/static/dist/ static/dist/
COPY --from=frontend /build/static/govuk/ static/govuk/
COPY --from=frontend /build/static/moj/ static/moj/

# collectstatic needs settings to import; these values exist only for this step
# (production settings refuse to start without a real DJANGO_SECRET_KEY at run time).
RUN DJANGO_SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite://:memory: \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown app:app /app/var/media

USER app
EXPOSE 8000
# --timeout is explicit (gunicorn's default is 30 s): no request should come near it now that a
# referral import runs in the worker; a request that does is killed and logged rather than left.
CMD ["gunicorn", "vcs_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
