"""Node positions for the HTML network of any size, with NetworkX and NumPy only.

NetworkX's ``spring_layout`` switches to a SciPy sparse solver at 500 nodes, and SciPy is
not a dependency of this project: a 5,000-work export died with ``No module named
'scipy'``. So the force layout runs on at most :data:`CORE` nodes (the best connected:
institutions, entities, prolific authors) and every other node is placed, in breadth-first
order from that core, at the mean of its placed neighbours plus a small seeded offset:
people and works sit beside what they connect. Deterministic for a seed.
"""

from __future__ import annotations

from collections import deque

import networkx as nx
import numpy as np

__all__ = ["CORE", "layout_positions"]

CORE = 400  #: nodes laid out by force (spring_layout's dense NumPy method stops at 499)


def layout_positions(G: nx.Graph, seed: int = 7, core: int = CORE) -> dict[object, tuple[float, float]]:
    """Positions (x, y), roughly in [-1, 1], for every node of `G` (directions ignored).

    >>> G = nx.star_graph(1200)
    >>> pos = layout_positions(G)
    >>> len(pos) == 1201 and all(len(p) == 2 for p in pos.values())
    True
    """
    U = nx.Graph(G)
    if len(U) == 0:
        return {}
    if len(U) <= core:
        return {n: (float(x), float(y)) for n, (x, y) in nx.spring_layout(U, seed=seed, iterations=60).items()}
    rng = np.random.default_rng(seed)
    ranked = sorted(U.nodes, key=lambda n: (-U.degree(n), str(n)))
    hubs = ranked[:core]
    pos = {n: (float(x), float(y))
           for n, (x, y) in nx.spring_layout(U.subgraph(hubs), seed=seed, iterations=60).items()}
    queue = deque(hubs)
    while queue:
        node = queue.popleft()
        for neighbour in sorted(U.neighbors(node), key=str):
            if neighbour in pos:
                continue
            placed = [pos[m] for m in U.neighbors(neighbour) if m in pos]
            x, y = np.mean(placed, axis=0) + rng.normal(0.0, 0.04, 2)
            pos[neighbour] = (float(x), float(y))
            queue.append(neighbour)
    rest = [n for n in U.nodes if n not in pos]
    if rest:  # components without a hub: laid out on their own, to the right of the rest
        for n, (x, y) in layout_positions(U.subgraph(rest), seed=seed, core=core).items():
            pos[n] = (1.6 + 0.4 * x, 0.4 * y)
    return pos
