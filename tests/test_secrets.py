"""Secrets never leave: the OpenAlex key against a server that echoes every request back,
and the Neo4j password never on a command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ties.cli import main

try:
    from tests.replay_server import ReplayServer
except ImportError:  # pragma: no cover - tests/ on sys.path
    from replay_server import ReplayServer

KEY = "sk-echo-8d2e71b4"
FORMS = (KEY, KEY.replace("-", "%2D"))


def _files_holding_the_key(root: Path) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and any(form.encode() in path.read_bytes() for form in FORMS):
            found.append(str(path))
    return found


@pytest.mark.parametrize("fault", ["400", "401", "404", "quota", "429", None])
def test_the_api_key_is_in_no_error_line_page_or_state_file_when_the_server_echoes_it(
        fault, tmp_path, monkeypatch, capsys):
    with ReplayServer(works=30, api_key=KEY, retry_after="0") as server:
        server.echo = True
        if fault == "429":
            server.faults[1] = ["429"]  # retried, then answered: the 200 page is saved
        elif fault:
            server.always[1] = fault
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("TIES_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("OPENALEX_API_KEY", KEY)
        monkeypatch.setenv("OPENALEX_BASE_URL", server.url)
        code = 0
        try:
            main(["fetch", "--country", "NL", "--per-page", "10", "--rate", "1000", "--no-progress"])
        except SystemExit as done:
            code = done.code
        out = capsys.readouterr()
    assert server.requests and all(r["params"].get("api_key") == KEY for r in server.requests)
    text = out.out + out.err
    assert not any(form in text for form in FORMS), text
    assert (code != 0) == (fault not in (None, "429")), text
    assert not _files_holding_the_key(tmp_path), "the key was written to disk"
    if fault in (None, "429"):
        pages = list((tmp_path / "home").rglob("page_*.json"))
        assert pages and all(b"<api-key>" in p.read_bytes() for p in pages)  # echoed, then redacted


@pytest.mark.neo4j
def test_the_neo4j_password_is_never_on_a_command_line_and_the_real_tool_reads_it_from_a_0600_file(tmp_path):
    """The real neo4j-admin, on a fresh folder: the password reaches it (a too-short one is
    refused by the tool, so it read the file), no argument holds it, and the file is gone."""
    from graph import neo4j_server
    from tests.neo4j_service import server_home

    lib = neo4j_server.server_dir(server_home()) / "lib"
    if not any(lib.glob("neo4j-*.jar")):
        pytest.fail(f"no Neo4j jars in {lib}: run `ties neo4j start` once with TIES_HOME={server_home()}")
    java = neo4j_server._java()
    home = tmp_path / "home"
    neo4j_server.write_conf(home, 7687)
    secret = "Zq" + "9" * 30
    argv = neo4j_server.initial_password_command(java, lib, tmp_path / "x.args")
    assert secret not in " ".join(argv) and argv[-1] == f"@{tmp_path / 'x.args'}"
    with pytest.raises(Exception, match="at least 8 characters"):
        neo4j_server._set_initial_password(java, lib, home, "short", os.environ)
    neo4j_server._set_initial_password(java, lib, home, secret, os.environ)
    base = neo4j_server.server_dir(home)
    assert (base / "data" / "dbms" / "auth.ini").is_file()
    assert not list(base.glob(".initial-password-*"))
    assert secret.encode() not in (base / "data" / "dbms" / "auth.ini").read_bytes()
