"""Odd input and odd use: each case ends in its own clear line and a non-zero exit (or a
correct answer), never a Python traceback. Every case here printed a traceback or
answered wrongly before (issue 18)."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
from pathlib import Path

import orjson
import pytest

from tests.cli_runner import run_in_process, run_process


def _env(home: Path | None, env: dict | None) -> dict:
    full = {"TIES_STORE": "local", **(env or {})}
    if home is not None:
        full["TIES_HOME"] = str(home)
    return full


@pytest.fixture()
def ties(monkeypatch, capsys):
    """`ties ARGS` run in this process (the answer, not the process, is under test)."""
    def run(*args: str, home: Path | None = None, env: dict | None = None, stdin: bytes | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
        return run_in_process(list(args), monkeypatch, capsys, env=_env(home, env), stdin=stdin)
    return run


def ties_process(*args: str, home: Path | None = None, env: dict | None = None, stdin: bytes | None = None,
                 timeout: float = 120) -> subprocess.CompletedProcess:
    """`ties ARGS` in a real process of the installed script: for a native crash (a damaged
    store), a memory bound, a server, and so that every command these cases touch is also run
    through the entry point a user runs."""
    return run_process(list(args), env=_env(home, env), stdin=stdin, timeout=timeout)


def one_error_line(done: subprocess.CompletedProcess, *words: str) -> str:
    """The single `error:` line of a failed command, holding `words`; never a traceback."""
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode != 0, (done.stdout, err)
    assert "Traceback" not in err, err
    lines = [x[x.index("error:"):] for x in err.replace("\r", "\n").splitlines() if "error:" in x]
    assert len(lines) == 1, err
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture()
def home(known_home, tmp_path) -> Path:
    """A private copy of the known-answer home (tables and embedded store), to damage."""
    copy = tmp_path / "home"
    shutil.copytree(known_home.home, copy, symlinks=True)
    return copy


@pytest.mark.parametrize("args, words", [
    (["paths", "-k", "99999999999999999999"], ["-k", "1 to 10000"]),
    (["paths", "--to", ""], ["--to is empty"]),
    (["paths", "--from-country", ""], ["--from-country is empty"]),
    (["paths", "--from-country", "Netherlands"], ["two-letter"]),
    (["exposure", "--from-country", " "], ["--from-country is empty"]),
    (["export", "--format", "md", "--out", "x.md", "--to", ""], ["--to is empty"]),
    pytest.param(["load", ""], ["empty"], marks=pytest.mark.process),
])
def test_bad_option_values_are_refused_with_one_line(home, ties, args, words):
    run = ties_process if args[0] == "load" else ties  # `load` in a real process too
    one_error_line(run(*args, home=home), *words)


def test_lower_case_country_and_target_are_normalised(home, ties):
    upper = ties("paths", "--from-country", "NL", "--to", "cmc", "--json", home=home)
    lower = ties("paths", "--from-country", "nl", "--to", "CMC", "--json", home=home)
    assert upper.returncode == lower.returncode == 0
    assert orjson.loads(upper.stdout)["paths"] and orjson.loads(lower.stdout)["paths"] == orjson.loads(
        upper.stdout)["paths"]


@pytest.mark.parametrize("uri, words", [("notauri", ["NEO4J_URI", "bolt://"]), ("http://127.0.0.1:7474", ["HTTP"])])
def test_a_neo4j_uri_that_is_not_bolt_is_one_line(home, ties, uri, words):
    one_error_line(ties("paths", "--store", "neo4j", home=home, env={"NEO4J_URI": uri}), *words)


@pytest.mark.parametrize("damage, words", [
    (lambda t: (t / "works.parquet").write_bytes(random.Random(1).randbytes(3000)), ["works.parquet", "Parquet"]),
    (lambda t: (t / "_meta.json").write_bytes(b'{"data_date": [1'), ["_meta.json", "JSON"]),
    (lambda t: (t / "_meta.json").write_bytes(b"[1, 2]"), ["_meta.json", "object"]),
])
@pytest.mark.parametrize("command", [["load", "CORPUS"], ["export", "--format", "md", "--out", "OUT"]])
def test_a_damaged_table_set_is_named_in_one_line(home, ties, tmp_path, damage, words, command):
    from tests.corpus import write_known_corpus

    tables = (home / "tables").resolve()
    damage(tables)
    corpus = write_known_corpus(tmp_path / "corpus")
    args = [str(corpus) if a == "CORPUS" else str(tmp_path / "o.md") if a == "OUT" else a for a in command]
    done = ties(*args, home=home)
    if command[0] == "export" and "works.parquet" in words:
        assert done.returncode == 0  # the export reads the store, not the damaged table
        return
    one_error_line(done, *words)


@pytest.mark.process
@pytest.mark.parametrize("command", [["paths"], ["exposure"], ["brokers"],
                                     ["export", "--format", "md", "--out", "OUT"]])
def test_random_bytes_in_the_embedded_store_are_one_line(home, tmp_path, command):
    (db,) = [p for p in (home / "ladybug").resolve().rglob("*") if p.is_file() and p.stat().st_size > 100_000]
    data = bytearray(db.read_bytes())
    data[:8192] = random.Random(5).randbytes(8192)
    db.write_bytes(bytes(data))
    args = [str(tmp_path / "o.md") if a == "OUT" else a for a in command]
    one_error_line(ties_process(*args, home=home), "embedded store")  # native code: a real process


@pytest.mark.parametrize("manifest, words", [
    (b"[1, 2]", ["manifest", "entries"]),
    (b'{"entries": [{"url": "s3://b/updated_date=2025-01-01/part_000.json", "meta": {"record_count": "abc"}}]}',
     ["entries[0]", "record_count"]),
    (b'{"entries": [{"url": "x", "meta": [1]}]}', ["entries[0]"]),
    (b'{"entries": null}', ["entries"]),
])
def test_a_bad_snapshot_manifest_is_one_line(tmp_path, ties, manifest, words):
    from tests.corpus import known_works

    part = tmp_path / "snap" / "updated_date=2025-01-01"
    part.mkdir(parents=True)
    (part / "part_000.json").write_bytes(orjson.dumps(known_works()))
    (tmp_path / "snap" / "manifest").write_bytes(manifest)
    one_error_line(ties("load", str(tmp_path / "snap"), home=tmp_path / "home"), *words)


def test_ties_match_names_a_non_utf8_line_and_strips_control_characters(tmp_path, ties):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Delft University of Technology\nUniversit\u00e9 de Caf\u00e9\n".encode("latin-1"))
    one_error_line(ties("match", str(latin), home=tmp_path), "line 2", "UTF-8")
    done = ties("match", home=tmp_path, stdin=b"Delft \x1b]0;pwned\x07 University of Technology\x1b[2J\n")
    assert done.returncode == 0 and b"\x1b" not in done.stdout and b"\x07" not in done.stdout


@pytest.mark.process
def test_ties_match_on_dev_zero_stops_at_the_line_bound(tmp_path):
    """Bounded memory: one line is read at most 10,000 bytes at a time (it grew to 4.4 GB)."""
    done = ties_process("match", "/dev/zero", home=tmp_path, timeout=60)
    one_error_line(done, "line 1", "longer than")


@pytest.mark.process
def test_ties_watchlist_update_on_a_non_utf8_file_is_one_line(tmp_path):
    latin = tmp_path / "list.csv"
    latin.write_bytes("name\nUniversit\u00e9 X\n".encode("latin-1"))
    one_error_line(ties_process("watchlist", "update", "--from", str(latin), home=tmp_path), "UTF-8", "line 2")


@pytest.mark.process
def test_the_dashboard_on_a_busy_port_is_an_error(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = ties_process("dashboard", "--port", str(port), "--no-browser", home=tmp_path, timeout=60)
    one_error_line(done, f"port {port}", "in use")
