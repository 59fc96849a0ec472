# `make run` and `make test` do their own set-up; see README.md.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install messages run test screenshots bench lint clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(BIN)/.installed node_modules/.installed

# The Japanese catalogue is compiled here, not committed (.mo files are build output).
messages: install
	@if command -v msgfmt >/dev/null; then \
		SECRET_KEY=build-only $(BIN)/python manage.py compilemessages --ignore ".venv/*" --ignore "node_modules/*" -v0; \
	else \
		echo "gettext is missing (apt-get install gettext): pages stay in English until it is installed."; \
	fi

# Embedded defaults: an SQLite file and kombu's filesystem broker, no server needed.
run: messages
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true $(BIN)/python manage.py scan_reminders
	DEBUG=true $(BIN)/python manage.py snapshot_signals
	@echo "PRM is starting on http://127.0.0.1:$(PORT) (web, Celery worker and beat); Ctrl-C stops all three."
	DEBUG=true PORT=$(PORT) PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho start

# The suite uses DATABASE_URL and REDIS_URL when set (CI sets both), SQLite otherwise.
test: messages
	@command -v msgfmt >/dev/null || { echo "gettext is missing: run 'bash .ci/run' once, or 'apt-get install -y gettext'."; exit 1; }
	@test -x /usr/bin/chromium || { echo "Chromium is missing: run 'bash .ci/run' once, or 'apt-get install -y chromium'."; exit 1; }
	$(BIN)/ruff check .
	SECRET_KEY=test-only-not-secret $(BIN)/python manage.py collectstatic --noinput -v0
	SECRET_KEY=test-only-not-secret $(BIN)/python -m pytest --numprocesses 2

# Refresh the README's screenshots from a real run of the browser tests that take them.
screenshots: messages
	SECRET_KEY=test-only-not-secret $(BIN)/python manage.py collectstatic --noinput -v0
	PRM_SCREENSHOT_DIR=docs/screenshots SECRET_KEY=test-only-not-secret $(BIN)/python -m pytest tests/test_browser_workspace.py tests/test_browser_dashboard.py tests/test_browser_portal.py

# Issue #11: the large data set in PostgreSQL (database prm_bench, built once and reused),
# each key page under wrk against gunicorn, the nightly jobs; writes docs/BENCHMARKS.md.
# Needs PostgreSQL and Redis on 127.0.0.1 (`bash .ci/run` starts both) and wrk.
# collectstatic takes minutes on a busy machine: run only when a static file changed.
bench: messages
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	@if [ ! -f staticfiles/staticfiles.json ] || [ -n "$$(find static node_modules/bootstrap/dist \
		node_modules/htmx.org/dist $(BIN)/.installed -newer staticfiles/staticfiles.json \
		-print -quit)" ]; then \
		SECRET_KEY=build-only $(BIN)/python manage.py collectstatic --noinput -v0; \
	fi
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules staticfiles var db.sqlite3
