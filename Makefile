# CARES Kids: `make run` and `make test` do all the set-up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_MEMBERS ?= 300

.PHONY: run serve test install system-deps lint migrate demo bench bench-letters bench-packet clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages WeasyPrint and the browser tests need (pango, CJK/Vietnamese fonts, Chromium).
system-deps:
	@bash .ci/system-deps

run: install system-deps
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo --members $(DEMO_MEMBERS)
	@echo
	@echo "CARES Kids is starting on http://$(HOST):$(PORT)/  (Ctrl-C stops web, worker and beat)"
	@echo
	DEBUG=$${DEBUG:-1} HOST=$(HOST) PORT=$(PORT) PATH=$(CURDIR)/$(BIN):$$PATH \
		$(BIN)/honcho start -f Procfile

# The production profile on one machine (issue 19; README, "Deploying"): CARES_ENV=production
# against PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL), with SECRET_KEY and
# ALLOWED_HOSTS set: migrate, collectstatic, `check --deploy`, then gunicorn, a prefork worker
# for the default queue, one for the pdf queue, and beat (cares/deploy/Procfile.production).
# TLS everywhere, or CARES_LOOPBACK_TRIAL=1 when everything is on 127.0.0.1 (a trial only).
SERVE_ENV = CARES_ENV=production HOST=$(HOST) PORT=$(PORT)
DEPLOY_FAIL_LEVEL = $(if $(filter 1 true yes on,$(CARES_LOOPBACK_TRIAL)),ERROR,WARNING)
serve: install system-deps
	@for name in DATABASE_URL CELERY_BROKER_URL SECRET_KEY ALLOWED_HOSTS; do \
	  if [ -z "$${!name}" ]; then \
	    echo "make serve: $$name is not set. It needs DATABASE_URL=postgres://... (PostgreSQL)," \
	      "CELERY_BROKER_URL=rediss://... (Redis), SECRET_KEY and ALLOWED_HOSTS" \
	      "(README, Deploying)." >&2; \
	    exit 2; \
	  fi; \
	done
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(BIN)/python manage.py check --deploy --fail-level $(DEPLOY_FAIL_LEVEL)
	@echo
	@echo "CARES Kids (production profile) is starting on $${BIND:-$(HOST):$(PORT)}  (Ctrl-C stops all)"
	@echo
	$(SERVE_ENV) PATH=$(CURDIR)/$(BIN):$$PATH \
		$(BIN)/honcho start -f cares/deploy/Procfile.production -d $(CURDIR)

test: install system-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=tests.settings
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Issue 20: every workload beside its floor, measured in the same run, on SQLite and then on
# PostgreSQL (BENCH_PG_URL; skipped with a message when no server answers): the dashboard, the
# worklist and the member page (each with its must-do), the director's lists, the nightly sweep
# and `refresh_deadlines --all` on BENCH_MEMBERS synthetic members (manage.py bench), then
# import_caseload and compliance_report on synthetic caseload files of IMPORT_MEMBERS members
# (manage.py bench_interchange). Each in a scratch
# database (var/bench/*.sqlite3, or <name>_bench / <name>_interchange beside BENCH_PG_URL's),
# dropped after; the configured database is never touched. Figures in var/bench/*.json and
# README.md, "Benchmarks".
BENCH_MEMBERS ?= 20000
IMPORT_MEMBERS ?= 1000,5000
BENCH_PG_URL ?= $(if $(DATABASE_URL),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/cares)
BENCH_ENV = env -u DATABASE_URL DEBUG=1
bench: install
	$(BENCH_ENV) $(BIN)/python manage.py bench --members $(BENCH_MEMBERS)
	$(BENCH_ENV) $(BIN)/python manage.py bench_interchange --members $(IMPORT_MEMBERS)
	@if $(BIN)/python -c "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()" \
	    "$(BENCH_PG_URL)" 2>/dev/null; then \
	  $(BENCH_ENV) DATABASE_URL="$(BENCH_PG_URL)" $(BIN)/python manage.py bench --members $(BENCH_MEMBERS) && \
	  $(BENCH_ENV) DATABASE_URL="$(BENCH_PG_URL)" $(BIN)/python manage.py bench_interchange --members $(IMPORT_MEMBERS); \
	else \
	  echo "make bench: no PostgreSQL answers at BENCH_PG_URL=$(BENCH_PG_URL); measured SQLite only."; \
	fi

# Letter rendering (issues 8, 20): the floor (a minimal WeasyPrint page) and the median ms per
# letter in English and Chinese in the same rounds, their ratios (Chinese / English: goal 2) and
# peak RSS, and a batch of LETTERS letters (0: none) on WORKERS worker processes; figures in
# var/bench/letters-<vendor>.json. PostgreSQL: LETTERS_DATABASE_URL=postgres://.../<throw-away>.
LETTERS ?= 500
WORKERS ?= 2
LETTERS_DATABASE_URL ?=
bench-letters: install system-deps
	$(BIN)/python -m cares.program.demo.bench_letters --letters $(LETTERS) --workers $(WORKERS) \
		$(if $(LETTERS_DATABASE_URL),--database-url $(LETTERS_DATABASE_URL))

# One member with five years of history, made in a transaction that is rolled back: the record
# packet's time, pages and queries beside the ICP PDF's (issue 18: under 10 s).
bench-packet: install system-deps
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py bench_packet

clean:
	rm -rf var/broker var/celery-results var/staticfiles
