"""Explorer for analysts: pick a Dutch unit and targets, see the tie subgraph, the ranked
paths and the works behind them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.network import MAX_NODES, MAX_PATHS, show_network
from dashboards.selection import indirect_note, tie_selection
from dashboards.tables import paged_dataframe


def path_table(paths: list[dict]) -> pd.DataFrame:
    """One row per ranked path, in rank order."""
    return pd.DataFrame([{
        "rank": p["rank"], "kind": p["kind"], "Dutch institution": p["source"]["institution"],
        "department": p["source"].get("department") or "",
        "watchlist entity": p["target"]["entity"], "hierarchy": " > ".join(p["target"]["chain"]),
        "hops": p["hops"], "works": p["n_works"], "first": p["first_year"], "last": p["last_year"],
    } for p in paths])


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
kinds = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in summary.get("by_kind", {}).items())
st.write(f"**{len(paths)} paths**{f' ({kinds})' if kinds else ''} over **{summary.get('works', 0)} works** "
         f"to {summary.get('entities', 0)} watchlist entities.")
indirect_note(filters)
if not paths:
    st.info("No ties for this selection. Widen the years, allow more hops or choose another target.")
    st.stop()

st.subheader("Network")
drawn = MAX_PATHS
if len(paths) > MAX_PATHS:
    drawn = st.number_input("Paths in the drawing (strongest first)", 1, len(paths), MAX_PATHS, step=50,
                            key="ex_drawn", help=f"More paths make a denser drawing; it never exceeds {MAX_NODES} "
                                                 "nodes. The tables and exports always hold every path.")
show_network(paths, bundle.works, max_paths=int(drawn))

st.subheader("Ranked paths")
table = path_table(paths)
paged_dataframe(table, key="ex_paths")
top = table.head(5)
st.markdown("\n".join(f"{r['rank']}. **{r['Dutch institution']}** → **{r['watchlist entity']}** "
                      f"({r['kind']}, {r['works']} works)" for r in top.to_dict("records")))

st.subheader("Works")
paged_dataframe(works_table(paths, bundle.works), key="ex_works",
                column_config={"doi": st.column_config.LinkColumn("DOI"),
                               "work_id": st.column_config.LinkColumn("Work")})

st.subheader("Profiles")
cols = st.columns(3)
entity_ids = list(dict.fromkeys(p["target"]["entity_id"] for p in paths))[:6]
names = {p["target"]["entity_id"]: p["target"]["entity"] for p in paths}
for i, entity in enumerate(entity_ids):
    cols[i % 3].page_link("views/entity.py", label=f"Entity: {names[entity]}", query_params={"entity": entity})
st.page_link("views/institution.py", label=f"Institution: {paths[0]['source']['institution']}",
             query_params={"institution": filters["institution"]})
st.page_link("views/export.py", label="Export this subgraph (GraphML, JSON, CSV, HTML, Markdown)")
