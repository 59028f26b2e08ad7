# Two commands: `make run` (demo on http://127.0.0.1:8080) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PORT ?= 8080
WORKERS ?= 2
# The demo region lives in the 2012/2013 school year: pages open on its last school day.
APP_TODAY ?= 2012-10-19

.PHONY: run serve test lint translations messages migrate demo roles bench bench-data bench-load clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

# axe-core for the browser accessibility checks (tests skip them, saying why, without npm).
node_modules/.installed: package.json
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent && touch $@; \
	else echo "npm не найден: проверки доступности (axe-core) будут пропущены"; fi

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations -l ru --statistics

# Rebuild translations/ru from the code: every string of ours (msgstr = the Russian msgid) plus the
# Flask-AppBuilder strings translated in translations/fab_ru.po. See tools/i18n.py.
messages: $(VENV)/.installed
	$(BIN)/python -m tools.i18n

migrate: $(VENV)/.installed
	$(FLASK) db upgrade

roles: migrate
	$(FLASK) roles sync

demo: roles
	$(FLASK) demo load --if-empty

run: $(VENV)/.installed translations demo
	@$(BIN)/python -m app.demo_logins $(PORT)
	APP_TODAY=$(APP_TODAY) $(BIN)/gunicorn --preload --no-control-socket --workers $(WORKERS) --bind 127.0.0.1:$(PORT) \
		--access-logfile - 'app:create_app()'

# The suite runs on every core (pytest-xdist, one worker per core): TEST_WORKERS=4 to choose,
# PYTEST_ARGS="-n 0 …" for one process. Each worker has its own databases (tests/conftest.py).
TEST_WORKERS ?= auto
test: $(VENV)/.installed-dev translations node_modules/.installed
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Cyclomatic complexity (radon): the worst functions, and a failure for any above 15.
lint: $(VENV)/.installed-dev
	$(BIN)/python -m tools.complexity

bench-data: $(VENV)/.installed-dev translations
	$(BIN)/python -m bench.generate $(BENCH_ARGS)

bench: $(VENV)/.installed-dev translations
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# The diary page under gunicorn + wrk on loopback (BENCH_PG_URL set: PostgreSQL, else SQLite).
bench-load: $(VENV)/.installed-dev translations
	$(BIN)/python -m bench.load $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance/journal.sqlite*
