# The two commands a newcomer needs are `make run` and `make test`; both set up .venv first.
PYTHON ?= python3
# Some machines set PYTHONDONTWRITEBYTECODE=1: then every process of the suite (each xdist
# worker, each server a test starts) compiles the app and rewrites the tests again.
unexport PYTHONDONTWRITEBYTECODE
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test lint docs screenshot bench lighthouse messages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "events_app needs Python 3.11 or newer (set PYTHON=python3.x)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/events-app db upgrade
	$(BIN)/events-app demo --if-empty
	$(BIN)/events-app serve --host 127.0.0.1 --port 8000

# The browser suite's checkers (vnu.jar, axe-core) come from npm; without npm or Java those
# tests skip with a reason locally (CI installs both and makes a skip a failure).
# One pytest-xdist worker per core (TEST_WORKERS=0 runs in one process); the browser tests
# keep to one worker (tests/conftest.py, XDIST_GROUPS). The load tests run afterwards on their
# own: each is a multi-process server with hundreds of clients, and on two cores a second
# worker beside it makes its requests time out.
TEST_WORKERS ?= auto
test: setup
	-@bash tests/browser/install_tools.sh || echo "make test: browser checkers not installed; those tests will skip"
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --ignore=tests/load
	$(BIN)/python -m pytest tests/load

# lint-imports: which package may import which (the contracts in pyproject.toml).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The documentation site (mkdocs.yml, docs/) into site/; strict, so a warning fails.
docs: setup
	$(BIN)/mkdocs build --strict

# The README's picture of the demo home page, through Debian's Chromium.
screenshot: setup
	$(BIN)/python docs/screenshot.py

bench: setup
	$(BIN)/python bench/run.py

# Issue 14's Lighthouse scores of the demo site (bench/lighthouse.py; bench/README.md). Not in
# `make test` or CI: it needs npm, which installs Lighthouse into .tools/lighthouse/ (ignored
# by git); it drives Debian's Chromium and never downloads a browser.
LIGHTHOUSE_VERSION := 12.8.2
LIGHTHOUSE_FLAGS ?=
lighthouse: setup
	test -x .tools/lighthouse/node_modules/.bin/lighthouse || \
		PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix .tools/lighthouse --no-save \
		--no-package-lock --no-audit --no-fund --loglevel=error lighthouse@$(LIGHTHOUSE_VERSION)
	CHROME_PATH=/usr/bin/chromium $(BIN)/python bench/lighthouse.py $(LIGHTHOUSE_FLAGS)

messages: setup
	$(BIN)/pybabel extract -F babel.cfg -o events_app/locale/messages.pot --project=events_app --no-location --sort-output events_app

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache test-artifacts site
