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
export TIES_NEO4J_TX_MEMORY="${TIES_NEO4J_TX_MEMORY:-2g}"
source scripts/neo4j-env.sh
start_local_neo4j "$TIES_BENCH_HOME"
$BIN/python -m bench.run ${BENCH_ARGS:-} "$@"; status=$?
stop_local_neo4j "$TIES_BENCH_HOME"
exit $status
