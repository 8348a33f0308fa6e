"""Evidence export for investigators: the current selection's subgraph in five formats."""

from __future__ import annotations

import streamlit as st

from dashboards import data
from dashboards.selection import indirect_note, tie_selection
from queries.export import FORMATS, SUFFIX, render

MIME = {"graphml": "application/xml", "json": "application/json", "csv": "application/zip",
        "html": "text/html", "md": "text/markdown"}
LABELS = {"graphml": "GraphML (Gephi, yEd, Cytoscape)", "json": "JSON (nodes and links)",
          "csv": "CSV (nodes.csv, edges.csv, works.csv)", "html": "Standalone HTML graph (works offline)",
          "md": "Markdown report"}

data.header("Export the evidence")
st.write("Every edge that comes from a publication names its work id and DOI; every affiliation edge its raw "
         "string. The files state the data date and the exact filters.")
filters = tie_selection("exp")
bundle = data.bundle(filters)
G = bundle.graph
st.write(f"Subgraph: **{len(bundle.paths)} paths**, {G.number_of_nodes()} nodes, {G.number_of_edges()} edges.")
indirect_note(filters, how="switch on *Indirect ties* above to export them too")
if not bundle.paths:
    st.info("Nothing to export for this selection.")
    st.stop()
name = "ties-" + (filters["department"] or filters["institution"]).rsplit("/", 1)[-1].replace("#", "-")
cols = st.columns(len(FORMATS))
for col, fmt in zip(cols, FORMATS, strict=True):
    col.download_button(LABELS[fmt], render(bundle, fmt), file_name=name + SUFFIX[fmt], mime=MIME[fmt],
                        key=f"download_{fmt}", on_click="ignore")
with st.expander("Markdown report preview"):
    st.markdown(render(bundle, "md").decode("utf-8"))
