# Two commands on a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ENV := DEBUG=True
# mypy's Django plugin imports the settings: DEBUG=True lets them load without SECRET_KEY / MANO_PEPPER.
MYPY_ENV := DEBUG=True

.PHONY: demo test install dev migrate seed lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
dev: $(VENV)/.dev-installed

migrate: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput

seed: migrate
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo

demo: seed
	@echo "Mano démo : http://127.0.0.1:8000  (Ctrl+C pour arrêter)"
	$(DEMO_ENV) $(BIN)/gunicorn mano.wsgi --bind 127.0.0.1:8000 --workers 2 --threads 4 --access-logfile - --access-logformat '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'

test: dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MYPY_ENV) $(BIN)/mypy mano bench

format: dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var

# Benchmarks on a seeded large organisation (BENCH_SIZE=small|full|large; DATABASE_URL for PostgreSQL).
BENCH_SIZE ?= small
BENCH_DB ?= sqlite:///$(CURDIR)/var/bench-$(BENCH_SIZE).sqlite3
BENCH_ENV := DEBUG=False SECURE_SSL_REDIRECT=False ALLOWED_HOSTS=testserver,127.0.0.1 \
	SECRET_KEY=bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz \
	MANO_PEPPER=YmVuY2gtb25seS1wZXBwZXItdGhpcnR5LXR3by1ieXRlcyE= MANO_STATIC_MANIFEST=False \
	BENCH_SIZE=$(BENCH_SIZE) DATABASE_URL=$${DATABASE_URL:-$(BENCH_DB)}

.PHONY: bench bench-seed loadtest
bench-seed: dev
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(BENCH_ENV) $(BIN)/python manage.py seed_bench --size $(BENCH_SIZE)

bench: bench-seed
	$(BENCH_ENV) $(BIN)/python -m bench.run
	$(BENCH_ENV) $(BIN)/python -m bench.browser
	$(BENCH_ENV) LOAD_SECONDS=60 $(BIN)/python -m loadtests.run

# Load test: 50 locust users against gunicorn (production settings) on 127.0.0.1 for LOAD_SECONDS.
LOAD_SECONDS ?= 60
loadtest: bench-seed
	$(BENCH_ENV) LOAD_SECONDS=$(LOAD_SECONDS) $(BIN)/python -m loadtests.run
