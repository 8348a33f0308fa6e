"""The pyvis network view for Streamlit, capped so large selections stay usable.

The drawing itself is ``queries.export.network_html`` (shared with the HTML export);
here the paths are cut at a node budget, in rank order, and the page says what was left out.
"""

from __future__ import annotations

import networkx as nx
import streamlit as st

from queries.export import LEGEND, STYLE, network_html, sandboxed, subgraph_from_paths

MAX_NODES = 300
MAX_PATHS = 50  #: default number of ranked paths drawn (readable, quick to lay out); the analyst can ask for more


def capped_paths(paths: list[dict], works: dict, max_nodes: int = MAX_NODES) -> tuple[list[dict], nx.MultiDiGraph]:
    """The strongest paths whose subgraph fits in ``max_nodes`` nodes, and that subgraph.

    Paths come ranked; each is added whole or not at all, so no path is shown half-drawn.
    """
    kept: list[dict] = []
    nodes: set[str] = set()
    for path in paths:
        ids = {n["id"] for n in path["nodes"]}
        for row in path.get("evidence", []):
            ids |= {row.get("source_author_id"), row.get("target_author_id"), row.get("work_id"),
                    row.get("target_work_id")} - {None}
        if kept and len(nodes | ids) > max_nodes:
            continue
        kept.append(path)
        nodes |= ids
    return kept, subgraph_from_paths(kept, works)


def legend() -> None:
    st.markdown(" ".join(f"<span style='color:{STYLE[key][0]}'>&#9632;</span> {text}&nbsp;&nbsp;"
                         for text, key in LEGEND), unsafe_allow_html=True)


def show_network(paths: list[dict], works: dict, height: int = 620, max_nodes: int = MAX_NODES,
                 max_paths: int | None = None) -> nx.MultiDiGraph:
    """Draw the subgraph of the strongest `max_paths` paths (capped at `max_nodes` nodes) and
    say what was left out."""
    kept, G = capped_paths(paths[:max_paths] if max_paths else paths, works, max_nodes)
    if len(kept) < len(paths):
        why = (f"at most {max_paths} paths asked for" if max_paths and len(kept) == max_paths < len(paths)
               else f"cap {max_nodes} nodes")
        st.warning(f"Large selection: the graph shows the {len(kept)} strongest of {len(paths)} paths "
                   f"({G.number_of_nodes()} nodes; {why}); {len(paths) - len(kept)} paths are hidden "
                   "from the drawing but listed in the table and included in every export.")
    if G.number_of_nodes() == 0:
        st.info("No paths to draw for this selection.")
        return G
    legend()
    # record text is drawn in a frame without allow-same-origin (Streamlit's own frame has it)
    st.iframe(sandboxed(network_html(G, height=f"{height - 20}px"), f"{height - 10}px"), height=height)
    return G
