"""Find or start the real Neo4j that tests run against; never skip silently.

Order (issue 5):
1. ``NEO4J_URI`` (with ``NEO4J_USER``/``NEO4J_PASSWORD``) if set;
2. the docker compose ``neo4j`` service, if a Docker engine answers and the service runs
   (password from ``NEO4J_PASSWORD`` or the repository's ``.env``);
3. the local server of ``graph.neo4j_server``: one already started for
   ``TIES_NEO4J_TEST_HOME`` is reused, else one is started there (default: a folder in
   the system temp dir, so the user's ``.ties`` is never touched) and
   :func:`stop_if_started` stops it at the end of the session.

If none works the caller gets ``pytest.fail`` with how to start Neo4j, under CI and
outside it alike.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from graph import neo4j_server
from ties.config import _read_dotenv, server_options

ROOT = Path(__file__).resolve().parents[1]
HOW = ("start one with `ties neo4j start` (needs Java 17 and Maven) or "
       "`docker compose up -d neo4j`, or set NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD")

_connection: tuple[str, str, str] | None = None
_started_home: Path | None = None


def server_home() -> Path:
    """Where the test server lives: TIES_NEO4J_TEST_HOME, else a per-user temp folder."""
    env = os.environ.get("TIES_NEO4J_TEST_HOME")
    return Path(env) if env else Path(tempfile.gettempdir()) / f"ties-neo4j-test-{os.getuid()}"


def _fail(message: str) -> None:
    where = " (CI)" if os.environ.get("CI") == "true" else ""
    pytest.fail(f"Neo4j needed by the tests is unavailable{where}: {message}; {HOW}",
                pytrace=False)


def _check(uri: str, user: str, password: str, source: str) -> tuple[str, str, str]:
    from neo4j import GraphDatabase
    from neo4j.exceptions import DriverError, Neo4jError

    problem = None
    try:
        with GraphDatabase.driver(uri, auth=(user, password), connection_timeout=5) as drv:
            drv.verify_connectivity()
    except (DriverError, Neo4jError, OSError) as exc:
        problem = f"{source} {uri} does not answer ({type(exc).__name__}: {exc})"
    if problem:
        _fail(problem)
    return uri, user, password


def _compose_client() -> list[str] | None:
    if not shutil.which("docker"):
        return None
    if subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode != 0:
        return None  # a client without an engine
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


def _compose_service() -> tuple[str, str, str] | None:
    client = _compose_client()
    if client is None:
        return None
    done = subprocess.run([*client, "ps", "-q", "neo4j"], cwd=ROOT, capture_output=True,
                          text=True, timeout=30)
    if done.returncode != 0 or not done.stdout.strip():
        return None
    dotenv = _read_dotenv(ROOT / ".env")
    password = os.environ.get("NEO4J_PASSWORD") or dotenv.get("NEO4J_PASSWORD")
    if not password:
        _fail("the compose service runs but NEO4J_PASSWORD is in neither the environment "
              "nor .env")
    port = os.environ.get("NEO4J_BOLT_PORT") or dotenv.get("NEO4J_BOLT_PORT") or "7687"
    return _check(f"bolt://127.0.0.1:{port}", "neo4j", password, "docker compose Neo4j")


def _local_server() -> tuple[str, str, str]:
    global _started_home
    home = server_home()
    info, problem = None, None
    try:
        info = neo4j_server.local_connection(home)
        if info is None:
            info = neo4j_server.start(home, options=server_options())
            _started_home = home
    except Exception as exc:  # noqa: BLE001 - any failure becomes one clear message
        problem = f"could not start the local server in {home} ({exc})"
    if info is None:
        _fail(problem or "no connection")
    return info["uri"], info["user"], info["password"]


def neo4j_connection() -> tuple[str, str, str]:
    """(uri, user, password) of a Neo4j that answers; found or started once per session."""
    global _connection
    if _connection is None:
        uri = os.environ.get("NEO4J_URI")
        if uri:
            _connection = _check(uri, os.environ.get("NEO4J_USER") or "neo4j",
                                 os.environ.get("NEO4J_PASSWORD") or "", "NEO4J_URI")
        else:
            _connection = _compose_service() or _local_server()
    return _connection


def stop_if_started() -> None:
    """Stop the local server if :func:`neo4j_connection` started it (not one it reused)."""
    global _connection, _started_home
    if _started_home is not None:
        neo4j_server.stop(_started_home)
    _started_home = None
    _connection = None
