# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000

.PHONY: run test screenshots audit install install-test messages check-deploy worker beat clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## run: install into .venv, migrate, seed the demo agency, serve http://127.0.0.1:$(PORT)
run: install
	$(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: install the test extras and run the whole suite
test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

## screenshots: refresh, on purpose, the images docs/ embeds (docs/guide/img, docs/screenshots) by
## running the browser journeys; `make test` writes its screenshots to test-results/ instead
screenshots: install-test
	REFRESH_SCREENSHOTS=1 $(PY) -m pytest tests/e2e tests/dossiers/test_browser.py tests/backlog/test_browser.py $(PYTEST_ARGS)

## audit: bandit over our code (fails on HIGH) and pip-audit over the installed packages
audit: install-test
	.ci/audit

## messages: refresh the English catalogue after changing texts, then compile it
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages -l en --ignore=.venv

worker: install
	$(VENV)/bin/celery -A recordsportal worker -l info

beat: install
	$(VENV)/bin/celery -A recordsportal beat -l info

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
