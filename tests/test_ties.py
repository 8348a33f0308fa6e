"""Each kind of tie is found on a corpus whose right answer is known by construction
(tests/corpus.py), with the evidence that names it."""

from __future__ import annotations

from queries.evidence import KINDS, TieQuery, find_evidence
from queries.paths import paths_report
from queries.registry import render
from tests.corpus import author, inst

NUDT = "https://openalex.org/I170215575"


def _pairs(rows, kind):
    return {(r["source_institution_id"], r["target_institution_id"]) for r in rows if r["kind"] == kind}


def test_direct_coauthorship_between_delft_and_nudt_is_found_with_its_work(known_local):
    rows = [r for r in find_evidence(known_local, TieQuery(kinds=("direct",))) if r["kind"] == "direct"]
    assert _pairs(rows, "direct") == {(inst("TUD"), NUDT)}
    (row,) = rows
    assert row["work_id"].endswith("W9900000001")
    assert row["doi"] == "https://doi.org/10.5555/ties-test.1"
    assert row["source_author_id"] == author("x1") and row["target_author_id"] == author("y1")
    assert "National University of Defense Technology" in row["target_raw"]
    assert row["chain"][-1] == "Central Military Commission"


def test_dual_affiliation_is_one_author_listing_both(known_local):
    rows = find_evidence(known_local, TieQuery(kinds=("dual_affiliation",)))
    assert _pairs(rows, "dual_affiliation") == {(inst("TUD"), NUDT)}
    assert {r["source_author_id"] for r in rows} == {author("x2")}


def test_career_tie_runs_from_nudt_earlier_to_amsterdam_later(known_local):
    rows = find_evidence(known_local, TieQuery(kinds=("career",)))
    assert _pairs(rows, "career") == {(inst("UVA"), NUDT)}
    (row,) = rows
    assert row["direction"] == "watchlist_to_nl"
    assert (row["target_year"], row["year"]) == (2015, 2020)


def test_indirect_tie_goes_through_a_civilian_intermediary(known_local):
    rows = find_evidence(known_local, TieQuery(kinds=("indirect",), max_hops=2))
    assert _pairs(rows, "indirect") == {(inst("UVA"), inst("AMU"))}
    (row,) = rows
    assert [v["author_id"] for v in row["via"]] == [author("z1")]
    assert [s["work_id"][-3:] for s in row["steps"]] == ["005", "006"]


def test_indirect_ties_need_two_hops(known_local):
    assert find_evidence(known_local, TieQuery(kinds=("indirect",), max_hops=1)) == []


def test_defence_industry_ties_are_separate_from_cmc_ties(known_local):
    industry = find_evidence(known_local, TieQuery(target="industry", kinds=("direct",)))
    assert _pairs(industry, "direct") == {(inst("TUD"), inst("HIT"))}
    assert all(not r["under_cmc"] for r in industry)
    cmc = find_evidence(known_local, TieQuery(target="cmc", kinds=("direct",)))
    assert inst("HIT") not in {r["target_institution_id"] for r in cmc}


def test_year_and_institution_filters_narrow_the_ties(known_local):
    assert find_evidence(known_local, TieQuery(kinds=("direct",), since=2019)) == []
    rows = find_evidence(known_local, TieQuery(institution=inst("UVA")))
    assert {r["source_institution_id"] for r in rows} == {inst("UVA")}


def test_department_is_parsed_from_the_dutch_raw_string(known_local):
    rows = find_evidence(known_local, TieQuery(kinds=("direct",)))
    assert "microelectronics" in rows[0]["department_id"].lower()
    dept_rows = find_evidence(known_local, TieQuery(kinds=("direct",), department=rows[0]["department_id"]))
    assert len(dept_rows) == 1


def test_every_publication_edge_of_every_path_names_its_work(known_local):
    report = paths_report(find_evidence(known_local, TieQuery(kinds=KINDS)), {}, k=5)
    assert report["summary"]["by_kind"] == {"career": 1, "direct": 1, "dual_affiliation": 1, "indirect": 1}
    for path in report["paths"]:
        assert path["nodes"][0]["label"] == "Institution"
        assert path["nodes"][-1]["name"] == "Central Military Commission"
        for edge in path["edges"]:
            if edge["type"] in ("AUTHORED", "AFFILIATED_WITH"):
                assert edge["work_id"], edge
            if edge["type"] == "AFFILIATED_WITH":
                assert edge["raw_affiliation"], edge


def test_paths_are_ranked_dual_then_direct_then_career_then_indirect(known_local):
    report = paths_report(find_evidence(known_local, TieQuery(kinds=KINDS)), {}, k=5)
    assert [p["kind"] for p in report["paths"]] == ["dual_affiliation", "direct", "career", "indirect"]
    assert [p["rank"] for p in report["paths"]] == [1, 2, 3, 4]


def _load(config, tmp_path, works):
    import orjson

    from graph.ladybug_store import LadybugStore
    from loaders.ingest import ingest

    page = tmp_path / "page.json"
    page.write_bytes(orjson.dumps({"meta": {"count": len(works)}, "results": works}))
    ingest([page], config, progress=False)
    store = LadybugStore(config.ladybug_dir, queries=render)
    store.load(config.tables_dir)
    return store


def test_an_author_with_a_direct_tie_still_shows_an_indirect_tie_to_another_entity(config, tmp_path):
    from tests.corpus import authorship, work

    works = [
        work(1, 2018, [authorship("x1", ["TUD"]), authorship("y1", ["NUDT"])]),
        work(20, 2019, [authorship("x1", ["TUD"]), authorship("z5", ["THU"])]),
        work(21, 2019, [authorship("z5", ["THU"]), authorship("y3", ["AMU"])]),
    ]
    store = _load(config, tmp_path, works)
    rows = find_evidence(store, TieQuery(target="all", kinds=KINDS))
    store.close()
    assert _pairs(rows, "direct") == {(inst("TUD"), NUDT)}
    assert _pairs(rows, "indirect") == {(inst("TUD"), inst("AMU"))}


def test_an_indirect_path_lists_every_work_of_its_chain(config, tmp_path):
    from tests.corpus import authorship, work

    works = [
        work(30, 2016, [authorship("x4", ["UVA"]), authorship("z6", ["THU"])]),
        work(31, 2017, [authorship("z6", ["THU"]), authorship("z7", ["THU"])]),
        work(32, 2018, [authorship("z7", ["THU"]), authorship("y4", ["NUDT"])]),
    ]
    store = _load(config, tmp_path, works)
    report = paths_report(find_evidence(store, TieQuery(max_hops=3, kinds=KINDS)), {})
    store.close()
    (path,) = [p for p in report["paths"] if p["kind"] == "indirect"]
    assert path["hops"] == 3
    assert [w[-3:] for w in path["works"]] == ["030", "031", "032"]
