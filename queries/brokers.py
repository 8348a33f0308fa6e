"""Brokers: the authors and institutions that bridge Dutch units and watchlist entities.

Two measures, side by side, because they answer different questions:
- ``betweenness``: how many shortest co-authorship paths from Dutch-affiliated authors to
  watchlist-affiliated authors pass through someone (NetworkX
  ``betweenness_centrality_subset`` on the co-authorship projection);
- ``ties``: how many distinct (Dutch institution, entity) pairs someone appears in, as
  either end or an intermediary, which is easy to explain and check.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pandas as pd

from graph.store import GraphStore
from queries.coauthorship import coauthor_graph, ordered_subgraph
from queries.evidence import TieQuery, find_evidence, on_watchlist_side

__all__ = ["brokers", "bridge_betweenness"]


def bridge_betweenness(G: nx.Graph, sources: set[str], targets: set[str]) -> dict[str, float]:
    """Betweenness of every node on shortest paths from `sources` to `targets` only.

    Parameters
    ----------
    G : co-authorship graph
    sources, targets : author ids on the Dutch and on the watchlist side

    Examples
    --------
    >>> G = nx.path_graph(["nl", "b", "c", "pla", "e"])
    >>> bridge_betweenness(G, {"nl"}, {"pla"})["b"]
    1.0
    """
    sources = {s for s in sources if s in G}
    targets = {t for t in targets if t in G}
    if not sources or not targets:
        return {}
    keep: set = set()
    for component in nx.connected_components(G):
        if component & sources and component & targets:
            keep |= component
    H = ordered_subgraph(G, keep)
    scores = nx.betweenness_centrality_subset(
        H, sorted(sources & keep), sorted(targets & keep), normalized=False
    )
    # networkx counts each undirected source-target pair from both ends at half weight
    return {n: round(2 * s, 6) for n, s in scores.items()}


def brokers(store: GraphStore, query: TieQuery | None = None, top: int = 20) -> dict[str, pd.DataFrame]:
    """Top authors and institutions by bridging, with the evidence behind each.

    Returns a dict with ``authors`` and ``institutions`` DataFrames, sorted by
    betweenness, then distinct ties, then id (stable across stores).
    """
    query = query or TieQuery()
    window = {"since": query.since, "until": query.until}
    affiliations = store.run("author_affiliations", window)
    G = coauthor_graph(store.run("authorships", {**window, "field": query.field}))
    sources = {r["author_id"] for r in affiliations if r["country"] == query.country
               and (not query.institution or r["institution_id"] == query.institution)
               and (not query.department or r["department_id"] == query.department)}
    targets = {r["author_id"] for r in affiliations if on_watchlist_side(query, r)}
    between = bridge_betweenness(G, sources, targets)
    pairs: dict[str, set] = defaultdict(set)
    works: dict[str, set] = defaultdict(set)
    for row in find_evidence(store, query):
        pair = (row["source_institution_id"], row["entity_id"])
        people = [row["source_author_id"], row["target_author_id"]] + [v["author_id"] for v in row.get("via", [])]
        for person in people:
            pairs[person].add(pair)
            works[person].add(row["work_id"])
    names = {n: d.get("name", "") for n, d in G.nodes(data=True)}
    institutions_of: dict[str, set] = defaultdict(set)
    inst_names: dict[str, str] = {}
    for r in affiliations:
        institutions_of[r["author_id"]].add(r["institution_id"])
        inst_names[r["institution_id"]] = r["institution"] or r["institution_id"]
    people = set(pairs) | {n for n, s in between.items() if s > 0}
    author_rows = [{
        "author_id": a, "author": names.get(a, ""), "betweenness": between.get(a, 0.0),
        "ties": len(pairs.get(a, ())), "side": "nl" if a in sources else ("watchlist" if a in targets else "other"),
        "institutions": sorted(inst_names[i] for i in institutions_of.get(a, ())),
        "works": sorted(works.get(a, ()))[:20],
    } for a in people]
    authors = pd.DataFrame(author_rows, columns=["author_id", "author", "betweenness", "ties", "side",
                                                 "institutions", "works"])
    authors = authors.sort_values(["betweenness", "ties", "author_id"], ascending=[False, False, True],
                                  kind="stable").head(top).reset_index(drop=True)
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
