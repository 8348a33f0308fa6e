"""Every command given a path that does not exist, one it cannot read or an empty input
exits non-zero with one line on stderr, and never a traceback.

Tests run as root, for whom `chmod 000` changes nothing, so "unreadable" is made with
things that fail for root too: a folder where a file is expected, a path through a file
(`file/child`), a FIFO (would block for ever if opened) and TIES_HOME pointing at a file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli_runner import run_cli


@pytest.fixture
def bad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Named bad paths, and an empty TIES_HOME with the embedded store selected."""
    monkeypatch.setenv("TIES_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TIES_STORE", "local")
    for key in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "empty_folder").mkdir()
    (tmp_path / "empty.json").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("\n\n")
    (tmp_path / "authors.json").write_text('{"results": [{"id": "https://openalex.org/A1"}]}')
    os.mkfifo(tmp_path / "fifo.json")
    return {
        "missing": str(tmp_path / "no" / "such.json"),
        "folder": str(tmp_path / "folder"),
        "through_file": str(tmp_path / "empty.json" / "child.json"),
        "fifo": str(tmp_path / "fifo.json"),
        "empty": str(tmp_path / "empty.json"),
        "blank": str(tmp_path / "blank.txt"),
        "empty_folder": str(tmp_path / "empty_folder"),
        "authors": str(tmp_path / "authors.json"),
        "home_file": str(tmp_path / "empty.json"),
    }


def assert_one_line_error(code: int, out: str, err: str, expected: int | None = None) -> None:
    assert code != 0, f"exit 0 for a bad input; stdout: {out!r} stderr: {err!r}"
    if expected is not None:
        assert code == expected, err
    assert "Traceback" not in out + err
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("works:")]
    assert len(lines) == 1, f"expected one line on stderr, got: {lines}"
    assert lines[0].startswith("error: "), lines[0]


CASES = [
    # (argv with {placeholders}, expected exit code)
    ("load {missing}", 1),
    ("load {through_file}", 1),
    ("load {fifo}", 1),
    ("load {empty}", 1),
    ("load {empty_folder}", 1),
    ("load {authors}", 1),
    ("load --json {blank}", 1),
    ("match {missing}", 2),
    ("match {folder}", 2),
    ("match {through_file}", 2),
    ("watchlist update --from {missing}", 1),
    ("watchlist update --from {folder}", 1),
    ("watchlist update --from {through_file}", 1),
    ("watchlist update --from {empty}", 1),
    ("generate --works 1 --out {empty}", 2),
    ("generate --works 1 --out {through_file}", 1),
    ("fetch --country NL --out {empty}", 2),
    ("export --format json --out {folder}", 2),
    ("export --format json --out {through_file}", 1),
    ("paths", 1),
    ("exposure", 1),
    ("brokers", 1),
    ("sync", 1),
]


@pytest.mark.parametrize("template, expected", CASES, ids=[c[0] for c in CASES])
def test_a_bad_path_or_empty_input_is_one_line_and_a_non_zero_exit(bad, capsys, template, expected):
    argv = template.format(**bad).split()
    code, out, err = run_cli(argv, capsys)
    assert_one_line_error(code, out, err, expected)


@pytest.mark.parametrize("command", ["paths", "exposure", "brokers", "load {empty}", "generate --works 1",
                                     "export --format json --out x.json"])
def test_ties_home_that_is_a_file_is_one_line_and_a_non_zero_exit(bad, capsys, monkeypatch, command):
    monkeypatch.setenv("TIES_HOME", bad["home_file"])
    code, out, err = run_cli(command.format(**bad).split(), capsys)
    assert_one_line_error(code, out, err)


def test_an_unreachable_neo4j_is_one_line_naming_the_address(bad, capsys, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("NEO4J_PASSWORD", "not-a-real-password-123")
    code, out, err = run_cli(["sync"], capsys)
    assert_one_line_error(code, out, err, 1)
    assert "bolt://127.0.0.1:1" in err and "not-a-real-password-123" not in out + err


def test_match_of_an_empty_file_is_an_error(bad, capsys):
    code, out, err = run_cli(["match", bad["blank"]], capsys)
    assert_one_line_error(code, out, err)


def test_an_unknown_command_or_option_is_one_line(bad, capsys):
    for argv in (["nosuch"], ["load", "--nosuch", "x"], ["paths", "--max-hops", "99"]):
        code, out, err = run_cli(argv, capsys)
        assert_one_line_error(code, out, err, 2)
        assert "--help" in err
