"""The co-authorship projection: authors linked when they share a work.

Built in NetworkX from the rows of the `authorships` query, so graph algorithms run the
same way whichever store produced the rows. Each edge keeps the works behind it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations

import networkx as nx

__all__ = ["MAX_AUTHORS_PER_WORK", "coauthor_graph", "ordered_subgraph", "shared_work"]

#: works with more authors (consortia) link everyone and say little about ties
MAX_AUTHORS_PER_WORK = 100


def coauthor_graph(authorships: Iterable[dict], max_authors_per_work: int = MAX_AUTHORS_PER_WORK) -> nx.Graph:
    """Co-authorship graph from (author_id, work_id, doi, year) rows.

    Parameters
    ----------
    authorships : rows with keys author_id, author, work_id, doi, year
    max_authors_per_work : works with more authors (consortia) are left out of the
        projection: a 3,000-author paper would link everyone and says little about ties.

    Returns
    -------
    nx.Graph whose edges carry ``works``: a sorted list of (year, work_id, doi).

    Examples
    --------
    >>> G = coauthor_graph([{"author_id": "a", "author": "A", "work_id": "w1", "doi": "", "year": 2020},
    ...                     {"author_id": "b", "author": "B", "work_id": "w1", "doi": "", "year": 2020}])
    >>> sorted(G.edges())
    [('a', 'b')]
    """
    by_work: dict[str, list[str]] = defaultdict(list)
    meta: dict[str, tuple[int, str]] = {}
    G = nx.Graph()
    for row in authorships:
        by_work[row["work_id"]].append(row["author_id"])
        meta[row["work_id"]] = (row.get("year") or 0, row.get("doi") or "")
        G.add_node(row["author_id"], name=row.get("author") or "")
    for work_id in sorted(by_work):
        authors = sorted(set(by_work[work_id]))
        if len(authors) > max_authors_per_work:
            continue
        year, doi = meta[work_id]
        for a, b in combinations(authors, 2):
            if G.has_edge(a, b):
                G[a][b]["works"].append((year, work_id, doi))
            else:
                G.add_edge(a, b, works=[(year, work_id, doi)])
    for _, _, data in G.edges(data=True):
        data["works"].sort()
    return G


def shared_work(G: nx.Graph, a: str, b: str) -> tuple[int, str, str]:
    """The most recent work two co-authors share (year, work_id, doi); ties broken by id."""
    return max(G[a][b]["works"], key=lambda w: (w[0], w[1]))


def ordered_subgraph(G: nx.Graph, nodes: set) -> nx.Graph:
    """A copy of the subgraph induced by `nodes`, in G's node and edge order.

    ``G.subgraph(a_set)`` may iterate the set itself, whose order for strings changes from
    one process to the next; path and centrality tie-breaks then change too. This keeps
    results identical across runs and stores.

    >>> ordered_subgraph(nx.path_graph(4), {3, 1, 2}).edges()
    EdgeView([(1, 2), (2, 3)])
    """
    H = nx.Graph()
    H.add_nodes_from((n, G.nodes[n]) for n in G if n in nodes)
    H.add_edges_from((u, v, d) for u, v, d in G.edges(data=True) if u in nodes and v in nodes)
    return H
