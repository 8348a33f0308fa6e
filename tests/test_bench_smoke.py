"""The benchmark driver runs end to end at a tiny size and writes a complete results file.

No timed assertions: only that every stage ran and reported a figure with its baseline.
"""

from __future__ import annotations

import json

import pytest

from bench import run
from bench.corpora import ensure_corpus

pytestmark = pytest.mark.slow


def test_bench_driver_at_300_works_writes_every_embedded_figure(tmp_path, monkeypatch, capsys):
    for key in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
        monkeypatch.delenv(key, raising=False)
    results_path = tmp_path / "results.json"
    code = run.main(["--sizes", "300", "--explorer-size", "300", "--out", str(tmp_path / "out"),
                     "--results", str(results_path)])
    assert code == 0
    results = json.loads(results_path.read_text())
    assert {"cores", "cpu", "ram_gb", "python", "date"} <= set(results["machine"])
    size = results["sizes"][0]
    assert size["works"] == 300 and size["parse"]["works"] >= 300
    assert size["ingest"]["rows"] > 300 and size["ladybug_load"]["rows"] > 0
    assert size["ladybug_queries"]["paths"] > 0  # the generator plants direct NL>CMC ties
    assert any("NEO4J_URI is not set" in note for note in size["notes"])
    figures = {row["figure"] for row in results["table"]}
    assert "parse+normalise (1 core)" in figures and "Explorer first render" in figures
    assert "dashboard page 'overview' first render" in figures and not results["explorer"]["errors"]
    assert all(row["baseline_label"] for row in results["table"])
    assert "parse+normalise" in capsys.readouterr().out


@pytest.mark.neo4j
def test_bench_driver_measures_neo4j_against_the_naive_baseline(tmp_path, monkeypatch, neo4j_credentials):
    uri, user, password = neo4j_credentials
    monkeypatch.setenv("NEO4J_URI", uri)
    monkeypatch.setenv("NEO4J_USER", user)
    monkeypatch.setenv("NEO4J_PASSWORD", password)
    results_path = tmp_path / "results.json"
    run.main(["--sizes", "300", "--explorer-size", "0", "--baseline-sample", "50",
              "--out", str(tmp_path / "out"), "--results", str(results_path)])
    size = json.loads(results_path.read_text())["sizes"][0]
    assert size["neo4j_naive"]["sample_nodes"] == 50
    assert size["neo4j_load"]["rows"] > 0 and size["neo4j_queries"]["paths"] == size["ladybug_queries"]["paths"]


def test_generated_corpus_is_reused_when_parameters_are_unchanged(tmp_path):
    folder, first = ensure_corpus(tmp_path, 50, seed=3)
    again, second = ensure_corpus(tmp_path, 50, seed=3)
    assert folder == again and first is not None and second is None
    _, other = ensure_corpus(tmp_path, 50, seed=4)
    assert other is not None
