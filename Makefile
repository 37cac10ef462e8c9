# Two commands: `make demo` and `make test`. Everything else is a helper of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: demo test install lint format migrate seed serve worker browser clean messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/luukku migrate --noinput
	$(BIN)/luukku compilemessages --ignore '.venv/*' -v 0

seed: migrate
	$(BIN)/luukku seed-demo

demo: seed
	$(BIN)/luukku demo-info --port $(PORT)
	$(BIN)/luukku runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

format: install
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

test: install lint
	$(BIN)/luukku compilemessages --ignore '.venv/*' -v 0
	$(BIN)/pytest -q

messages: install
	cd src/luukku && ../../$(BIN)/django-admin makemessages -l fi -l sv -l en --ignore 'core/*' && cd ../..

clean:
	rm -rf $(VENV) var
