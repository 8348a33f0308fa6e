"""The local Neo4j server: a real Neo4j 5.26 started once for this module, then stopped.

Start-up costs a few seconds warm (Maven fetches ~125 MB of jars the first time), so the
server tests share one module fixture and run in file order; the stop test is last.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from graph import neo4j_server
from graph.errors import ConfigError
from ties.cli import cli


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ties-home")


@pytest.fixture(scope="module")
def server(home: Path) -> dict:
    info = neo4j_server.start(home, progress=lambda msg: print(msg, file=sys.stderr))
    print(f"\nNeo4j start-up took {info['seconds']} s", file=sys.stderr)
    yield info
    neo4j_server.stop(home)


# -- without a server -------------------------------------------------------------------


def test_conf_puts_bolt_on_loopback_with_auth_on_and_http_off(tmp_path):
    conf = neo4j_server.write_conf(tmp_path, 7999).read_text()
    assert "server.bolt.listen_address=127.0.0.1:7999" in conf
    assert "server.http.enabled=false" in conf
    assert "dbms.security.auth_enabled=true" in conf
    assert f"server.directories.data={(tmp_path / 'neo4j' / 'data').resolve()}" in conf


def test_generated_passwords_are_long_and_cannot_be_read_as_an_option():
    passwords = {neo4j_server.new_password() for _ in range(200)}
    assert len(passwords) == 200
    assert all(len(p) == 32 and p.isalnum() for p in passwords)


def test_a_busy_port_is_refused_with_a_message_naming_it():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(ConfigError, match=f"port {port} .* busy"):
            neo4j_server.choose_port(port)


def test_missing_java_names_the_package_to_install(tmp_path):
    options = neo4j_server.ServerOptions(java_home=str(tmp_path / "no-jdk"))
    with pytest.raises(ConfigError, match="apt-get install openjdk-17-jre-headless"):
        neo4j_server.start(tmp_path, options=options)


def test_stop_leaves_a_process_that_is_not_our_server_alone(tmp_path):
    stranger = subprocess.Popen(["sleep", "60"])
    try:
        folder = neo4j_server.server_dir(tmp_path)
        folder.mkdir(parents=True)
        (folder / "connection.json").write_text(json.dumps({"pid": stranger.pid}))
        assert neo4j_server.stop(tmp_path)["stopped"] is False
        assert stranger.poll() is None
        assert neo4j_server.local_connection(tmp_path) is None
    finally:
        stranger.kill()
        stranger.wait()


def test_status_of_a_home_without_a_server_says_stopped(tmp_path):
    assert neo4j_server.status(tmp_path)["running"] is False
    result = CliRunner().invoke(cli, ["neo4j", "status"], env={"TIES_HOME": str(tmp_path)})
    assert result.exit_code == 1, result.output
    assert "stopped" in result.output


# -- with the real server (one start for the module) -------------------------------------


@pytest.mark.neo4j
@pytest.mark.slow
def test_start_gives_a_loopback_bolt_uri_and_a_private_connection_file(server, home):
    assert server["uri"].startswith("bolt://127.0.0.1:")
    assert server["user"] == "neo4j" and len(server["password"]) >= 24
    path = neo4j_server.server_dir(home) / "connection.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    saved = json.loads(path.read_text())
    assert {"uri", "user", "password", "pid", "port", "started_at"} <= saved.keys()


@pytest.mark.neo4j
@pytest.mark.slow
def test_return_1_runs_with_the_generated_password(server):
    with GraphDatabase.driver(server["uri"], auth=(server["user"], server["password"])) as drv:
        records, _, _ = drv.execute_query("RETURN 1 AS one", database_="neo4j")
    assert records[0]["one"] == 1


@pytest.mark.neo4j
@pytest.mark.slow
def test_a_wrong_password_is_refused_with_an_auth_error(server):
    with GraphDatabase.driver(server["uri"], auth=("neo4j", "not-the-password")) as drv:
        with pytest.raises(AuthError, match="unauthorized"):
            drv.verify_connectivity()


@pytest.mark.neo4j
@pytest.mark.slow
def test_starting_again_reuses_the_running_server(server, home):
    again = neo4j_server.start(home)
    assert again["already_running"] is True
    assert again["pid"] == server["pid"]
    assert neo4j_server.local_connection(home)["password"] == server["password"]


@pytest.mark.neo4j
@pytest.mark.slow
def test_status_reports_running_with_uri_pid_and_memory(server, home):
    result = CliRunner().invoke(cli, ["neo4j", "status", "--json"],
                                env={"TIES_HOME": str(home)})
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert status["running"] is True
    assert status["uri"] == server["uri"] and status["pid"] == server["pid"]
    assert status["rss_mb"] > 0
    assert "password" not in result.output


@pytest.mark.neo4j
@pytest.mark.slow
def test_stop_ends_the_server_process_and_forgets_the_connection(server, home):
    result = neo4j_server.stop(home)
    assert result == {"stopped": True, "running": False, "pid": server["pid"]}
    assert not Path(f"/proc/{server['pid']}").exists()
    assert neo4j_server.status(home)["running"] is False
    assert neo4j_server.local_connection(home) is None
    assert neo4j_server.stop(home)["stopped"] is False


# -- the helper other tests use to find Neo4j ---------------------------------------------


@pytest.fixture()
def fresh_service(monkeypatch):
    """tests/neo4j_service.py with its per-session cache emptied (and restored after)."""
    from tests import neo4j_service

    monkeypatch.setattr(neo4j_service, "_connection", None)
    monkeypatch.setattr(neo4j_service, "_started_home", None)
    return neo4j_service


def test_an_unreachable_neo4j_uri_fails_with_how_to_start_neo4j(fresh_service, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{closed_port}")
    with pytest.raises(pytest.fail.Exception, match="ties neo4j start"):
        fresh_service.neo4j_connection()


def test_a_local_server_that_cannot_start_fails_rather_than_skips(fresh_service, monkeypatch,
                                                                  tmp_path):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no docker client, so no compose service
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-jdk"))
    monkeypatch.setenv("TIES_NEO4J_TEST_HOME", str(tmp_path / "home"))
    with pytest.raises(pytest.fail.Exception, match="Java 17 not found.*ties neo4j start"):
        fresh_service.neo4j_connection()
