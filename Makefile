# Kaft — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.11 is what Kaft is built and tested on; python3 is used when it is 3.11.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || echo python3)
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
KAFT := $(VENV)/bin/kaft
HOST ?= 127.0.0.1
PORT ?= 8000
SIP2_PORT ?= 6001
# Links in mail point where `make run` serves, unless KAFT_SITE_URL is set.
SITE_URL := $(or $(KAFT_SITE_URL),http://$(HOST):$(PORT))
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: help setup run serve test test-sqlite test-postgres lint bench demo messages clean

help:
	@echo "make run    set up everything and start Kaft with a demo library on http://$(HOST):$(PORT) (SIP2 on port $(SIP2_PORT))"
	@echo "make test   run the whole test suite (also on PostgreSQL when KAFT_TEST_POSTGRES is set)"
	@echo "make lint   ruff and mypy"
	@echo "make bench  benchmarks (BENCH_ARGS='--scale 100k|1m --quick')"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet
	@touch $@

setup: $(VENV)/.synced
	@mkdir -p var/broker/queue var/broker/processed var/broker/control var/mail
	@$(PY) manage.py compile_translations >/dev/null

messages: setup
	$(PY) manage.py compile_translations

demo: setup
	$(PY) manage.py migrate --noinput
	$(KAFT) demo

run: demo
	@$(KAFT) demo --banner --url http://$(HOST):$(PORT)/ --sip2 $(HOST):$(SIP2_PORT)
	@trap 'kill 0' EXIT INT TERM; export KAFT_SITE_URL="$(SITE_URL)"; \
	  $(VENV)/bin/celery -A kaft worker --beat --loglevel=WARNING --concurrency=1 --pool=solo & \
	  $(KAFT) sip2-server --host $(HOST) --port $(SIP2_PORT) & \
	  $(PY) manage.py runserver $(HOST):$(PORT) --noreload

# The whole suite on SQLite; again on PostgreSQL when KAFT_TEST_POSTGRES names a server.
test: setup
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$KAFT_TEST_POSTGRES" ]; then $(MAKE) --no-print-directory test-postgres; \
	  else echo "KAFT_TEST_POSTGRES not set: PostgreSQL run left out"; fi

test-sqlite: setup
	env -u DATABASE_URL $(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: setup
	@test -n "$$KAFT_TEST_POSTGRES" || { echo "KAFT_TEST_POSTGRES is not set"; exit 2; }
	@$(PY) -c "import os, psycopg; psycopg.connect(os.environ['KAFT_TEST_POSTGRES'], connect_timeout=5).close()" \
	  || { echo "PostgreSQL at KAFT_TEST_POSTGRES is unreachable: failing, not skipping"; exit 1; }
	DATABASE_URL="$$KAFT_TEST_POSTGRES" $(VENV)/bin/pytest -m "not browser" $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check kaft tests bench
	$(VENV)/bin/ruff format --check kaft tests bench
	$(VENV)/bin/mypy kaft bench

bench: setup
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) var
