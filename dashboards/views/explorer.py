"""Explorer for analysts: pick a Dutch unit and targets, see the tie subgraph, the ranked
paths (who and when) and the works behind them; tick paths to put them in a case."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import cases, data
from dashboards.labels import label, md, plural
from dashboards.network import MAX_NODES, MAX_PATHS, show_network
from dashboards.pathrows import path_table
from dashboards.selection import indirect_note, tie_selection
from dashboards.tables import paged_dataframe


def works_table(paths: list[dict], works: dict) -> pd.DataFrame:
    rows = {}
    for p in paths:
        for w in p["works"]:
            record = works.get(w, {})
            entry = rows.setdefault(w, {"work_id": w, "doi": record.get("doi"), "year": record.get("year"),
                                        "title": record.get("title"), "paths": []})
            entry["paths"].append(p["rank"])
    frame = pd.DataFrame(rows.values(), columns=["work_id", "doi", "year", "title", "paths"])
    return frame.sort_values(["year", "work_id"], ascending=[False, True]) if not frame.empty else frame


data.header("Explorer: ties from a Dutch unit")
filters = tie_selection("ex")
bundle = data.bundle(filters)
paths = bundle.paths
summary = bundle.summary
kinds = ", ".join(f"{n} {label('kinds', kind).lower()}" for kind, n in summary.get("by_kind", {}).items())
st.text(f"{plural(len(paths), 'path')}{f' ({kinds})' if kinds else ''} over {plural(summary.get('works', 0), 'work')}"
        f" to {plural(summary.get('entities', 0), 'watchlist entity', 'watchlist entities')}.")
indirect_note(filters)
if not paths:
    st.info("No ties for this selection. Widen the years, allow more hops or choose another target.")
    st.stop()

ways = sorted({r.get("target_matched_by") for p in paths for r in p.get("evidence", [])} - {None, ""})
if len(ways) > 1:  # OpenAlex's ids and the project's rules: let the analyst look at one reading at a time
    keep = st.multiselect("Watchlist side matched by", ways, default=ways, key="ex_matched_by",
                          help="openalex: OpenAlex's institution id; project:<rule>: the project's reading of the "
                               "raw affiliation string (see the alias in the path rows and tooltips).")
    paths = [p for p in paths if any(r.get("target_matched_by") in keep for r in p.get("evidence", []))]
    if not paths:
        st.info("No path matched that way: choose another *matched by* value.")
        st.stop()

st.subheader("Network")
cols = st.columns([1, 1, 2])
drawn = cols[0].number_input("Paths per kind in the drawing", 1, max(len(paths), 1), min(MAX_PATHS, len(paths)),
                             step=10, key="ex_drawn",
                             help=f"The strongest paths of each kind (so indirect ties are drawn too); the drawing "
                                  f"never exceeds {MAX_NODES} nodes. The tables and exports always hold every path.")
view = cols[1].selectbox("View", ["auto", "people", "grouped"], key="ex_view",
                         format_func={"auto": "Automatic", "people": "Authors and works",
                                      "grouped": "Grouped"}.get,
                         help="Automatic: authors and works up to 80 nodes, grouped per institution above.")
sources = sorted({p["source"]["institution"]: p["source"]["institution_id"] for p in paths}.items())
expand = cols[2].multiselect("Expand institutions (grouped view)", [i for _, i in sources],
                             format_func=dict((i, n) for n, i in sources).get, key="ex_expand")
show_network(paths, bundle.works, max_paths=int(drawn), grouped={"auto": None, "people": False, "grouped": True}[view],
             expand=frozenset(expand))

st.subheader("Ranked paths")
st.caption("Tick paths to add them to a case (sidebar).")
table = path_table(paths)
picked = st.dataframe(table, hide_index=True, width="stretch", key="ex_paths", on_select="rerun",
                      selection_mode="multi-row",
                      column_config={"rank": st.column_config.NumberColumn(width="small"),
                                     "works": st.column_config.NumberColumn(width="small"),
                                     "first": st.column_config.NumberColumn(format="%d", width="small"),
                                     "last": st.column_config.NumberColumn(format="%d", width="small")})
rows = (picked or {}).get("selection", {}).get("rows", [])
cases.sidebar([paths[i] for i in rows], filters)

st.subheader("Works")
paged_dataframe(works_table(paths, bundle.works), key="ex_works",
                column_config={"doi": st.column_config.LinkColumn("DOI"),
                               "work_id": st.column_config.LinkColumn("Work")})

st.subheader("Profiles")
cols = st.columns(3)
entity_ids = list(dict.fromkeys(p["target"]["entity_id"] for p in paths))[:6]
names = {p["target"]["entity_id"]: p["target"]["entity"] for p in paths}
for i, entity in enumerate(entity_ids):
    cols[i % 3].page_link("views/entity.py", label=f"Entity: {md(names[entity])}", query_params={"entity": entity})
st.page_link("views/institution.py", label=f"Institution: {md(paths[0]['source']['institution'])}",
             query_params={"institution": filters["institution"]})
st.page_link("views/export.py", label="Export this subgraph (GraphML, JSON, CSV, HTML, Markdown)")
