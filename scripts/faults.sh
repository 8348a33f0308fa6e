#!/usr/bin/env bash
# `make faults`: run the fault scenarios (bad input, SIGKILL of fetch/load/sync, Neo4j
# stopped mid-sync, wrong password, hostile search terms), print the table, write
# faults/results.json. Exit 1 if any record is lost or a final state differs from an
# uninterrupted run. The Neo4j scenarios start a server of their own on a free port
# (jars shared with the test server when present) and stop it afterwards.
# Options pass through: scripts/faults.sh --runs 5 --works 5000 --seed 1 [--no-neo4j]
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m faults.run "$@"
