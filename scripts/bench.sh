#!/usr/bin/env bash
# `make bench`: start a local Neo4j for the benchmark (unless NEO4J_URI is set), run every
# measurement in one process (`python -m bench.run`), stop the server it started.
# The server lives in bench/out/neo4j-home (gitignored) with a larger heap and page cache
# than the test server, since it holds up to 10^6 works. Extra arguments go to bench.run,
# e.g. `make bench BENCH_ARGS="--sizes 10000,100000"`.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export TIES_BENCH_HOME="${TIES_BENCH_HOME:-$PWD/bench/out/neo4j-home}"
export TIES_NEO4J_HEAP="${TIES_NEO4J_HEAP:-4g}"
export TIES_NEO4J_PAGECACHE="${TIES_NEO4J_PAGECACHE:-3g}"
mkdir -p "$TIES_BENCH_HOME"
started=0
if [ -z "${NEO4J_URI:-}" ]; then
  if TIES_HOME="$TIES_BENCH_HOME" $BIN/ties neo4j start; then
    started=1
    eval "$($BIN/python - <<'PY'
import json, os, shlex
info = json.load(open(os.path.join(os.environ["TIES_BENCH_HOME"], "neo4j", "connection.json")))
for key, value in (("NEO4J_URI", info["uri"]), ("NEO4J_USER", info["user"]), ("NEO4J_PASSWORD", info["password"])):
    print(f"export {key}={shlex.quote(value)}")
PY
)"
  else
    echo "could not start the local Neo4j server; the Neo4j figures will be missing" >&2
  fi
fi
$BIN/python -m bench.run ${BENCH_ARGS:-} "$@"; status=$?
if [ "$started" = 1 ]; then TIES_HOME="$TIES_BENCH_HOME" $BIN/ties neo4j stop || true; fi
exit $status
