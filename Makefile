# Butler: the two commands are `make run` and `make test`. Everything they need is
# installed by the targets below (Python venv, npm assets, compiled catalogues, Chromium).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
VENDOR := core/static/vendor
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test test-dates test-sqlite test-postgres install install-test assets catalogues i18n \
        migrate demo serve bench lint chromium wrk clean dist test-sms-gateway

## make run: install, migrate, load demo data when empty, serve on http://127.0.0.1:5000
run: install assets catalogues migrate demo serve

## make test: install the test tools and run the whole suite on SQLite and PostgreSQL.
## The two runs go side by side (one per core); each one's output is printed when it ends.
test: install-test assets catalogues chromium
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed pyproject.toml examples/sms_gateway/pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	$(BIN)/pip install --quiet -e examples/sms_gateway  # the reference third-party plugin
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.test-installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/.copied: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/pico.min.css
	touch $@

assets: $(VENDOR)/.copied

## Compile every catalogue (core and plugins); .mo files are build output, never committed.
catalogues: install
	$(BIN)/python -m core.i18n_tools compile

## make i18n: extract, update and compile every catalogue; make i18n PLUGIN=name: one plugin's
I18N_ONLY = $(if $(PLUGIN),--plugin $(PLUGIN))
i18n: install
	$(BIN)/python -m core.i18n_tools extract $(I18N_ONLY)
	$(BIN)/python -m core.i18n_tools update $(I18N_ONLY)
	$(BIN)/python -m core.i18n_tools compile $(I18N_ONLY)

## make dist: the wheel in dist/, carrying the templates, the compiled catalogues and the
## vendored htmx and Pico files (setup.py copies them in); `butler …` runs it once installed.
dist: install assets catalogues
	rm -rf build dist/butler_crm-*.whl
	$(BIN)/pip wheel --no-deps --quiet -w dist .
	rm -rf build
	@ls dist/butler_crm-*.whl

migrate: install
	$(FLASK) db upgrade heads

demo: install
	$(FLASK) butler demo --if-empty

serve: install
	@echo ""
	@echo "Butler is at http://127.0.0.1:5000"
	@echo "Demo logins, all with the password butler-demo:"
	@echo "  admin (organisation admin), manager, assistant, butler, frontdesk, health,"
	@echo "  housekeeper (hotel)"
	@echo ""
	$(FLASK) run --host 127.0.0.1 --port 5000

chromium:
	@test -x $(CHROMIUM) && dpkg -s fonts-noto-cjk poppler-utils >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium, CJK fonts and poppler-utils (printed pages as PNG) for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk poppler-utils >/dev/null; }

# Each run has its own temporary folder, so the two can run at once. The fuzzing of every
# form posts 10 made-up submissions per form on SQLite and 8 on PostgreSQL, where what is
# left to find is the database's own refusals (BUTLER_FUZZ_EXAMPLES overrides both: 40 or
# more for a deeper search before a release). The permission matrix (every site route x
# method x role x site, ~10,000 requests) runs on SQLite: what it checks is decided before
# any query, and the PostgreSQL half would spend five of its minutes on it again
# (MATRIX_ON_POSTGRES=1 runs it there too). With thirteen plugins, both halves then stay
# inside `make test`'s time.
PG_SKIP := $(if $(MATRIX_ON_POSTGRES),,-k "not test_every_role_gets_what_its_permission_allows")
test-sqlite: install-test
	BUTLER_ENV=test TEST_DATABASE_URL= BUTLER_FUZZ_EXAMPLES=$${BUTLER_FUZZ_EXAMPLES:-10} \
	  $(BIN)/pytest -p no:cacheprovider \
	  --basetemp=$${TMPDIR:-/tmp}/butler-pytest-sqlite
	@$(MAKE) --no-print-directory test-sms-gateway

## make test-sms-gateway: the reference out-of-tree plugin (examples/sms_gateway), installed
## from its own package: its own suite (against a fake gateway it starts), the permission
## matrix and the fuzz walk on its routes included, from Butler's installed test support.
test-sms-gateway: install-test
	BUTLER_ENV=test TEST_DATABASE_URL= BUTLER_FUZZ_EXAMPLES=$${BUTLER_FUZZ_EXAMPLES:-10} \
	  $(BIN)/pytest -p no:cacheprovider \
	  --basetemp=$${TMPDIR:-/tmp}/butler-pytest-sms-gateway examples/sms_gateway/tests

test-postgres: install-test
	BUTLER_ENV=test TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$(PG_TEST_URL)} \
	  BUTLER_FUZZ_EXAMPLES=$${BUTLER_FUZZ_EXAMPLES:-8} \
	  $(BIN)/pytest -p no:cacheprovider -m "not browser" $(PG_SKIP) \
	  --basetemp=$${TMPDIR:-/tmp}/butler-pytest-postgres

## make test-dates: the time-sensitive tests (plugins; the core's clock, jobs, outbox,
## sessions, dashboard, staff, residents, exports, imports) with the clock frozen at moments
## where dates go wrong, each as BUTLER_TEST_NOW (site time is Hong Kong unless it says):
## 31 December at 23:30 (the end of a month and of a year), 31 December 23:30 UTC (already
## 1 January in Hong Kong), 29 February 2028 at 23:30 (a leap day, and the end of a short
## month) and the night clocks go forward in Europe/London (the real time is `make test`'s
## own). Two at a time, on SQLite: four moments are two rounds. `make test-date-month-end`
## runs the end of a 30-day month (30 April) on its own. Each run's output is printed when
## it ends.
DATE_month-end := 2027-04-30T23:30:00+08:00
DATE_year-end := 2026-12-31T23:30:00+08:00
DATE_new-year-in-utc := 2026-12-31T23:30:00+00:00
DATE_leap-day := 2028-02-29T23:30:00+08:00
DATE_london-clocks-change := 2027-03-28T00:30:00+00:00
DATE_real-now :=
DATES := year-end new-year-in-utc leap-day london-clocks-change
TIME_SENSITIVE := tests/plugins tests/core/test_clock.py tests/core/test_jobs.py \
  tests/core/test_outbox.py tests/core/test_sessions.py tests/core/test_dashboard.py \
  tests/core/test_staff.py tests/core/test_residents.py tests/core/test_exports.py \
  tests/core/test_imports.py tests/core/test_day.py tests/core/test_hand_in.py \
  tests/core/test_jobs_on_cadences.py tests/core/test_worklog.py

test-dates: install-test catalogues
	@$(MAKE) --no-print-directory -j2 --output-sync=target $(addprefix test-date-,$(DATES))

test-date-%: install-test
	@echo "make test-dates: $* (BUTLER_TEST_NOW=$(or $(DATE_$*),unset: the real time))"
	BUTLER_ENV=test TEST_DATABASE_URL= BUTLER_TEST_NOW=$(DATE_$*) BUTLER_FUZZ_EXAMPLES=10 \
	  $(BIN)/pytest -p no:cacheprovider -q -m "not browser" \
	  --basetemp=$${TMPDIR:-/tmp}/butler-pytest-date-$* $(TIME_SENSITIVE)

bench: install-test assets catalogues wrk
	$(BIN)/python -m bench

wrk:
	@command -v wrk >/dev/null || { \
	  echo "Installing Debian's wrk (the load generator of make bench)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends wrk >/dev/null; }

lint: install-test
	$(BIN)/ruff check core plugins tests bench wsgi.py setup.py examples
	$(BIN)/ruff format --check core plugins tests bench wsgi.py setup.py examples

clean:
	rm -rf $(VENV) node_modules $(VENDOR) instance/test-* build dist
