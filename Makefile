# Everyday commands. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Every package, with its hash, from the lock files (docs/deployment.md: "Dependencies").
LOCK_FLAGS := --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	--no-emit-find-links

.PHONY: run test lint format migrations-check bench bench-all bench-two-servers install lock audit clean

$(STAMP): pyproject.toml requirements.lock requirements-dev.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# After changing the dependencies in pyproject.toml: re-resolve both lock files (upgrading
# every pin within its range), then `make test` and commit all three files.
lock: $(STAMP)
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) --upgrade -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) --upgrade --extra test -o requirements-dev.lock pyproject.toml
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $(STAMP)

# Known vulnerabilities in the locked packages; exit status 2 when the database is unreachable.
audit: $(STAMP)
	$(PY) tools/audit.py $(AUDIT_ARGS)

run: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py bootstrap
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP) tests/browser/node_modules/.package-lock.json
	SECRET_KEY=test-only-secret-key $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: $(STAMP)
	SECRET_KEY=check $(PY) manage.py makemigrations --check --dry-run

# One table: every page and operation with a speed target, its ratio to the floor and whether the
# target is met. The benchmarks behind it, and those of other parts (editor, ladder check, mentor
# cohort, questionnaire size, reset), each print their own figures: bench-all runs them all.
bench: $(STAMP)
	SECRET_KEY=bench $(PY) bench/run.py

bench-all: bench
	SECRET_KEY=bench $(PY) bench/scoring.py
	SECRET_KEY=bench $(PY) bench/autosave.py
	SECRET_KEY=bench $(PY) bench/report.py
	SECRET_KEY=bench $(PY) bench/reset.py
	SECRET_KEY=bench $(PY) bench/editor.py
	SECRET_KEY=bench $(PY) bench/coherence.py
	SECRET_KEY=bench $(PY) bench/cohort.py
	SECRET_KEY=bench $(PY) bench/questionnaire.py

# Two app servers on one PostgreSQL database (DATABASE_URL names a database the run creates
# and drops), with one of them killed halfway through a second run.
bench-two-servers: $(STAMP)
	$(PY) bench/two_servers.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .test-db.sqlite3*

# Test-only front-end tools (axe-core for the accessibility scans).
tests/browser/node_modules/.package-lock.json: tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix tests/browser --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility scans will fail"; fi
