# The README's two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app wsgi
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-sqlite test-browser test-browser-first test-browser-second test-sqlite-client test-postgres test-postgres-if-up setup translations voices \
	extract-messages tenant-docs db chromium espeak-ng nginx lint format bench mutation

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) translations voices

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d translations -f >/dev/null

# The picture code's spoken digits, when espeak-ng is here (`make espeak-ng`); otherwise
# the recording reads English digits, and they are made at first use once it is installed.
voices: $(STAMP)
	@$(FLASK) captcha voices >/dev/null

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -o translations/messages.pot app
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

# The tenant.yaml / demo.yaml reference, generated from the schema (a test checks it is current).
tenant-docs: $(STAMP)
	$(FLASK) tenants schema > docs/tenant-yaml.md

db: setup
	$(FLASK) db upgrade
	$(FLASK) demo seed

# The development mail sink and the stand-in for the ISPs' networks (the tenants' YAML point
# provisioning at 127.0.0.1:8026) run beside the portal, with one queue worker that also
# keeps the schedule (messages, network events, options that start or end, the daily run)
# on the embedded SQLite queue (instance/queue.sqlite3); all stop with flask.
run: MAIL_PORT ?= 8025
run: PROVISIONING_PORT ?= 8026
run: export SMTP_HOST = 127.0.0.1
run: export SMTP_PORT = $(MAIL_PORT)
run: export SMTP_SECURITY = none
run: export SMTP_USERNAME =
run: db
	@echo "Open http://tomtel.localhost:$(PORT)/, http://athome.localhost:$(PORT)/, http://spb.netbynet.localhost:$(PORT)/ …"
	@$(BIN)/python scripts/dev-mail-sink $(MAIL_PORT) & sink=$$!; \
	$(BIN)/python scripts/dev-provisioning-receiver $(PROVISIONING_PORT) & receiver=$$!; \
	$(FLASK) jobs worker --scheduler & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; kill $$sink $$receiver 2>/dev/null; \
		wait $$sink $$receiver $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

chromium:
	@scripts/ensure-chromium

espeak-ng:
	@scripts/ensure-espeak-ng

# The deployment test runs deploy/nginx's snippet in front of the portal.
nginx:
	@scripts/ensure-nginx

# espeak-ng before setup, so setup records the spoken digits the tests play.
test: espeak-ng setup chromium nginx
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -r app -ll -q
	@# The four runs share nothing (each its own database and live server): side by side on
	@# two cores they take about half their sum. The browser tests are two of them: in one
	@# run, mostly waiting on the browser, they took minutes longer than everything else.
	@# Each run's output is printed whole when it ends.
	@$(MAKE) --no-print-directory -j4 --output-sync=recurse \
		test-browser-first test-browser-second test-sqlite-client test-postgres-if-up

# On a developer's machine without PostgreSQL half the suite is skipped with a note; in CI
# (CI set to anything but empty, 0, false, no or off) that would hide a broken run: it fails.
test-postgres-if-up:
	@if $(BIN)/python scripts/pg-ready "$(PG_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		case "$$(printf %s "$${CI:-}" | tr '[:upper:]' '[:lower:]')" in \
		""|0|false|no|off) echo "PostgreSQL does not answer at $(PG_URL): PostgreSQL run skipped";; \
		*) echo "PostgreSQL does not answer at $(PG_URL), and CI=$${CI} needs it: failing" >&2; exit 1;; \
		esac; \
	fi

test-sqlite: test-browser test-sqlite-client

# The browser tests run once, on SQLite, against the database `make run` serves from, in
# two halves of about equal time (CI's durations); every test file not named in the first
# half, a new one too, is in the second.
E2E_FIRST_HALF := tests/e2e/test_[a-o]*.py tests/e2e/test_pa*.py
test-browser: test-browser-first test-browser-second

test-browser-first: setup
	env -u DATABASE_URL $(BIN)/pytest -m e2e $(wildcard $(E2E_FIRST_HALF))

test-browser-second: setup
	env -u DATABASE_URL $(BIN)/pytest -m e2e $(foreach g,$(E2E_FIRST_HALF),--ignore-glob='$(g)')

test-sqlite-client: setup
	env -u DATABASE_URL $(BIN)/pytest -m "not e2e"

# The browser tests prove what a person sees and does; every route they drive is also
# tested through the test client on PostgreSQL. That keeps `make test` within 15 minutes.
test-postgres: setup
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not e2e"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -r app -ll -q

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	@scripts/ensure-wrk
	$(BIN)/python bench/run.py

# Mutation testing of the security- and money-critical modules ([tool.mutmut] in pyproject.toml,
# docs/mutation.md); not part of `make test`, it takes about half an hour. One low-priority
# worker by default; MUTANTS='app.core.ledger*' runs one module. Fails on an unexplained survivor.
MUTATION_CHILDREN ?= 1
MUTANTS ?=
mutation: setup
	env -u DATABASE_URL nice -n 19 $(BIN)/mutmut run --max-children $(MUTATION_CHILDREN) $(MUTANTS)
	@$(BIN)/mutmut results --all true | $(BIN)/python scripts/mutation-score
