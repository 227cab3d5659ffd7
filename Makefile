# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000

# The lock files (exact version and SHA-256 of every package, build backend included) that
# `make run`, `make test`, CI and the Dockerfile install from; `make lock` rewrites them from
# pyproject.toml with pip-tools (README, "Dependencies").
LOCK := requirements/lock.txt
LOCK_TEST := requirements/lock-test.txt
TOOLS := $(VENV)/pip-tools

.PHONY: run test screenshots audit install install-test lock messages check-deploy worker beat clean

$(VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r $(LOCK)
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK_TEST) $(VENV)/.installed
	$(PIP) install --quiet --require-hashes -r $(LOCK_TEST)
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

## audit: ruff (fails on any finding), bandit over our code (fails on HIGH) and pip-audit over the lock files (AUDIT_STRICT=1: fail
## when its advisory database is unreachable)
audit: install-test
	bash .ci/audit

## lock: re-pin after changing pyproject.toml (pip-tools keeps every other pin; add --upgrade to
## PIP_COMPILE_ARGS to take new releases); then commit both files
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(TOOLS)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(PIP_COMPILE_ARGS)
lock:
	test -x $(TOOLS)/bin/pip-compile || ($(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet pip-tools)
	$(PIP_COMPILE) --build-deps-for wheel --output-file $(LOCK) pyproject.toml
	$(PIP_COMPILE) --build-deps-for editable --extra test --output-file $(LOCK_TEST) pyproject.toml

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
