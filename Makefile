# Two commands: `make demo` and `make test` (and `make serve` for production). Everything else is a helper of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed

.PHONY: demo serve test install lint format migrate seed clean messages compile-messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/luukku migrate --noinput

# seed-history: a simulated past year of daily aggregates, so the reports show something
# on a fresh demo (about 15 s the first time; days already filled are kept).
seed: migrate
	$(BIN)/luukku seed-demo
	$(BIN)/luukku seed-history

# The demo runs with DEBUG on (and its demo secret key), and the links in its messages and
# calendar files point at its own PORT. Production is `make serve`, DEBUG off.
demo seed migrate: export LUUKKU_DEBUG ?= 1
demo: export LUUKKU_PUBLIC_URL ?= http://127.0.0.1:$(PORT)

# The background worker (confirmations, reminders) runs beside the web server and stops with it.
demo: seed
	$(BIN)/luukku demo-info --port $(PORT)
	$(BIN)/luukku db_worker --no-reload --interval 2 -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/luukku runserver 127.0.0.1:$(PORT)

# Production: migrations, static files (hashed, compressed), uvicorn with a worker process
# per CPU and the task worker beside it; Ctrl-C or SIGTERM stops both. Needs at least
# LUUKKU_SECRET_KEY, DATABASE_URL (PostgreSQL) and LUUKKU_PUBLIC_URL (README, docs/deploy.md).
serve: install
	$(BIN)/luukku serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests conftest.py
	$(BIN)/ruff format --check src tests conftest.py

format: install
	$(BIN)/ruff check --fix src tests conftest.py
	$(BIN)/ruff format src tests conftest.py

test: install lint
	$(BIN)/pytest -q

# Translations: the compiled .mo files are committed, so neither demo nor test needs GNU gettext.
# After changing user-facing strings: make messages, translate the .po files, make compile-messages.
messages: install
	cd src/luukku && DJANGO_SETTINGS_MODULE=luukku.settings ../../$(BIN)/django-admin makemessages -l fi -l sv --ignore 'core/*' --ignore '*/tests/*'

compile-messages: install
	cd src/luukku && DJANGO_SETTINGS_MODULE=luukku.settings ../../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) var
