"""Paths in a year or field window, ranked from the load-time summary, give the report that
ranking every evidence row gives (issue 15).

The tie summary keeps every direct tie split by the year and field of its works
(`loaders.tie_summaries`); `queries.ranked.find_paths` sums each tie inside the window in
the store and fetches the evidence of the ties it keeps. Its report must equal
``paths_report(find_evidence(...))`` for every window (since, until, field, combined), for
more ties per pair than the all-years ranking reads, on both stores.
"""

from __future__ import annotations

import orjson
import pandas as pd
import pytest

from graph.ladybug_store import LadybugStore
from graph.schema import MAX_TIE_RANK
from loaders.tie_summaries import tie_summaries
from queries.evidence import TieQuery, find_evidence
from queries.paths import paths_report
from queries.ranked import find_paths, summary_covers, summary_loaded, windowed
from queries.registry import render
from tests.generated import generated_home as generated
from ties.config import Config

NL, CMC = "https://openalex.org/I1", "https://openalex.org/I2"


def _aff(author: str, institution: str, work: str) -> dict:
    return {"from": author, "to": institution, "work_id": work, "year": None, "raw_affiliation": institution,
            "matched_by": "openalex", "department_id": "", "department": ""}


def test_each_tie_is_split_by_the_year_and_field_of_its_works():
    affiliations = [a for w in ("W1", "W2", "W3", "W4") for a in (_aff("x", NL, w), _aff("y", CMC, w))]
    affiliations.append(_aff("x", NL, "W1"))  # a second raw string on W1: two evidence rows, one work
    works = pd.DataFrame([{"id": "W1", "year": 2018, "field": "Physics"},
                          {"id": "W2", "year": 2018, "field": "Physics"},
                          {"id": "W3", "year": None, "field": None},
                          {"id": "W4", "year": 2020, "field": "Engineering"}])
    matches = pd.DataFrame([{"from": CMC, "to": "nudt", "rule": "ror", "alias": "", "source": ""}])
    out = tie_summaries(pd.DataFrame(affiliations), matches, works)
    parts = [(r.part, r.window_year, r.window_field, r.window_works, r.window_rows) for r in out.itertuples()]
    assert parts == [(0, 0, "", 1, 1), (1, 2018, "Physics", 2, 3), (2, 2020, "Engineering", 1, 1)]
    # every part carries the tie's all-years totals and rank
    assert set(out["n_works"]) == {4} and set(out["tie_rank"]) == {1} and set(out["pair_rows"]) == {5}
    assert set(out["first_year"]) == {2018} and set(out["last_year"]) == {2020}


@pytest.mark.parametrize("query, needs_parts", [
    (TieQuery(), False), (TieQuery(k=MAX_TIE_RANK), False), (TieQuery(k=MAX_TIE_RANK + 1), True),
    (TieQuery(since=2015), True), (TieQuery(until=2020), True), (TieQuery(field="Engineering"), True),
])
def test_windows_and_large_k_read_the_parts(query, needs_parts):
    assert summary_covers(query) and windowed(query) is needs_parts
    assert not summary_covers(TieQuery(since=2015, include_retracted=True))


QUERIES = [
    TieQuery(since=2018),
    TieQuery(until=2015),
    TieQuery(field="Computer Science"),
    TieQuery(since=2016, until=2020, field="Engineering"),
    TieQuery(kinds=("direct",), since=2019, target="all", country=""),
    TieQuery(kinds=("direct",), since=2014, until=2016, min_works=2, target="all"),
    TieQuery(kinds=("direct",), field="Computer Science", target="industry", k=1),
    TieQuery(kinds=("direct",), target="all", k=MAX_TIE_RANK + 5),
    TieQuery(kinds=("direct", "career"), since=2017, target="all", k=MAX_TIE_RANK + 2),
    TieQuery(kinds=("direct",), since=2030),  # nothing in the window
]


def _id(q: TieQuery) -> str:
    return f"{q.target}-{q.since}-{q.until}-{q.field[:4] or 'any'}-k{q.k}-w{q.min_works}-{len(q.kinds)}"


@pytest.fixture(scope="module")
def window_home(tmp_path_factory) -> Config:
    """3,000 generated works (planted ties, repeat co-authors, 2010-2025, several fields)."""
    return generated(tmp_path_factory.mktemp("window"), 3000, seed=11)


@pytest.fixture(scope="module")
def window_neo4j(window_home, neo4j_factory):
    store = neo4j_factory("window")
    store.clear()
    store.load(window_home.tables_dir)
    return store


def _both_ways(store, query: TieQuery) -> tuple[bytes, bytes]:
    slow = paths_report(find_evidence(store, query), query.filters(), k=query.k, min_works=query.min_works,
                        evidence=True)
    return orjson.dumps(slow), orjson.dumps(find_paths(store, query, evidence=True))


@pytest.mark.parametrize("query", QUERIES, ids=_id)
def test_embedded_store_gives_the_windowed_report_of_every_evidence_row(window_home, query):
    with LadybugStore(window_home.ladybug_dir, read_only=True, queries=render) as store:
        assert summary_loaded(store)
        slow, fast = _both_ways(store, query)
    assert fast == slow
    paths = orjson.loads(fast)["paths"]
    assert paths or query.since == 2030, "the generated corpus has ties in this window"
    assert all(query.since <= p["last_year"] and p["first_year"] <= query.until for p in paths)


@pytest.mark.neo4j
@pytest.mark.parametrize("query", QUERIES, ids=_id)
def test_neo4j_gives_the_windowed_report_of_every_evidence_row_and_of_the_embedded_store(window_home, window_neo4j,
                                                                                        query):
    slow, fast = _both_ways(window_neo4j, query)
    assert fast == slow
    with LadybugStore(window_home.ladybug_dir, read_only=True, queries=render) as local:
        assert orjson.dumps(find_paths(local, query, evidence=True)) == fast


@pytest.mark.neo4j
def test_a_neo4j_store_loaded_before_windows_ranks_from_the_evidence(window_neo4j):
    """The previous version's summary (no parts) must not answer windows with nothing:
    `ties paths` ranks from the evidence instead. Runs last: it rewrites the module's store."""
    window_neo4j.write_batches("UNWIND $rows AS row MATCH ()-[t:TIE_SUMMARY]->() WHERE t.part > 0 DELETE t", [{}])
    window_neo4j.write_batches(
        "UNWIND $rows AS row MATCH ()-[t:TIE_SUMMARY]->() "
        "REMOVE t.part, t.window_year, t.window_field, t.window_works, t.window_rows", [{}])
    assert not summary_loaded(window_neo4j)
    for query in (TieQuery(since=2018), TieQuery(kinds=("direct",))):
        slow, fast = _both_ways(window_neo4j, query)
        assert fast == slow and orjson.loads(fast)["paths"]
