# Research Ties: two commands set everything up on a fresh machine.
#   make demo   - venv, demo corpus, embedded store, dashboard on http://127.0.0.1:8501
#   make test   - venv, system test dependencies, a real Neo4j, the whole test suite
#   make check  - lint plus the fast tests (no Neo4j, no browser, no Spark, nothing slow): < 1 min
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: demo test check bench faults lint venv system-deps clean accuracy

$(BIN)/ties: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(BIN)/ties

venv: $(BIN)/ties

demo: venv
	$(BIN)/ties demo --port $(PORT) $(DEMO_ARGS)

# Chromium (browser test), docker-compose (compose file validation), Java 17 and Maven
# (local Neo4j server). Installed with apt-get where missing and we are root.
system-deps:
	@bash scripts/system-deps.sh

lint: venv
	$(BIN)/ruff check .

# what a change should pass before it is pushed; `make test` runs everything
FAST_TESTS := not neo4j and not browser and not spark and not slow and not process
# Bytecode is cached even where PYTHONDONTWRITEBYTECODE is set (as on the project's
# machines): without it every xdist worker compiles the project and rewrites the tests'
# asserts on each run, about a tenth of the run.
check: venv
	$(BIN)/ruff check .
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -q -n auto -m "$(FAST_TESTS)" $(PYTEST_ARGS)

test: venv system-deps
	@bash scripts/test.sh $(PYTEST_ARGS)

bench: venv system-deps
	@bash scripts/bench.sh

faults: venv system-deps
	@bash scripts/faults.sh

# Matcher accuracy on real, publisher-labelled affiliation strings (when the shared
# reference folder is present) and on the project's own labelled set (issue 14).
AFFILIATIONS ?= $(firstword $(wildcard ../shared/reference/affiliations/*.csv ../../shared/reference/affiliations/*.csv))
accuracy: venv
	@if [ -n "$(AFFILIATIONS)" ] && [ -f "$(AFFILIATIONS)" ]; then $(BIN)/ties match --evaluate "$(AFFILIATIONS)"; \
	else echo "no shared reference affiliations: scoring the project's labelled set only"; \
	$(BIN)/ties match --evaluate tests/data/affiliations_labelled.csv; fi

clean:
	rm -rf .ties .ties-test .pytest_cache test-artifacts
