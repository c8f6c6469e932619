# Two commands: `make run` serves the demo site at http://127.0.0.1:8000, `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Two workers: CI has two cores, and most tests wait on a database or a browser, not the CPU.
# The 25 slowest tests are listed at the end, so that a slow one is seen when it arrives.
PYTEST_ARGS ?= -n 2 --durations=25

.PHONY: run test check format setup chromium lock catalogs clean bench-diff bench-vote bench-pages screenshots

run: setup
	$(BIN)/deliberation migrate
	$(BIN)/deliberation demo --if-empty
	$(BIN)/deliberation serve --host 127.0.0.1 --port 8000

test: setup chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The gate before the tests (see the README's Development section).
check: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix --select I .
	$(BIN)/ruff format .

setup: $(VENV)/.installed static/vendor/htmx.min.js static/vendor/htmx-ext-sse.js

# Pinned dependencies from the lock file, then the package itself without resolving again.
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# htmx comes from the npm registry at the version package-lock.json pins; nothing third-party is committed.
static/vendor/htmx.min.js: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

# htmx's server-sent events extension, pinned the same way, for the forum's live pages.
static/vendor/htmx-ext-sse.js: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx-ext-sse/dist/sse.min.js $@

# Debian's Chromium for the browser tests (browser downloads are impossible here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# Regenerate requirements.lock after changing dependencies in pyproject.toml.
lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra test --strip-extras --no-emit-find-links --no-emit-index-url --output-file requirements.lock pyproject.toml

# Extract messages and update both catalogs (then translate the new entries).
catalogs:
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k Nn_:1,2 -k ngettext:1,2 -k pgettext:1c,2 --no-location --sort-output -o deliberation/locale/messages.pot .
	$(BIN)/pybabel update -i deliberation/locale/messages.pot -d deliberation/locale --no-fuzzy-matching
	$(BIN)/python tools/fill_english_catalog.py

clean:
	rm -rf $(VENV) node_modules static/vendor

# Benchmarks: the C++ diff is installed for the comparison only, never a dependency of the app.
bench-diff: setup
	$(BIN)/python -m pip install --quiet fast-diff-match-patch
	$(BIN)/python bench/diff.py

# 500 ballots over HTTP to `deliberation serve`, on SQLite and (when one answers) PostgreSQL.
bench-vote: setup
	$(BIN)/python bench/forum_vote.py

# The ten main pages at 360×740 into docs/screenshots/ (shown in the README).
screenshots: setup chromium
	$(BIN)/python tools/screenshots.py

# Bytes on a first and a second visit and first contentful paint on slow 3G, for every page type.
bench-pages: setup chromium
	$(BIN)/python bench/pages.py
