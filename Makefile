# Everyday commands. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format migrations-check bench install clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

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

bench: $(STAMP)
	SECRET_KEY=bench $(PY) bench/scoring.py
	SECRET_KEY=bench $(PY) bench/autosave.py
	SECRET_KEY=bench $(PY) bench/report.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .test-db.sqlite3*

# Test-only front-end tools (axe-core for the accessibility scans).
tests/browser/node_modules/.package-lock.json: tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix tests/browser --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility scans will fail"; fi
