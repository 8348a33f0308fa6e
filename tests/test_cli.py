"""The end-to-end slice through the real command line: generate, load, paths."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from queries.evidence import KINDS
from ties.cli import cli


def _generated_work_ids(folder: Path) -> set[str]:
    ids = set()
    for part in folder.rglob("part_*.gz"):
        with gzip.open(part, "rt") as handle:
            ids.update(json.loads(line)["id"] for line in handle if line.strip())
    return ids


def test_generate_load_paths_names_works_that_exist_in_the_input(home: Path, tmp_path: Path):
    runner = CliRunner()
    corpus = tmp_path / "corpus"
    result = runner.invoke(cli, ["generate", "--works", "600", "--seed", "7", "--out", str(corpus)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["load", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    loaded = json.loads(result.output.strip().splitlines()[-1])
    assert loaded["works"] == 600 and loaded["rejected"] == 0
    result = runner.invoke(cli, ["paths", "--from-country", "NL", "--to", "cmc", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["paths"], "the generator plants ties to PLA institutions"
    generated = _generated_work_ids(corpus)
    for path in report["paths"]:
        for edge in path["edges"]:
            if edge["type"] in ("AUTHORED", "AFFILIATED_WITH"):
                assert edge["work_id"] in generated
        assert path["target"]["chain"][-1] == "Central Military Commission"
    kinds = {p["kind"] for p in report["paths"]}
    assert {"direct", "dual_affiliation", "career"} <= kinds


@pytest.mark.slow  # the 2,000-work demo corpus
def test_the_demo_has_a_path_from_tu_delft_to_nudt(home: Path):
    from ties.commands.demo import prepare_demo

    prepare_demo(progress=False)
    result = CliRunner().invoke(cli, ["paths", "--from-institution", "I98358874", "--to", "all", "--json"])
    report = json.loads(result.output)
    targets = {p["target"]["entity"] for p in report["paths"] if p["kind"] == "direct"}
    assert "National University of Defense Technology" in targets


def test_paths_on_an_empty_home_is_a_one_line_error(home: Path):
    result = CliRunner().invoke(cli, ["paths"], standalone_mode=False)
    assert "run `ties load PATH`" in str(result.exception)


@pytest.mark.slow  # a subprocess per hash seed
def test_paths_are_the_same_in_every_process(home: Path, tmp_path: Path):
    """String hashing differs per process (PYTHONHASHSEED); ranked paths must not."""
    import os
    import subprocess
    import sys

    runner = CliRunner()
    corpus = tmp_path / "corpus"
    assert runner.invoke(cli, ["generate", "--works", "600", "--seed", "3", "--out", str(corpus)]).exit_code == 0
    assert runner.invoke(cli, ["load", str(corpus), "--json"]).exit_code == 0
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-m", "ties", "paths", "--to", "all", "--max-hops", "3", "--json",
                                 *[a for kind in KINDS for a in ("--kind", kind)]],
                                env=env, capture_output=True, text=True, check=True)
        outputs.append(json.loads(result.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0]["summary"]["by_kind"].get("indirect"), "the comparison covers indirect ties"


def test_the_dashboard_never_waits_for_streamlits_first_run_email_question():
    from ties.commands._common import streamlit_command

    argv = streamlit_command(8501, "127.0.0.1", headless=False)
    assert argv[argv.index("--server.showEmailPrompt") + 1] == "false"


@pytest.mark.slow  # over 1.5 s; `make test` runs it, `make check` leaves it out
def test_a_national_load_keeps_the_watchlist_works_a_career_move_needs_only_with_watchlist(home: Path, tmp_path: Path):
    """c1 wrote W3 at NUDT with a Tsinghua co-author (no Dutch affiliation) and W4 in
    Amsterdam: `--country NL` alone skips W3, so the career move is invisible."""
    from tests.corpus import write_known_corpus

    runner = CliRunner()
    corpus = write_known_corpus(tmp_path / "corpus")

    def career_paths() -> int:
        result = runner.invoke(cli, ["paths", "--kind", "career", "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["summary"]["by_kind"].get("career", 0)

    assert runner.invoke(cli, ["load", str(corpus), "--country", "NL", "--json"]).exit_code == 0
    assert career_paths() == 0
    result = runner.invoke(cli, ["load", str(corpus), "--country", "NL", "--watchlist", "--json"])
    assert result.exit_code == 0, result.output
    assert career_paths() == 1
    refused = runner.invoke(cli, ["load", str(corpus), "--watchlist"])
    assert refused.exit_code != 0 and "--watchlist widens" in str(refused.exception)
