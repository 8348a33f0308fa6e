#!/usr/bin/env bash
# Run the whole test suite against a real Neo4j: NEO4J_URI if set, else the project's own
# local server (started here, stopped afterwards). Lint first: a lint error fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/neo4j-env.sh
export TIES_NEO4J_TEST_HOME="${TIES_NEO4J_TEST_HOME:-$PWD/.ties-test}"
mkdir -p test-artifacts
start_local_neo4j "$TIES_NEO4J_TEST_HOME"
.venv/bin/ruff check . ; lint=$?
.venv/bin/pytest "$@" ; status=$?
stop_local_neo4j "$TIES_NEO4J_TEST_HOME"
if [ "$lint" != 0 ]; then echo "ruff found problems" >&2; [ "$status" = 0 ] && status=1; fi
exit $status
