# ticketsim: `make run` and `make test` each install what is missing first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8080
ARGS ?=

.PHONY: install run test test-postgres lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/ticketsim serve --host $(HOST) --port $(PORT) $(ARGS)

test: install
	$(BIN)/python -m pytest -q $(ARGS)

# The whole test suite against a throwaway PostgreSQL (installed when missing).
test-postgres: install
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	scripts/with-postgres $(BIN)/python -m pytest -q tests $(ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy simulator

# Speed figures (docs/speed.md): ticketsim next to Prism (npm installs it into bench/.prism;
# skipped with a message without npm), start-up, long-poll memory, journal memory, body
# limit memory, flat memory.
# MEMORY_REQUESTS=1000000 is the target's run (about half an hour).
MEMORY_REQUESTS ?= 1000000
bench: install
	$(BIN)/python bench/run.py $(ARGS)
	$(BIN)/python bench/hold_cpu.py
	$(BIN)/python bench/startup_bench.py
	$(BIN)/python bench/pdf_bench.py
	$(BIN)/python bench/longpoll_bench.py
	$(BIN)/python bench/longpoll_memory.py
	$(BIN)/python bench/journal_bench.py --requests 1000000
	$(BIN)/python bench/body_limit_bench.py
	$(BIN)/python bench/memory_bench.py --requests $(MEMORY_REQUESTS)
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	scripts/with-postgres $(BIN)/python bench/scale_bench.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
