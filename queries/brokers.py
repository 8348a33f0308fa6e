"""Brokers: the authors and institutions that bridge Dutch units and watchlist entities.

Two measures, side by side, because they answer different questions:
- ``betweenness``: how many shortest co-authorship paths of at most ``max_hops`` steps
  from Dutch-affiliated authors to watchlist-affiliated authors pass through someone
  (each pair's paths share one unit; the same sum as NetworkX
  ``betweenness_centrality_subset`` from the Dutch to the watchlist side, restricted to
  pairs that close enough; with no bound the two are equal, `tests/test_brokers.py`);
- ``ties``: how many distinct (Dutch institution, entity) pairs someone appears in, as
  either end or an intermediary, which is easy to explain and check.

Why bounded by ``max_hops``: the bound is the one ``ties paths`` uses for indirect ties, so
a broker sits on the chains the path search would show; an unbounded search is a full
BFS over the national graph per watchlist author (12 minutes at 5,000 works in
NetworkX, hours at 1,000,000). The store returns each work's author list and the two
sides' author ids, each as one row holding a list; the projection and search run on
integer arrays (`hop_betweenness`).
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import numpy as np
import pandas as pd

from graph.store import GraphStore
from queries.coauthorship import MAX_AUTHORS_PER_WORK, Projection, projection, projection_of
from queries.evidence import TieQuery, indirect_ties, target_params
from queries.registry import one_list

__all__ = ["bridge_betweenness", "brokers", "hop_betweenness"]


def bridge_betweenness(G: nx.Graph, sources: set[str], targets: set[str],
                       max_hops: int | None = None) -> dict[str, float]:
    """Betweenness of every node on shortest paths from `sources` to `targets` only, of
    at most `max_hops` steps (any length when None). Nodes with zero are left out.

    Examples
    --------
    >>> G = nx.path_graph(["nl", "b", "c", "pla", "e"])
    >>> bridge_betweenness(G, {"nl"}, {"pla"})["b"]
    1.0
    >>> bridge_betweenness(G, {"nl"}, {"pla"}, max_hops=2)
    {}
    """
    p = projection_of(G)
    scores = hop_betweenness(p, p.codes(sources), p.codes(targets), max_hops)
    return {p.ids[i]: round(float(scores[i]), 6) for i in np.flatnonzero(scores)}


def hop_betweenness(p: Projection, sources: np.ndarray, targets: np.ndarray, max_hops: int | None,
                    batch: int = 4_000_000) -> np.ndarray:
    """Brandes' dependency accumulation from each target, cut at ``max_hops`` steps.

    The value of node v is the sum, over pairs (target t, source s), s != t, at distance
    at most ``max_hops`` (any distance when None), of the share of shortest t-s paths
    that pass through v (ends excluded). On an undirected graph that is the same sum as
    from the sources' side, so the search starts from the smaller, watchlist side.
    Many targets are searched at once: the state is keyed by (target, node) codes and
    each BFS level is a handful of array operations, not a Python loop per edge.

    Parameters
    ----------
    p : the projection; sources, targets : codes (sorted, unique)
    batch : about how many adjacency entries one batch of targets may expand at its
        second level (bounds memory; the result does not depend on it)
    """
    n = len(p)
    between = np.zeros(n)
    if not n or not len(sources) or not len(targets):
        return between
    is_source = np.zeros(n, bool)
    is_source[sources] = True
    degree = np.diff(p.indptr)
    # second-level cost of each node: the degrees of its neighbours, summed
    reach = np.add.reduceat(np.r_[degree[p.indices], 0], p.indptr[:-1]) * (degree > 0)
    cost = np.cumsum(reach[targets] + degree[targets] + 1)
    start = 0
    while start < len(targets):
        base = cost[start - 1] if start else 0
        stop = max(int(np.searchsorted(cost, base + batch, side="right")), start + 1)
        _accumulate(p, targets[start:stop], is_source, degree, max_hops, between)
        start = stop
    return between


def _accumulate(p: Projection, roots: np.ndarray, is_source: np.ndarray, degree: np.ndarray,
                max_hops: int | None, between: np.ndarray) -> None:
    """One batch of :func:`hop_betweenness`: BFS levels forward, dependencies backward."""
    n = len(p)
    keys = np.arange(len(roots), dtype=np.int64) * n + roots  # (root index, node), sorted
    levels = [(keys, np.ones(len(keys)))]
    links = []  # per level below the roots: (parent position, child position)
    before = np.zeros(0, np.int64)  # the level above the frontier
    while max_hops is None or len(levels) <= max_hops:
        keys, sigma = levels[-1]
        node = keys % n
        lens = degree[node]
        total = int(lens.sum())
        if not total:
            break
        parent = np.repeat(np.arange(len(keys)), lens)
        offsets = np.repeat(p.indptr[node] - (np.cumsum(lens) - lens), lens) + np.arange(total)
        child_node = p.indices[offsets]
        child = (keys // n)[parent] * n + child_node
        # on an undirected graph a neighbour of the frontier is one level up, on it, or new
        fresh = ~(_member(child, before) | _member(child, keys))
        if max_hops is not None and len(levels) == max_hops:
            fresh &= is_source[child_node]  # the last level adds nothing through its nodes
        parent, child = parent[fresh], child[fresh]
        if not len(child):
            break
        below, position = np.unique(child, return_inverse=True)
        links.append((parent, position))
        levels.append((below, np.bincount(position, weights=sigma[parent], minlength=len(below))))
        before = keys
    delta = np.zeros(len(levels[-1][0]))
    for depth in range(len(levels) - 1, 0, -1):
        keys, sigma = levels[depth]
        node = keys % n
        between += np.bincount(node, weights=delta, minlength=n)
        coeff = (is_source[node] + delta) / sigma
        parent, position = links[depth - 1]
        above = levels[depth - 1][1]
        delta = np.bincount(parent, weights=coeff[position], minlength=len(above)) * above


def _member(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    if not len(sorted_keys):
        return np.zeros(len(values), bool)
    pos = np.searchsorted(sorted_keys, values).clip(0, len(sorted_keys) - 1)
    return sorted_keys[pos] == values


def _sides(store: GraphStore, q: TieQuery) -> tuple[set[str], set[str]]:
    window = {"since": q.since, "until": q.until}
    sources = store.run("broker_sources", {**window, "country": q.country, "institution": q.institution,
                                           "department": q.department})
    targets = store.run("broker_targets", {**window, **target_params(q.target)})
    return set(one_list(sources, "author_ids")), set(one_list(targets, "author_ids"))


def _work_authors(store: GraphStore, q: TieQuery) -> list[list[str]]:
    """Each work's author ids in the query's year and field window (the projection's input)."""
    if q.windowed:
        rows = store.run("broker_works_window", {"since": q.since, "until": q.until, "field": q.field})
    else:
        rows = store.run("broker_works")
    return one_list(rows, "works")


def _ties(store: GraphStore, q: TieQuery) -> tuple[dict[str, set], dict[str, set]]:
    """Each person's distinct (Dutch institution, entity) pairs and works over the tie
    evidence of the query's kinds: the people of every evidence row (`find_evidence`), read
    from the store already reduced (`broker_ties`, `broker_career_ties`), not row by row."""
    params = {"country": q.country, "institution": q.institution, "department": q.department,
              "since": q.since, "until": q.until, "field": q.field, **target_params(q.target),
              "include_retracted": q.include_retracted}
    pairs: dict[str, set] = defaultdict(set)
    work_ids: dict[str, set] = defaultdict(set)

    def add(people, pair, work_id) -> None:
        for person in people:
            pairs[person].add(pair)
            work_ids[person].add(work_id)

    direct, dual = "direct" in q.kinds, "dual_affiliation" in q.kinds
    if direct or dual:
        for source, target, institution, entity, work in one_list(
                store.run("broker_ties", {**params, "direct": direct, "dual": dual}), "ties"):
            add((source, target), (institution, entity), work)
    if "career" in q.kinds:
        for author, institution, entity, work in one_list(store.run("broker_career_ties", params), "ties"):
            add((author,), (institution, entity), work)
    if "indirect" in q.kinds and q.max_hops >= 2:
        for r in indirect_ties(store, q):
            add([r["source_author_id"], r["target_author_id"]] + [v["author_id"] for v in r.get("via", [])],
                (r["source_institution_id"], r["entity_id"]), r["work_id"])
    return pairs, work_ids


def brokers(store: GraphStore, query: TieQuery | None = None, top: int = 20) -> dict[str, pd.DataFrame]:
    """Top authors and institutions by bridging, with the evidence behind each.

    Returns a dict with ``authors`` and ``institutions`` DataFrames, sorted by
    betweenness, then distinct ties, then id (stable across stores).
    """
    query = query or TieQuery()
    window = {"since": query.since, "until": query.until}
    p: Projection = projection(_work_authors(store, query), MAX_AUTHORS_PER_WORK)
    sources, targets = _sides(store, query)
    scores = hop_betweenness(p, p.codes(sources), p.codes(targets), query.max_hops)
    between = {p.ids[i]: round(float(scores[i]), 6) for i in np.flatnonzero(scores)}
    pairs, work_ids = _ties(store, query)
    people = set(pairs) | {n for n, s in between.items() if s > 0}
    in_projection = set(p.ids[p.codes(people)])
    names: dict[str, str] = {}
    institutions_of: dict[str, set] = defaultdict(set)
    inst_names: dict[str, str] = {}
    for author_id, author, institution_id, institution in one_list(
            store.run("broker_people", {**window, "authors": sorted(people)}), "people"):
        names[author_id] = (author or "") if author_id in in_projection else ""
        if institution_id:
            institutions_of[author_id].add(institution_id)
            inst_names[institution_id] = institution or institution_id
    def side(a: str) -> str:
        return "nl" if a in sources else ("watchlist" if a in targets else "other")

    # the table's order, then rows for the `top` kept only
    chosen = sorted(people, key=lambda a: (-between.get(a, 0.0), -len(pairs.get(a, ())), a))[:top]
    author_rows = [{
        "author_id": a, "author": names.get(a, ""), "betweenness": between.get(a, 0.0),
        "ties": len(pairs.get(a, ())), "side": side(a),
        "institutions": sorted(inst_names[i] for i in institutions_of.get(a, ())),
        "works": sorted(work_ids.get(a, ()))[:20],
    } for a in chosen]
    authors = pd.DataFrame(author_rows, columns=["author_id", "author", "betweenness", "ties", "side",
                                                 "institutions", "works"])
    inst_score: dict[str, list] = defaultdict(lambda: [0.0, set(), set()])
    for a in people:
        for i in institutions_of.get(a, ()):
            inst_score[i][0] += between.get(a, 0.0)
            inst_score[i][1] |= pairs.get(a, set())
            inst_score[i][2].add(a)
    inst_rows = [{"institution_id": i, "institution": inst_names.get(i, i), "betweenness": round(s[0], 6),
                  "ties": len(s[1]), "authors": len(s[2])} for i, s in inst_score.items()]
    institutions = pd.DataFrame(inst_rows, columns=["institution_id", "institution", "betweenness", "ties", "authors"])
    institutions = institutions.sort_values(["betweenness", "ties", "institution_id"], ascending=[False, False, True],
                                            kind="stable").head(top).reset_index(drop=True)
    return {"authors": authors, "institutions": institutions}
