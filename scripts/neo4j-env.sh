# Sourced by scripts/test.sh and scripts/bench.sh: start the project's local Neo4j in the
# home given as $1 unless NEO4J_URI is set, and export NEO4J_URI/USER/PASSWORD from the
# connection file it writes. Sets neo4j_started=1 when this shell started the server.
neo4j_started=0
start_local_neo4j() {
  local home="$1"
  [ -n "${NEO4J_URI:-}" ] && return 0
  mkdir -p "$home"
  if TIES_HOME="$home" .venv/bin/ties neo4j start; then
    neo4j_started=1
    eval "$(NEO4J_HOME_DIR="$home" .venv/bin/python - <<'PY'
import json, os, shlex
info = json.load(open(os.path.join(os.environ["NEO4J_HOME_DIR"], "neo4j", "connection.json")))
for key, value in (("NEO4J_URI", info["uri"]), ("NEO4J_USER", info["user"]), ("NEO4J_PASSWORD", info["password"])):
    print(f"export {key}={shlex.quote(value)}")
PY
)"
  else
    echo "could not start the local Neo4j server (see the message above)" >&2
  fi
}
stop_local_neo4j() {
  local home="$1"
  if [ "$neo4j_started" = 1 ]; then TIES_HOME="$home" .venv/bin/ties neo4j stop || true; fi
}
