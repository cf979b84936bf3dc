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

.PHONY: run test lint format migrate demo worker beat messages catalogues clean help

help:
	@echo "make run     install, migrate, load the demo and serve on http://$(HOST):$(PORT)/"
	@echo "make test    install and run the whole test suite (lint, migrations, pytest)"
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
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@echo "Essaim: http://$(HOST):$(PORT)/  (mail is printed here; Ctrl+C stops)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: catalogues
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=website.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: catalogues
	$(VENV)/bin/celery -A website worker --loglevel=INFO

beat: catalogues
	$(VENV)/bin/celery -A website beat --loglevel=INFO --schedule=var/celerybeat-schedule

messages: $(STAMP)
	$(PY) manage.py makemessages --locale fr --locale en --ignore ".venv/*" --ignore ".tools/*" --no-obsolete
	$(PY) manage.py compile_catalogues

clean:
	rm -rf $(VENV) $(TOOLS) var
