"""`--out` never writes through a link or over a file by surprise, and never half-writes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from graph.errors import InputError
from ties.cli import cli
from ties.outputs import printable, write_output

ASPI = b'{"values": [{"value": "New Lab \\u001b]0;pwned\\u0007", "meta": {"categories": ["x"]}}]}'


def test_write_output_refuses_links_and_files_unless_forced_and_never_writes_the_target(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    with pytest.raises(InputError, match="symbolic link"):
        write_output(link, "report")
    with pytest.raises(InputError, match="exists"):
        write_output(target, "report")
    write_output(link, "report", force=True)
    assert target.read_text() == "keep me" and not link.is_symlink() and link.read_text() == "report"
    write_output(tmp_path / "new.md", b"x")
    assert (tmp_path / "new.md").read_bytes() == b"x"
    assert not list(tmp_path.glob(".*.tmp")), "a temporary file was left behind"
    with pytest.raises(InputError, match="does not exist"):
        write_output(tmp_path / "missing" / "x.md", "x")
    with pytest.raises(InputError, match="folder"):
        write_output(tmp_path, "x", force=True)


def test_ties_export_out_refuses_a_link_and_an_existing_file(known_home, tmp_path, monkeypatch):
    monkeypatch.setenv("TIES_HOME", str(known_home.home))
    monkeypatch.setenv("TIES_STORE", "local")
    target = tmp_path / "victim.txt"
    target.write_text("keep me")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    runner = CliRunner()
    for out in (link, target):
        result = runner.invoke(cli, ["export", "--format", "md", "--out", str(out)])
        assert result.exit_code != 0 and "exists" in str(result.exception), result.output
    assert target.read_text() == "keep me"
    result = runner.invoke(cli, ["export", "--format", "md", "--out", str(link), "--force"])
    assert result.exit_code == 0, result.output
    assert target.read_text() == "keep me" and link.read_text().startswith("# Research ties")


def test_watchlist_update_out_refuses_a_link_and_reads_only_utf8(tmp_path):
    source = tmp_path / "aspi.json"
    source.write_bytes(ASPI)
    target = tmp_path / "victim.yaml"
    target.write_text("keep me")
    link = tmp_path / "proposal.yaml"
    link.symlink_to(target)
    runner = CliRunner()
    result = runner.invoke(cli, ["watchlist", "update", "--from", str(source), "--out", str(link)])
    assert result.exit_code != 0 and "symbolic link" in str(result.exception)
    assert target.read_text() == "keep me"
    result = runner.invoke(cli, ["watchlist", "update", "--from", str(source)])
    assert result.exit_code == 0 and "\x1b" not in result.output and "\x07" not in result.output
    latin = tmp_path / "list.csv"
    latin.write_bytes("name\nUniversit\u00e9 X\n".encode("latin-1"))
    result = runner.invoke(cli, ["watchlist", "update", "--from", str(latin)])
    assert result.exit_code != 0 and "not UTF-8" in str(result.exception)
    odd = tmp_path / "odd.json"
    odd.write_bytes(b'{"values": [{"value": "X", "meta": [1]}, {"value": "Y", "meta": {"categories": [1, "a"]}}]}')
    assert runner.invoke(cli, ["watchlist", "update", "--from", str(odd)]).exit_code == 0


def test_printable_shows_control_characters_as_question_marks_and_cuts_long_text():
    assert printable("a\x1b[31mb\x07") == "a?[31mb?"
    assert printable("x" * 500).endswith("\u2026") and len(printable("x" * 500)) == 301
