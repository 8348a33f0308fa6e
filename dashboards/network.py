"""The pyvis network view for Streamlit: capped per kind, grouped when large.

The drawing itself is ``queries.export.network_html`` (shared with the HTML export).
Here the paths to draw are chosen (the strongest ``max_paths`` *of each kind*, so indirect
ties, which rank last, are not crowded out by direct ones), cut at a node budget, and,
above ``GROUP_LIMIT`` nodes, the authors and works of each Dutch institution are folded
into one edge per path (a grouped view that stays readable at 300 nodes); the analyst
expands chosen institutions back to people and works. The page says what was left out.
"""

from __future__ import annotations

import html

import networkx as nx
import streamlit as st

from dashboards.labels import label
from dashboards.pathrows import people
from queries.export import KIND_COLOURS, KIND_LEGEND, LEGEND, STYLE, network_html, sandboxed, subgraph_from_paths

MAX_NODES = 300
MAX_PATHS = 50  #: default number of ranked paths drawn per kind; the analyst can ask for more
GROUP_LIMIT = 80  #: above this many nodes, authors and works are grouped per institution unless expanded


def per_kind(paths: list[dict], max_paths: int | None) -> list[dict]:
    """The strongest `max_paths` paths of each kind, interleaved by rank within kind.

    >>> ps = [{"kind": "direct", "rank": i} for i in range(1, 4)] + [{"kind": "indirect", "rank": 4}]
    >>> [p["rank"] for p in per_kind(ps, 2)]
    [1, 4, 2]
    """
    if not max_paths:
        return list(paths)
    by_kind: dict[str, list[dict]] = {}
    for path in paths:
        bucket = by_kind.setdefault(path["kind"], [])
        if len(bucket) < max_paths:
            bucket.append(path)
    out = []
    for i in range(max_paths):
        out += [bucket[i] for bucket in by_kind.values() if i < len(bucket)]
    return out


def _path_ids(path: dict) -> set[str]:
    ids = {n["id"] for n in path["nodes"]}
    for row in path.get("evidence", []):
        ids |= {row.get("source_author_id"), row.get("target_author_id"), row.get("work_id"),
                row.get("target_work_id")} - {None}
    return ids


def capped_paths(paths: list[dict], works: dict, max_nodes: int = MAX_NODES) -> tuple[list[dict], nx.MultiDiGraph]:
    """The first paths whose subgraph fits in ``max_nodes`` nodes, and that subgraph.

    Paths come in drawing order; each is added whole or not at all, so no path is shown half-drawn.
    """
    kept: list[dict] = []
    nodes: set[str] = set()
    for path in paths:
        ids = _path_ids(path)
        if kept and len(nodes | ids) > max_nodes:
            continue
        kept.append(path)
        nodes |= ids
    return kept, drawing_graph(kept, works)


def drawing_graph(paths: list[dict], works: dict, grouped: bool = False, expand: frozenset = frozenset()
                  ) -> nx.MultiDiGraph:
    """The graph to draw: every node and edge of the paths, or (``grouped``) one edge per
    path from the Dutch unit to the matched institution, except for the paths of the
    institutions in `expand`, which keep their authors and works."""
    detailed = [p for p in paths if not grouped or p["source"]["institution_id"] in expand]
    G = subgraph_from_paths(detailed, works)
    G.graph["path_kinds"] = {p["rank"]: p["kind"] for p in paths}
    drawn = {id(p) for p in detailed}
    for path in paths:
        if id(path) in drawn:
            continue
        source, target = path["source"], path["target"]
        unit = source["institution_id"]  # departments fold into their institution (named on hover)
        G.add_node(unit, label="Institution", name=source["institution"], role="source")
        dept = f" ({source.get('department')})" if source.get("department") else ""
        if target["institution_id"] not in G or G.nodes[target["institution_id"]].get("role") != "source":
            G.add_node(target["institution_id"], label="Institution", name=target["institution"], role="target")
        entity = target["entity_id"]
        G.add_node(entity, label="Entity", name=target["entity"])
        G.add_edge(target["institution_id"], entity, key="MATCHES", type="MATCHES")
        who = people(path)
        # one edge per supporting work, shaped like evidence (work, DOI, year, raw string), so the
        # tooltip lists every work with its links; the heading names the kind and the people
        other = f" and {who['target']}" if who["target"] != who["source"] else ""  # one person moved or held both
        heading = f"{label('kinds', path['kind'])}: {who['source']}{dept}{other}"
        rows = path.get("evidence") or [{"work_id": w} for w in path.get("works", [])]
        for row in rows:
            work = row.get("target_work_id") or row.get("work_id")
            record = works.get(work or "", {})
            G.add_edge(unit, target["institution_id"], key=f"TIE|{path['rank']}|{work}", type=heading, tie=True,
                       kind=path["kind"], work_id=work, doi=record.get("doi") or row.get("doi"),
                       year=record.get("year") or row.get("year"), raw_affiliation=row.get("target_raw"),
                       paths=[path["rank"]], **{k: v for k, v in (
                           ("matched_by", row.get("target_matched_by")), ("alias", row.get("target_alias")),
                           ("strength", path.get("strength"))) if v})
    return G


def legend() -> None:
    """Node colours and edge colours, as escaped HTML (the texts are the project's own)."""
    nodes = " ".join(f"<span style='color:{STYLE[key][0]}'>&#9632;</span> {html.escape(text)}&nbsp;&nbsp;"
                     for text, key in LEGEND)
    edges = " ".join(f"<span style='color:{KIND_COLOURS[key]}'>&#9473;&#9473;</span> {html.escape(text)}&nbsp;&nbsp;"
                     for text, key in KIND_LEGEND)
    st.markdown(f"{nodes}<br>Edges: {edges} (wider = more works)", unsafe_allow_html=True)


def show_network(paths: list[dict], works: dict, height: int = 680, max_nodes: int = MAX_NODES,
                 max_paths: int | None = None, grouped: bool | None = None,
                 expand: frozenset = frozenset()) -> nx.MultiDiGraph:
    """Draw the strongest `max_paths` paths of each kind (capped at `max_nodes` nodes), grouped
    per institution when large (``grouped=None``: decide by size), and say what was left out."""
    chosen = per_kind(paths, max_paths)
    kept, G = capped_paths(chosen, works, max_nodes)
    if grouped is None:
        grouped = G.number_of_nodes() > GROUP_LIMIT
    if grouped:
        G = drawing_graph(kept, works, grouped=True, expand=expand)
    if len(kept) < len(paths):
        why = (f"at most {max_paths} paths of each kind asked for" if max_paths and len(chosen) < len(paths)
               else f"cap {max_nodes} nodes")
        st.warning(f"Large selection: the graph shows {len(kept)} of {len(paths)} paths, the strongest of each "
                   f"kind ({G.number_of_nodes()} nodes; {why}); {len(paths) - len(kept)} paths are hidden "
                   "from the drawing but listed in the table and included in every export.")
    if G.number_of_nodes() == 0:
        st.info("No paths to draw for this selection.")
        return G
    if grouped:
        st.caption("Grouped view: one edge per path from the Dutch unit to the matched institution (names, years "
                   "and works on hover). Expand institutions below to draw their authors and works.")
    legend()
    # record text is drawn in a frame without allow-same-origin (Streamlit's own frame has it)
    st.iframe(sandboxed(network_html(G, height=f"{height - 20}px"), f"{height - 10}px"), height=height)
    return G
