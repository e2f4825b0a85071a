# Mandato: two setup commands for a fresh machine.
#   make run   installs what is missing, migrates an SQLite database, seeds the demo network, serves on :5000
#   make test  installs what is missing (chromium included), lints with ruff, runs the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py
DEMO_SCALE ?= 1
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?= -n 2
SUDO ?= $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test deps system-deps python-deps assets translations lint seed serve clean

run: deps translations
	@if [ ! -f instance/mandato.sqlite ]; then \
	  $(BIN)/flask db upgrade && $(BIN)/flask demo seed --scale $(DEMO_SCALE); \
	else \
	  $(BIN)/flask db upgrade; echo "Using the existing demo database instance/mandato.sqlite (delete it to reseed)."; \
	fi
	@$(BIN)/flask demo logins
	@# beside the dev server: the workflow job worker, and a tick every 30 s (flask tick: workflow timers, the Salesforce sync when due, expired idempotency keys, a new month opened for accruals); both stop with the server
	@$(BIN)/flask workflows worker & worker=$$!; \
	( while sleep 30; do $(BIN)/flask tick >/dev/null 2>&1 || true; done ) & ticker=$$!; \
	trap 'kill $$worker $$ticker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: deps test-deps translations lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: python-deps
	$(BIN)/ruff check .

deps: system-deps python-deps assets

# Debian packages: wkhtmltopdf renders pro-forma invoices; poppler-utils reads PDFs back in tests.
system-deps:
	@missing=""; \
	command -v wkhtmltopdf >/dev/null || missing="$$missing wkhtmltopdf"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# Chromium drives the browser tests through Playwright (never a downloaded browser build).
test-deps: system-deps python-deps
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian packages: chromium"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core; }

python-deps: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

assets: static/vendor/.installed

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
	cp node_modules/@picocss/pico/css/pico.min.css static/vendor/
	cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/
	cp node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js node_modules/bpmn-js/dist/assets/diagram-js.css static/vendor/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css static/vendor/
	touch $@

translations: python-deps
	@$(BIN)/pybabel compile -q -d translations 2>/dev/null || $(BIN)/pybabel compile -d translations

seed: deps
	$(BIN)/flask db upgrade && $(BIN)/flask demo seed --scale $(DEMO_SCALE)

clean:
	rm -rf instance/mandato.sqlite* static/vendor node_modules
