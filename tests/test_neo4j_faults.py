"""Neo4j faults: the server stopped under a running sync and started again, a server
that is down, a wrong password; and the password never shows in output or logs.

These tests stop and start a Neo4j server of their own (in a temporary home, on a free
port), never the shared test server.
"""

from __future__ import annotations

import random

import pytest

from faults.run import (
    clear_neo4j,
    expected_counts,
    make_corpus,
    neo4j_counts,
    neo4j_env,
    own_server,
    restart_mid_sync,
    run_ties,
    ties_env,
    timed_ties,
)
from graph import neo4j_server
from graph.errors import ServiceUnavailable, StoreError
from graph.neo4j_store import Neo4jStore
from ties.config import load_config

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]
SEED = random.randrange(1_000_000)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Our own server home, started; stopped at the end of the module."""
    home = tmp_path_factory.mktemp("own-neo4j")
    try:
        own_server(home)
    except Exception as exc:  # noqa: BLE001 - reported as a failure, never a skip
        pytest.fail(f"could not start a second local Neo4j for the fault tests: {exc}", pytrace=False)
    yield home
    neo4j_server.stop(home)


def connection_of(home) -> tuple[str, str, str]:
    info = neo4j_server.local_connection(home)
    assert info is not None, "our Neo4j server is not running"
    return info["uri"], info["user"], info["password"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    base = tmp_path_factory.mktemp("neo4j-faults")
    corpus = make_corpus(base / "corpus", 500, 3)
    home = base / "home"
    timed_ties(["load", str(corpus), "--json"], ties_env(home))
    return home


def test_server_stopped_mid_sync_and_restarted_then_the_sync_resumes_to_the_same_counts(server, loaded):
    connection = connection_of(server)
    want = expected_counts(loaded / "tables")
    clear_neo4j(connection, loaded)
    code, err = restart_mid_sync(server, loaded, random.Random(SEED), 4.0)
    if code != 0:
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert connection_of(server) == connection, "restarted on the same port with the same password"
    assert neo4j_counts(connection) == want, f"seed {SEED}"


def test_a_server_that_is_down_is_one_line_and_the_next_sync_completes(server, loaded):
    connection = connection_of(server)
    port = neo4j_server.local_connection(server)["port"]
    clear_neo4j(connection, loaded)
    neo4j_server.stop(server)
    try:
        code, out, err, _ = run_ties(["sync"], neo4j_env(loaded, connection))
        assert code == 1 and "Traceback" not in err
        assert err.strip().splitlines() == [err.strip()] and "not reachable" in err
        with pytest.raises(ServiceUnavailable):
            Neo4jStore(*connection)
    finally:
        neo4j_server.start(server, port=port, progress=lambda _m: None)
    timed_ties(["sync", "--json"], neo4j_env(loaded, connection))
    assert neo4j_counts(connection) == expected_counts(loaded / "tables")


def test_a_wrong_password_gets_a_clear_message_that_does_not_repeat_it(server, loaded):
    uri, user, password = connection_of(server)
    wrong = "Wrong" + password[::-1]
    with pytest.raises(StoreError, match="NEO4J_USER and NEO4J_PASSWORD") as error:
        Neo4jStore(uri, user, wrong)
    assert wrong not in str(error.value) and password not in str(error.value)
    code, out, err, _ = run_ties(["sync"], neo4j_env(loaded, (uri, user, wrong)))
    assert code == 1 and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert "refused the credentials" in err and wrong not in out + err and password not in out + err


def test_the_password_never_appears_in_output_config_or_logs(server, loaded, monkeypatch):
    uri, user, password = connection_of(server)
    env = neo4j_env(loaded, (uri, user, password))
    outputs = []
    for args in (["sync", "--json"], ["sync"], ["paths", "--store", "neo4j", "--json"],
                 ["exposure", "--store", "neo4j", "--json"]):
        code, out, err, _ = run_ties(args, env)
        assert code == 0, err
        outputs.append(out + err)
    for args in (["neo4j", "status", "--json"], ["neo4j", "status"]):
        code, out, err, _ = run_ties(args, ties_env(server))
        outputs.append(out + err)
    assert not [o for o in outputs if password in o]
    monkeypatch.setenv("NEO4J_PASSWORD", password)
    assert password not in repr(load_config())
    server_dir = neo4j_server.server_dir(server)
    for log in (server_dir / "logs").glob("*"):
        if log.is_file():
            assert password not in log.read_text(errors="replace"), log
    for state in (loaded / "state").rglob("*"):
        if state.is_file():
            assert password not in state.read_text(errors="replace"), state
