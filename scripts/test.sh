#!/usr/bin/env bash
# Run the whole test suite against a real Neo4j: NEO4J_URI if set, else the project's own
# local server (started here, stopped afterwards). Lint first: a lint error fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export TIES_NEO4J_TEST_HOME="${TIES_NEO4J_TEST_HOME:-$PWD/.ties-test}"
export TIES_TEST_HOME="$TIES_NEO4J_TEST_HOME"
mkdir -p "$TIES_TEST_HOME" test-artifacts
started=0
if [ -z "${NEO4J_URI:-}" ]; then
  if TIES_HOME="$TIES_TEST_HOME" $BIN/ties neo4j start; then
    started=1
    eval "$($BIN/python - <<'PY'
import json, os, shlex
info = json.load(open(os.path.join(os.environ["TIES_TEST_HOME"], "neo4j", "connection.json")))
for key, value in (("NEO4J_URI", info["uri"]), ("NEO4J_USER", info["user"]), ("NEO4J_PASSWORD", info["password"])):
    print(f"export {key}={shlex.quote(value)}")
PY
)"
  else
    echo "could not start the local Neo4j server; the Neo4j tests will fail with the reason" >&2
  fi
fi
$BIN/ruff check . ; lint=$?
$BIN/pytest "$@" ; status=$?
if [ "$started" = 1 ]; then TIES_HOME="$TIES_TEST_HOME" $BIN/ties neo4j stop || true; fi
if [ "$lint" != 0 ]; then echo "ruff found problems" >&2; [ "$status" = 0 ] && status=1; fi
exit $status
