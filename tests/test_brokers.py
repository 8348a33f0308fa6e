"""Brokers' betweenness equals the exact NetworkX definition, computed another way.

`queries.brokers.hop_betweenness` searches from the watchlist side, many roots at once, on
integer arrays, and stops at ``max_hops`` steps. These tests pin it to references that
are slow but plainly right: NetworkX ``betweenness_centrality_subset`` from the Dutch side
(what brokers computed before, for an unbounded search), and a count over
``nx.all_shortest_paths`` of every pair within the bound.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pandas as pd
import pytest

from graph.ladybug_store import LadybugStore
from queries.brokers import bridge_betweenness, brokers
from queries.coauthorship import coauthor_graph, ordered_subgraph, projection, projection_of
from queries.evidence import TieQuery, find_evidence, on_watchlist_side
from queries.registry import render
from ties.config import Config

KINDS = ("direct", "dual_affiliation", "career")


@pytest.fixture(scope="module")
def generated_home(generated_corpus) -> Config:
    """300 generated works (seed 3): a connected co-authorship graph with both sides in it."""
    return generated_corpus(300, seed=3)


@pytest.fixture(scope="module")
def sides(generated_home):
    store = LadybugStore(generated_home.ladybug_dir, read_only=True, queries=render)
    try:
        affiliations = store.run("author_affiliations", {})
        G = coauthor_graph(store.run("authorships", {}))
    finally:
        store.close()
    q = TieQuery()
    sources = {r["author_id"] for r in affiliations if r["country"] == q.country}
    targets = {r["author_id"] for r in affiliations if on_watchlist_side(q, r)}
    return G, sources, targets


def networkx_betweenness(G: nx.Graph, sources: set[str], targets: set[str]) -> dict[str, float]:
    """Brokers' betweenness as it was computed before: NetworkX from the Dutch side."""
    sources, targets = {s for s in sources if s in G}, {t for t in targets if t in G}
    keep: set = set()
    for component in nx.connected_components(G):
        if component & sources and component & targets:
            keep |= component
    scores = nx.betweenness_centrality_subset(ordered_subgraph(G, keep), sorted(sources & keep),
                                              sorted(targets & keep), normalized=False)
    return {n: round(2 * s, 6) for n, s in scores.items() if s}


def counted_betweenness(G: nx.Graph, sources: set[str], targets: set[str], max_hops: int) -> dict[str, float]:
    """The bounded definition, pair by pair: each (target, source) pair at most `max_hops`
    apart shares one unit among its shortest paths' inner nodes."""
    scores: dict[str, float] = defaultdict(float)
    for t in sorted(targets & set(G)):
        for s, d in nx.single_source_shortest_path_length(G, t, cutoff=max_hops).items():
            if s == t or s not in sources or d < 2:
                continue
            paths = list(nx.all_shortest_paths(G, t, s))
            for path in paths:
                for v in path[1:-1]:
                    scores[v] += 1 / len(paths)
    return {n: round(s, 6) for n, s in scores.items() if round(s, 6)}


def test_the_generated_graph_has_both_sides_and_long_paths(sides):
    G, sources, targets = sides
    assert len(sources & set(G)) > 100 and len(targets & set(G)) > 10
    lengths = nx.single_source_shortest_path_length(G, sorted(targets & set(G))[0])
    assert max(lengths.values()) >= 4


def test_unbounded_search_from_the_watchlist_side_equals_networkx_from_the_dutch_side(sides):
    G, sources, targets = sides
    expected = networkx_betweenness(G, sources, targets)
    assert expected, "some authors bridge the two sides"
    assert bridge_betweenness(G, sources, targets) == expected


@pytest.mark.parametrize("max_hops", [2])
def test_bounded_search_counts_every_pair_within_the_bound(sides, max_hops):
    G, sources, targets = sides
    expected = counted_betweenness(G, sources, targets, max_hops)
    assert expected
    assert bridge_betweenness(G, sources, targets, max_hops=max_hops) == expected


def test_an_author_on_both_sides_is_not_a_pair_with_itself():
    G = nx.path_graph(["both", "mid", "nl"])
    assert bridge_betweenness(G, {"both", "nl"}, {"both"}) == {"mid": 1.0}
    # two shortest paths share the pair's unit
    G = nx.Graph([("t", "a"), ("t", "b"), ("a", "s"), ("b", "s")])
    assert bridge_betweenness(G, {"s"}, {"t"}, max_hops=2) == {"a": 0.5, "b": 0.5}


def test_the_array_projection_has_the_networkx_projection_edges(generated_home):
    store = LadybugStore(generated_home.ladybug_dir, read_only=True, queries=render)
    try:
        G = coauthor_graph(store.run("authorships", {}))
        p = projection(store.run("broker_works")[0]["works"])
    finally:
        store.close()
    q = projection_of(G)
    assert list(p.ids) == list(q.ids)
    assert p.indptr.tolist() == q.indptr.tolist() and p.indices.tolist() == q.indices.tolist()


def _brokers_before(store, query: TieQuery, top: int = 20) -> dict[str, pd.DataFrame]:
    """`queries.brokers.brokers` as it was before the array search (NetworkX, unbounded)."""
    window = {"since": query.since, "until": query.until}
    affiliations = store.run("author_affiliations", window)
    G = coauthor_graph(store.run("authorships", {**window, "field": query.field}))
    sources = {r["author_id"] for r in affiliations if r["country"] == query.country
               and (not query.institution or r["institution_id"] == query.institution)
               and (not query.department or r["department_id"] == query.department)}
    targets = {r["author_id"] for r in affiliations if on_watchlist_side(query, r)}
    between = networkx_betweenness(G, sources, targets)
    pairs: dict[str, set] = defaultdict(set)
    works: dict[str, set] = defaultdict(set)
    for row in find_evidence(store, query):
        pair = (row["source_institution_id"], row["entity_id"])
        for person in [row["source_author_id"], row["target_author_id"]] + [v["author_id"] for v in row.get("via", [])]:
            pairs[person].add(pair)
            works[person].add(row["work_id"])
    names = {n: d.get("name", "") for n, d in G.nodes(data=True)}
    institutions_of: dict[str, set] = defaultdict(set)
    inst_names: dict[str, str] = {}
    for r in affiliations:
        institutions_of[r["author_id"]].add(r["institution_id"])
        inst_names[r["institution_id"]] = r["institution"] or r["institution_id"]
    people = set(pairs) | {n for n, s in between.items() if s > 0}
    authors = pd.DataFrame([{
        "author_id": a, "author": names.get(a, ""), "betweenness": between.get(a, 0.0),
        "ties": len(pairs.get(a, ())), "side": "nl" if a in sources else ("watchlist" if a in targets else "other"),
        "institutions": sorted(inst_names[i] for i in institutions_of.get(a, ())),
        "works": sorted(works.get(a, ()))[:20]} for a in people])
    authors = authors.sort_values(["betweenness", "ties", "author_id"], ascending=[False, False, True],
                                  kind="stable").head(top).reset_index(drop=True)
    score: dict[str, list] = defaultdict(lambda: [0.0, set(), set()])
    for a in people:
        for i in institutions_of.get(a, ()):
            score[i][0] += between.get(a, 0.0)
            score[i][1] |= pairs.get(a, set())
            score[i][2].add(a)
    institutions = pd.DataFrame([{"institution_id": i, "institution": inst_names.get(i, i),
                                  "betweenness": round(s[0], 6), "ties": len(s[1]), "authors": len(s[2])}
                                 for i, s in score.items()])
    institutions = institutions.sort_values(["betweenness", "ties", "institution_id"],
                                            ascending=[False, False, True], kind="stable").head(top)
    return {"authors": authors, "institutions": institutions.reset_index(drop=True)}


def _unbounded(**filters) -> TieQuery:
    """A query whose bound is past every path (users get at most 6 hops; the test needs none)."""
    query = TieQuery(max_hops=6, kinds=KINDS, **filters)
    object.__setattr__(query, "max_hops", 99)
    return query


@pytest.mark.parametrize("query", [_unbounded(), _unbounded(target="all", since=2016)],
                         ids=["cmc", "all-since-2016"])
def test_brokers_with_a_bound_past_every_path_equal_the_brokers_of_before(generated_home, query):
    store = LadybugStore(generated_home.ladybug_dir, read_only=True, queries=render)
    try:
        before, now = _brokers_before(store, query, top=30), brokers(store, query, top=30)
    finally:
        store.close()
    for key in ("authors", "institutions"):
        assert now[key].to_dict("records") == before[key].to_dict("records")
    assert (now["authors"]["betweenness"] > 0).sum() >= 10
