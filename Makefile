# The two commands of the README: `make run` and `make test`. Everything else is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)
# The development server, the demo database and the benchmarks run on a developer's machine:
# MOT_ENV=development allows the built-in SECRET_KEY. Without it the app is production-strict.
export MOT_ENV ?= development

.PHONY: run test test-sqlite test-pg lint i18n-check i18n-update db chromium redis bench clean

run: $(STAMP) $(COMPILED) db
	$(FLASK) run --host 127.0.0.1 --port 5000

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -d translations -l $*

db: $(STAMP) $(COMPILED)
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty

test: $(STAMP) $(COMPILED) lint i18n-check chromium redis test-sqlite test-pg

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

i18n-check: $(STAMP)
	$(BIN)/python -m tools.i18n_check

# Extract, merge, and fill the English catalogue where its msgid is already English.
i18n-update: $(STAMP)
	$(BIN)/python -m tools.i18n_check --update

chromium:
	@test -x $(CHROMIUM) || (apt-get update -qq && apt-get install -y -qq chromium)

# Tests start their own redis-server on loopback (rate limits shared by several processes).
redis:
	@command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server)

test-sqlite: $(STAMP) $(COMPILED)
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

# The PostgreSQL half: a throwaway cluster from pg_virtualenv, then the whole suite again.
# -t keeps the cluster in a temporary folder even as root, so a cluster left behind in
# /etc/postgresql by an interrupted run ("Cluster 15/regress exists") cannot stop this one.
test-pg: $(STAMP) $(COMPILED)
	@if command -v pg_virtualenv >/dev/null; then \
		pg_virtualenv -t -v 15 env MOT_TEST_DB=postgres $(BIN)/pytest -n auto $(PYTEST_ARGS); \
	elif [ -n "$$MOT_STRICT" ]; then \
		echo "pg_virtualenv not found: PostgreSQL tests cannot run" >&2; exit 1; \
	else echo "pg_virtualenv not found: PostgreSQL tests skipped"; fi

bench: $(STAMP) $(COMPILED)
	$(BIN)/python -m bench.catalogue

clean:
	rm -rf $(VENV) instance/*.sqlite3 translations/*/LC_MESSAGES/*.mo
