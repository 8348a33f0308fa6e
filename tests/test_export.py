"""Evidence exports on the known-answer corpus: every format round-trips and carries the evidence."""

from __future__ import annotations

import io
import json
import re
import zipfile

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from graph.tables import read_meta
from queries.evidence import KINDS, TieQuery
from queries.export import FORMATS, gather, render, subgraph_from_paths, to_graphml
from queries.registry import render as render_query
from tests.corpus import inst
from ties.cli import cli

TUD = inst("TUD")


@pytest.fixture(scope="module")
def bundle(known_home):
    from graph.ladybug_store import LadybugStore

    store = LadybugStore(known_home.ladybug_dir, read_only=True, queries=render_query)
    try:
        return gather(store, TieQuery(target="all", max_hops=3, kinds=KINDS), read_meta(known_home.tables_dir))
    finally:
        store.close()


def publication_edges(G: nx.MultiDiGraph) -> list[dict]:
    return [d for _, _, d in G.edges(data=True) if d["type"] in ("AUTHORED", "AFFILIATED_WITH")]


def graph_work_ids(G: nx.MultiDiGraph) -> set[str]:
    return {d["work_id"] for d in publication_edges(G)} | {n for n, d in G.nodes(data=True) if d["label"] == "Work"}


def test_the_subgraph_holds_every_kind_of_known_tie_and_names_the_evidence_on_each_publication_edge(bundle):
    kinds = {p["kind"] for p in bundle.paths}
    assert kinds == {"direct", "dual_affiliation", "career", "indirect"}
    G = bundle.graph
    assert "https://openalex.org/I170215575" in G  # NUDT
    for edge in publication_edges(G):
        assert edge["work_id"].startswith("https://openalex.org/W")
        assert edge["doi"].startswith("https://doi.org/10.5555/ties-test.")
        if edge["type"] == "AFFILIATED_WITH":
            assert edge["raw_affiliation"]


def test_graphml_reads_back_with_the_same_node_and_edge_counts(bundle):
    G = bundle.graph
    back = nx.read_graphml(io.BytesIO(render(bundle, "graphml")), force_multigraph=True)
    assert (back.number_of_nodes(), back.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
    raws = {d.get("raw_affiliation") for _, _, d in back.edges(data=True)} - {None}
    assert {d["raw_affiliation"] for d in publication_edges(G) if d.get("raw_affiliation")} == raws


def test_json_carries_nodes_links_and_every_work_id_of_the_subgraph(bundle):
    doc = json.loads(render(bundle, "json"))
    assert doc["note"].startswith("Co-authorship is evidence")
    assert doc["filters"]["target"] == "all"
    ids = {w["work_id"] for w in doc["works"]} | {link.get("work_id") for link in doc["links"]}
    assert graph_work_ids(bundle.graph) <= ids
    assert len(doc["nodes"]) == bundle.graph.number_of_nodes()
    assert len(doc["links"]) == bundle.graph.number_of_edges()


def test_csv_zip_holds_nodes_edges_and_works_with_every_work_id(bundle):
    archive = zipfile.ZipFile(io.BytesIO(render(bundle, "csv")))
    assert {"nodes.csv", "edges.csv", "works.csv"} <= set(archive.namelist())
    works = pd.read_csv(archive.open("works.csv"))
    edges = pd.read_csv(archive.open("edges.csv"))
    assert graph_work_ids(bundle.graph) <= set(works["work_id"])
    assert works["doi"].notna().all()
    affiliations = edges[edges["type"] == "AFFILIATED_WITH"]
    assert affiliations["raw_affiliation"].notna().all() and affiliations["work_id"].notna().all()


def test_html_opens_offline_without_any_external_script_or_stylesheet(bundle):
    page = render(bundle, "html").decode("utf-8")
    assert "vis.Network" in page and "National University of Defense Technology" in page
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=\"(https?:)?//", page)
    assert "evidence of collaboration, not of wrongdoing" in page


def test_markdown_lists_every_doi_raw_string_source_the_date_and_the_filters(bundle):
    report = render(bundle, "md").decode("utf-8")
    for path in bundle.paths:
        for work in path["works"]:
            assert bundle.works[work]["doi"] in report
    for edge in publication_edges(bundle.graph):
        if edge.get("raw_affiliation"):
            assert edge["raw_affiliation"].split(",")[0] in report
    assert f"Data date: {bundle.meta['data_date']}" in report
    assert '- max_hops: `3`' in report and '- target: `"all"`' in report
    assert "Watchlist sources:" in report and "none recorded" not in report.split("## Paths")[1].split("###")[1]


def test_an_empty_selection_still_exports_a_valid_file_in_every_format():
    from queries.export import Bundle

    empty = Bundle(paths=[], filters={"target": "cmc"}, meta={"data_date": "2025-01-01"})
    for fmt in FORMATS:
        assert render(empty, fmt)
    assert nx.read_graphml(io.BytesIO(to_graphml(subgraph_from_paths([])))).number_of_nodes() == 0


def test_ties_export_writes_each_format_from_the_command_line(known_home, tmp_path, monkeypatch):
    monkeypatch.setenv("TIES_HOME", str(known_home.home))
    monkeypatch.setenv("TIES_STORE", "local")
    runner = CliRunner()
    out = tmp_path / "delft.md"
    result = runner.invoke(cli, ["export", "--from-institution", TUD.rsplit("/", 1)[-1], "--to", "cmc",
                                 "--format", "md", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["paths"] >= 2 and out.is_file()
    assert "https://doi.org/10.5555/ties-test.1" in out.read_text()
    bad = runner.invoke(cli, ["export", "--format", "md", "--out", str(tmp_path / "missing" / "x.md")])
    assert bad.exit_code != 0 and "does not exist" in str(bad.exception)
