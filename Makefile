# Two commands matter: `make run` and `make test`. The rest are their steps.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHON ?=

.PHONY: run test setup serve migrate demo-data lint format messages lock clean

## make run: set everything up, load the demo data, serve on 127.0.0.1:$(PORT) with a task worker.
run: setup migrate demo-data serve

## make test: the whole suite (pytest-django, browser tests included). DATABASE_URL picks the database.
test: setup
	@scripts/system-deps --browser
	$(PY) -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed node_modules/.installed .env messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@scripts/system-deps
	@if [ ! -x $(PY) ]; then python=$$(scripts/find-python); echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# A local .env: DEBUG on and a random secret key. Never used in production.
.env:
	@sed "s/^SECRET_KEY=.*/SECRET_KEY=$$(head -c 48 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9' | head -c 50)/" .env.example > .env
	@echo "Wrote .env for local development (DEBUG on)."

messages:
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity=0

# The cache table holds the rate limits' counters when DEBUG is off and CACHE_URL is unset
# (the database cache); creating it again is a no-op.
migrate:
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo-data:
	$(PY) manage.py publish_roadmap_template --if-new
	$(PY) manage.py load_demo_data
	$(PY) manage.py load_demo_partnerships
	$(PY) manage.py load_demo_evaluation

# The worker runs tasks (e-mails, imports) in the background; it stops with the server.
serve:
	@echo "Roadmap Portal: http://127.0.0.1:$(PORT)/ (demo accounts in README.md)"
	@$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-pin the dependencies from pyproject.toml (needs the network).
lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --quiet --python-version 3.12 -o requirements.txt
	$(VENV)/bin/uv pip compile pyproject.toml --quiet --python-version 3.12 --extra dev -o requirements-dev.txt

clean:
	rm -rf $(VENV) node_modules staticfiles
