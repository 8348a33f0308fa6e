"""Cases: ticked paths with a name and a note, kept under TIES_HOME/cases, exported exactly."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from graph.errors import InputError
from graph.tables import read_meta
from queries.cases import add_paths, case_bundle, list_cases, load_case, new_case, render_case, save_case
from queries.evidence import TieQuery
from queries.export import gather, subgraph_from_paths
from tests.corpus import inst


@pytest.fixture
def bundle(known_local, known_home):
    return gather(known_local, TieQuery(institution=inst("TUD"), target="all"), read_meta(known_home.tables_dir))


def test_a_case_is_saved_reloaded_and_exports_exactly_its_paths(bundle, known_home, tmp_path):
    case = new_case("Delft <b>and</b> NUDT", "check *both* works", bundle.meta)
    picked = bundle.paths[:2]
    assert add_paths(case, picked, bundle.filters, bundle.works) == 2
    assert add_paths(case, picked[:1], bundle.filters, bundle.works) == 0  # no duplicates
    path = save_case(tmp_path, case)
    assert path.parent == tmp_path / "cases" and list_cases(tmp_path) == [path]
    assert path.stat().st_size < 50_000
    again = load_case(path)
    assert [p["works"] for p in again["paths"]] == [p["works"] for p in picked]
    got = nx.read_graphml(__import__("io").BytesIO(render_case(again, "graphml")), force_multigraph=True)
    want = subgraph_from_paths(picked, bundle.works)
    assert {(u, v, d.get("work_id") or "") for u, v, d in got.edges(data=True)} == \
           {(u, v, d.get("work_id") or "") for u, v, d in want.edges(data=True)}
    doc = json.loads(render_case(again, "json"))
    assert doc["filters"]["case"] == "Delft <b>and</b> NUDT" and len(doc["filters"]["selections"]) == 1
    report = render_case(again, "md").decode()
    assert "check \\*both\\* works" in report  # the note, escaped for Markdown
    assert "Delft \\<b\\>and\\</b\\> NUDT" in report and "<b>" not in report
    assert f"Data date: {bundle.meta['data_date']}" in report and "Selections the paths came from" in report
    for fmt in ("csv", "html"):
        assert render_case(again, fmt)


def test_case_ranks_are_renumbered_so_paths_from_two_selections_do_not_collide(bundle):
    case = new_case("two", "", bundle.meta)
    add_paths(case, bundle.paths[:1], bundle.filters, bundle.works)
    add_paths(case, bundle.paths[1:2], {**bundle.filters, "target": "nudt"}, bundle.works)
    assert [p["rank"] for p in case_bundle(case).paths] == [1, 2]


def test_a_case_needs_a_name_and_a_readable_file(tmp_path):
    with pytest.raises(InputError):
        save_case(tmp_path, new_case(" "))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputError):
        load_case(bad)
