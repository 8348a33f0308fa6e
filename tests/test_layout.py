"""The HTML export lays out graphs of any size without SciPy (not a dependency).

NetworkX's spring_layout needs SciPy from 500 nodes; a 5,000-work export died there.
SciPy is made unimportable here, so the test holds even where it happens to be installed.
"""

from __future__ import annotations

import re
import sys

import networkx as nx
import pytest

from queries.export import network_html
from queries.layout import layout_positions


@pytest.fixture
def no_scipy(monkeypatch):
    for name in [m for m in sys.modules if m == "scipy" or m.startswith("scipy.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "scipy", None)  # `import scipy` raises ImportError
    with pytest.raises(ImportError):
        import scipy  # noqa: F401


def _evidence_graph(institutions: int, authors: int, works: int) -> nx.MultiDiGraph:
    """An export-shaped graph: authors write works and are affiliated with institutions."""
    G = nx.MultiDiGraph()
    for i in range(institutions):
        G.add_node(f"I{i}", label="Institution", name=f"Institution {i}")
    for a in range(authors):
        G.add_node(f"A{a}", label="Author", name=f"Author {a}")
        G.add_edge(f"A{a}", f"I{a % institutions}", type="AFFILIATED_WITH", work_id=f"W{a % works}")
    for w in range(works):
        G.add_node(f"W{w}", label="Work", name=f"Work {w}")
        for a in (w % authors, (w * 7 + 1) % authors):
            G.add_edge(f"A{a}", f"W{w}", type="AUTHORED", work_id=f"W{w}")
    G.add_node("lonely-1", label="Author", name="x")
    G.add_node("lonely-2", label="Work", name="y")
    G.add_edge("lonely-1", "lonely-2", type="AUTHORED", work_id="lonely-2")
    return G


def test_positions_above_500_nodes_need_no_scipy(no_scipy):
    G = _evidence_graph(40, 900, 1200)
    assert G.number_of_nodes() > 2000
    pos = layout_positions(G)
    assert set(pos) == set(G.nodes)
    assert len(set(pos.values())) > 0.99 * len(pos)  # nodes are spread, not stacked
    assert layout_positions(G) == pos  # deterministic


def test_the_html_network_of_a_large_export_is_written_without_scipy(no_scipy):
    G = _evidence_graph(30, 400, 600)
    page = network_html(G)
    placed = re.findall(r'"x": (-?[\d.]+), "y": (-?[\d.]+)', page)
    assert len(placed) == G.number_of_nodes() > 500
