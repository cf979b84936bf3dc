# Essaim: `make run` serves the demo site, `make test` runs the whole suite.
# Both need only python3 and make; everything else is installed into .venv from uv.lock.

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.synced
HOST ?= 127.0.0.1
PORT ?= 8000
# Where the site is served: every link in mails, calendars and the API is made from it.
BASE_URL ?= http://$(HOST):$(PORT)
SITE := BASE_URL=$(BASE_URL)

.PHONY: run test bench lint format migrate demo worker beat messages catalogues clean help

help:
	@echo "make run     install, migrate, load the demo and serve on http://$(HOST):$(PORT)/"
	@echo "make test    install and run the whole test suite (lint, migrations, pytest)"
	@echo "make bench   measure the site under gunicorn with wrk on a large data set (PostgreSQL, Redis, wrk)"
	@echo "make worker  a Celery worker (needs REDIS_URL)"
	@echo "make beat    Celery beat, the periodic tasks (needs REDIS_URL)"
	@echo "make messages  extract strings into locale/*/django.po (needs GNU gettext)"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMP): $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --quiet --python $(PYTHON)
	touch $(STAMP)

catalogues: $(STAMP)
	$(PY) manage.py compile_catalogues

migrate: catalogues
	$(SITE) $(PY) manage.py migrate --noinput

demo: migrate
	$(SITE) $(PY) manage.py load_demo

run: demo
	@echo "Essaim: $(BASE_URL)/  (mail is printed here; Ctrl+C stops)"
	$(SITE) $(PY) manage.py runserver $(HOST):$(PORT)

test: catalogues
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	DJANGO_SETTINGS_MODULE=website.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# A scratch database and Redis database of its own; the data set is made once per database.
BENCH_DATABASE_URL ?= postgres://postgres:postgres@127.0.0.1:5432/essaim_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/3
BENCH_ARGS ?=

bench: catalogues
	DJANGO_SETTINGS_MODULE=website.settings.production \
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) \
	SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))") \
	ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false MFA_REQUIRED_FOR_STAFF=false \
	BASE_URL=http://127.0.0.1:8000 \
	$(PY) manage.py bench_site $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: catalogues
	$(SITE) $(VENV)/bin/celery -A website worker --loglevel=INFO

beat: catalogues
	$(SITE) $(VENV)/bin/celery -A website beat --loglevel=INFO --schedule=var/celerybeat-schedule

messages: $(STAMP)
	$(PY) manage.py makemessages --locale fr --locale en --ignore ".venv/*" --ignore ".tools/*" --no-obsolete
	$(PY) manage.py compile_catalogues

clean:
	rm -rf $(VENV) $(TOOLS) var
