"""Direct ties ranked at load time give the report that ranking every evidence row gives.

`loaders.tie_summaries` ranks each (institution, department, entity) pair's direct ties
once per load; `queries.ranked.find_paths` reads that ranking and fetches the evidence of
the ties it keeps. Its report must equal ``paths_report(find_evidence(...))`` exactly, on
both stores, for every filter the summary answers, and fall back to the evidence for
the ones it cannot (a year or field window, more ties per pair than it keeps).
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import orjson
import pandas as pd
import pyarrow.parquet as pq
import pytest

from graph.ladybug_store import LadybugStore
from loaders.tie_summaries import MAX_RANK, tie_summaries
from queries.evidence import TieQuery, find_evidence
from queries.paths import paths_report
from queries.ranked import find_paths, summary_covers, years_cover
from queries.registry import render
from ties.config import Config

NL, CMC = "https://openalex.org/I1", "https://openalex.org/I2"


def _affiliation(author: str, institution: str, work: str, department: str = "", raw: str = "") -> dict:
    return {"from": author, "to": institution, "work_id": work, "year": None,
            "raw_affiliation": raw or f"{institution} {department}", "matched_by": "openalex",
            "department_id": department and f"{institution}#{department}", "department": department}


def _summary(affiliations: list[dict], years: dict[str, int | None], max_rank: int = MAX_RANK) -> list[dict]:
    matches = pd.DataFrame([{"from": CMC, "to": "nudt", "rule": "ror", "alias": "", "source": ""}])
    works = pd.DataFrame([{"id": w, "year": y} for w, y in years.items()])
    out = tie_summaries(pd.DataFrame(affiliations), matches, works, max_rank=max_rank)
    return out.astype(object).where(out.notna(), None).to_dict("records")


def test_ties_are_ranked_by_works_then_latest_year_then_ids():
    rows = _summary([
        _affiliation("x1", NL, "W1"), _affiliation("x1", NL, "W1", raw="second string"), _affiliation("y1", CMC, "W1"),
        _affiliation("x1", NL, "W2"), _affiliation("y1", CMC, "W2"),
        _affiliation("x2", NL, "W3"), _affiliation("y1", CMC, "W3"),
        _affiliation("x3", NL, "W4"), _affiliation("y2", CMC, "W4"),
        _affiliation("x0", NL, "W5"), _affiliation("y2", CMC, "W5"),
        _affiliation("x4", NL, "W9"), _affiliation("y2", CMC, "W9"),  # W9 has no Work row: not a tie
        _affiliation("y1", NL, "W3"),  # y1 lists both: a dual affiliation, not a direct tie with itself
    ], {"W1": 2015, "W2": 2018, "W3": 2020, "W4": 0, "W5": 2020})
    ranked = [(r["source_author_id"], r["target_author_id"], r["n_works"], r["first_year"], r["last_year"])
              for r in rows]
    assert ranked == [
        ("x1", "y1", 2, 2015, 2018),   # most works first
        ("x0", "y2", 1, 2020, 2020),   # then the latest year, then ids (x0 before x2)
        ("x2", "y1", 1, 2020, 2020),
        ("x3", "y2", 1, None, None),   # a year of 0 dates nothing
    ]
    assert [r["tie_rank"] for r in rows] == [1, 2, 3, 4]
    # W1 counts twice (x1 printed two strings on it), W9 not at all
    assert {r["pair_rows"] for r in rows} == {6}
    assert {(r["from"], r["to"], r["department_id"]) for r in rows} == {(NL, "nudt", "")}


def test_each_pair_keeps_its_strongest_ties_only():
    affiliations = [a for i in range(5) for a in (_affiliation(f"x{i}", NL, f"W{i}", "Physics"),
                                                  _affiliation("y", CMC, f"W{i}"))]
    rows = _summary(affiliations, {f"W{i}": 2000 + i for i in range(5)}, max_rank=2)
    assert [(r["source_author_id"], r["tie_rank"], r["department_id"]) for r in rows] == [
        ("x4", 1, f"{NL}#Physics"), ("x3", 2, f"{NL}#Physics")]
    assert rows[0]["pair_rows"] == 5


def test_no_watchlist_matches_give_an_empty_summary():
    out = tie_summaries(pd.DataFrame([_affiliation("x", NL, "W1")]),
                        pd.DataFrame(columns=["from", "to"]), pd.DataFrame([{"id": "W1", "year": 2020}]))
    assert out.empty


@pytest.mark.parametrize("query, covered", [
    (TieQuery(), True), (TieQuery(k=MAX_RANK), True), (TieQuery(k=MAX_RANK + 1), False),
    (TieQuery(since=2015), False), (TieQuery(until=2020), False), (TieQuery(field="Engineering"), False),
    (TieQuery(kinds=("career",)), False),
])
def test_the_summary_answers_only_queries_without_a_window(query, covered):
    assert summary_covers(query) is covered


@pytest.mark.parametrize("query, covered", [
    (TieQuery(since=2015), True), (TieQuery(field="Engineering", k=MAX_RANK + 1), True),
    (TieQuery(country="DE", since=2015), False), (TieQuery(country="", since=2015), False),
    (TieQuery(include_retracted=True, since=2015), False), (TieQuery(kinds=("career",), since=2015), False),
])
def test_the_year_sums_answer_dutch_direct_ties_of_any_window(query, covered):
    assert years_cover(query) is covered


# -- the same report on both stores, from a generated corpus -------------------------------

QUERIES = [
    TieQuery(kinds=("direct",)),
    TieQuery(kinds=("direct",), k=1),
    TieQuery(kinds=("direct",), k=MAX_RANK, target="all"),
    TieQuery(kinds=("direct",), min_works=2, target="all", country=""),
    TieQuery(kinds=("direct",), target="industry"),
    TieQuery(kinds=("direct",), target="nudt"),
    TieQuery(kinds=("direct", "dual_affiliation", "career")),
    TieQuery(kinds=("direct",), since=2018),  # not covered: ranked from the evidence
    TieQuery(kinds=("direct",), until=2019, target="all", k=2),
    TieQuery(kinds=("direct",), field="Engineering", target="all", country=""),
    TieQuery(kinds=("direct", "career"), since=2016, min_works=2, target="all"),
]


@pytest.fixture(scope="module")
def generated_home(generated_corpus) -> Config:
    """3,000 generated works (planted ties, repeat co-authors) in tables and the embedded store."""
    return generated_corpus(3000, seed=11)


@pytest.fixture(scope="module")
def generated_neo4j(generated_home, neo4j_factory):
    store = neo4j_factory("ranked")
    store.clear()
    store.load(generated_home.tables_dir)
    return store


def both_ways(store, query: TieQuery) -> tuple[bytes, bytes]:
    slow = paths_report(find_evidence(store, query), query.filters(), k=query.k, min_works=query.min_works,
                        evidence=True)
    return orjson.dumps(slow), orjson.dumps(find_paths(store, query, evidence=True))


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.target}-k{q.k}-w{q.min_works}-{len(q.kinds)}-{q.since}")
def test_embedded_store_gives_the_report_of_every_evidence_row(generated_home, query):
    store = LadybugStore(generated_home.ladybug_dir, read_only=True, queries=render)
    try:
        slow, fast = both_ways(store, query)
    finally:
        store.close()
    assert fast == slow
    assert orjson.loads(fast)["paths"] or query.min_works > 1, "the generated corpus has ties for this query"


@pytest.mark.neo4j
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.target}-k{q.k}-w{q.min_works}-{len(q.kinds)}-{q.since}")
def test_neo4j_gives_the_report_of_every_evidence_row_and_of_the_embedded_store(generated_home, generated_neo4j,
                                                                               query):
    slow, fast = both_ways(generated_neo4j, query)
    assert fast == slow
    local = LadybugStore(generated_home.ladybug_dir, read_only=True, queries=render)
    try:
        assert orjson.dumps(find_paths(local, query, evidence=True)) == fast
    finally:
        local.close()


def test_the_generated_corpus_exercises_the_ranking(generated_home):
    """Pairs with more ties than the summary keeps, and ties of several works, exist."""
    summary = pq.read_table(generated_home.tables_dir / "tie_summaries.parquet").to_pandas()
    assert (summary["tie_rank"] == MAX_RANK).any()
    assert (summary["n_works"] > 1).any()


def test_a_store_loaded_without_summaries_ranks_from_the_evidence(generated_home, tmp_path):
    """An older table set (no tie_summaries, no tie_years) must not look like "no ties"."""
    tables = tmp_path / "tables"
    shutil.copytree(Path(generated_home.tables_dir).resolve(), tables)
    (tables / "tie_summaries.parquet").unlink()
    (tables / "tie_years.parquet").unlink()
    store = LadybugStore(tmp_path / "ladybug", queries=render)
    store.load(tables)
    try:
        query = TieQuery(kinds=("direct",))
        slow, fast = both_ways(store, query)
        assert fast == slow and orjson.loads(fast)["paths"]
        assert store.run("tie_summary_count")[0]["ties"] == 0 and store.run("tie_year_count")[0]["ties"] == 0
    finally:
        store.close()


def test_more_ties_per_pair_than_the_summary_keeps_come_from_the_evidence(generated_home):
    store = LadybugStore(generated_home.ladybug_dir, read_only=True, queries=render)
    try:
        query = TieQuery(kinds=("direct",), target="all", k=MAX_RANK + 5)
        slow, fast = both_ways(store, query)
        assert fast == slow
        capped = find_paths(store, replace(query, k=MAX_RANK))
        assert orjson.loads(fast)["summary"]["paths"] > capped["summary"]["paths"]
    finally:
        store.close()
