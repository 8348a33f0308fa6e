"""Evidence export for investigators: the current selection's subgraph (or the paths ticked
in it) in five formats, under file names that say what was selected."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboards import cases, data
from dashboards.labels import plural
from dashboards.pathrows import path_table
from dashboards.selection import indirect_note, tie_selection
from queries.cases import slug
from queries.export import FORMATS, SUFFIX, render

MIME = {"graphml": "application/xml", "json": "application/json", "csv": "application/zip",
        "html": "text/html", "md": "text/markdown"}
LABELS = {"graphml": "GraphML (Gephi, yEd, Cytoscape)", "json": "JSON (nodes and links)",
          "csv": "CSV (nodes.csv, edges.csv, works.csv)", "html": "Standalone HTML graph (works offline)",
          "md": "Markdown report"}
KIND_CODES = {"dual_affiliation": "dual", "direct": "direct", "career": "career", "indirect": "indirect"}


def export_name(filters: dict, ranks: list[int] | None = None) -> str:
    """A file name that carries the selection (unit, target, years, hops, min works, kinds,
    and the ranks of a chosen subset), so two different exports never share a name.

    >>> export_name({"institution": "https://openalex.org/I98358874", "department": "", "target": "nudt",
    ...              "since": 2010, "until": 2025, "max_hops": 2, "min_works": 1, "kinds": ("direct",)})
    'ties-I98358874-to-nudt-2010-2025-h2-min1-direct'
    """
    unit = (filters.get("department") or filters.get("institution") or "all").rsplit("/", 1)[-1]
    kinds = "-".join(KIND_CODES.get(k, k) for k in filters.get("kinds", ()))
    parts = [f"ties-{slug(unit)}", f"to-{slug(filters.get('target', 'cmc'))}",
             f"{filters.get('since')}-{filters.get('until')}", f"h{filters.get('max_hops')}",
             f"min{filters.get('min_works')}", kinds]
    if ranks:
        shown = "-".join(str(r) for r in ranks[:8]) + (f"-and-{len(ranks) - 8}-more" if len(ranks) > 8 else "")
        parts.append(f"paths-{shown}")
    return "-".join(p for p in parts if p)


data.header("Export the evidence")
st.write("Every edge that comes from a publication names its work id and DOI; every affiliation edge its raw "
         "string. The files state the data date and the exact filters.")
filters = tie_selection("exp")
bundle = data.bundle(filters)
indirect_note(filters, how="switch on *Indirect ties* above to export them too")
if not bundle.paths:
    st.info("Nothing to export for this selection.")
    st.stop()
st.markdown("**Paths** (tick some to export only those; none ticked exports every path)")
picked = st.dataframe(path_table(bundle.paths), hide_index=True, width="stretch", key="exp_paths",
                      on_select="rerun", selection_mode="multi-row", height=260)
rows = sorted((picked or {}).get("selection", {}).get("rows", []))
chosen = [bundle.paths[i] for i in rows]
by_kind = {k: sum(p["kind"] == k for p in chosen) for k in dict.fromkeys(p["kind"] for p in chosen)}
subset = replace(bundle, paths=chosen, filters={**bundle.filters, "paths": [p["rank"] for p in chosen]},
                 summary={**bundle.summary, "paths": len(chosen), "by_kind": by_kind,
                          "works": len({w for p in chosen for w in p["works"]})}) if chosen else bundle
G = subset.graph
what = f"the {plural(len(chosen), 'ticked path')}" if chosen else f"all {plural(len(bundle.paths), 'path')}"
st.text(f"Export of {what}: {plural(G.number_of_nodes(), 'node')}, {plural(G.number_of_edges(), 'edge')}.")
name = export_name(filters, [p["rank"] for p in chosen])
st.caption(f"File names: {name}.*")
cols = st.columns(2)
for i, fmt in enumerate(FORMATS):
    cols[i % 2].download_button(f"Download {LABELS[fmt]}", render(subset, fmt), file_name=name + SUFFIX[fmt],
                                mime=MIME[fmt], key=f"download_{fmt}", on_click="ignore", width="stretch")
cases.sidebar(chosen, filters)
with st.expander("Markdown report preview"):
    st.code(render(subset, "md").decode("utf-8"), language="markdown", wrap_lines=True)
