"""Entity profile: a watchlist entity's place in the hierarchy, aliases, sources, and the
Dutch ties to it (and to everything under it) over time."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.labels import label, md, plural
from dashboards.selection import FAST_KINDS, indirect_note, unknown_id

data.header("Entity profile")
entities = data.entities()
if entities.empty:
    st.info("No watchlist entities loaded.")
    st.stop()
ids = list(entities["id"])
names = dict(zip(entities["id"], entities["name"], strict=True))
wanted = st.query_params.get("entity", "nudt" if "nudt" in ids else ids[0])
if wanted not in ids:
    unknown_id("watchlist entity", wanted)
entity_id = st.selectbox("Watchlist entity", ids, index=ids.index(wanted) if wanted in ids else None,
                         format_func=lambda i: f"{names[i]} ({i})", key="entity_pick",
                         placeholder="choose a watchlist entity")
if entity_id is None:
    st.stop()
st.query_params["entity"] = entity_id
entity = entities[entities["id"] == entity_id].iloc[0].to_dict()

st.subheader(md(entity["name"] + (f"  {entity['name_zh']}" if entity.get("name_zh") else "")))
st.text(f"Kind: {entity.get('kind') or 'unknown'} · category: {label('categories', entity.get('category'))} · "
        f"under the Central Military Commission: {'yes' if entity.get('under_cmc') else 'no'}")
st.text("Hierarchy: " + " › ".join(entity.get("chain_names") or [entity["name"]]))
children = entities[[entity_id in list(c or [])[1:] for c in entities["chain_ids"]]]
if not children.empty:
    st.text(f"{plural(len(children), 'entity', 'entities')} under it: " + ", ".join(sorted(children["name"])[:30]))
cols = st.columns(2)
cols[0].markdown("**Aliases**\n\n" + ("\n".join(f"- {md(a)}" for a in entity.get("aliases") or []) or "none"))
cols[1].markdown("**Sources**\n\n" + ("\n".join(f"- {md(s)}" for s in entity.get("sources") or []) or "none recorded"))
matched = data.frame("profile_entity_institutions", {"entity": entity_id})
st.markdown("**Institutions matched to it (or to entities under it)**")
if matched.empty:
    st.write("None in the loaded data.")
else:
    st.dataframe(matched, hide_index=True, width="stretch")

st.subheader("Dutch ties over time")
first, last = data.year_range()
profile_filters = {"country": "NL", "target": entity_id, "since": first, "until": last, "kinds": FAST_KINDS}
bundle = data.bundle(profile_filters)
indirect_note(profile_filters, how="open the Explorer with this entity as target to include them")
st.page_link("views/explorer.py", label="Open in the Explorer with this entity as target",
             query_params={"target": entity_id})
if not bundle.paths:
    st.info("No dual affiliation, direct or career ties from Dutch units to this entity in the loaded data.")
    st.stop()
rows = [{"year": r.get("year"), "kind": label("kinds", p["kind"]), "work_id": r["work_id"],
         "institution": p["source"]["institution"]} for p in bundle.paths for r in (p.get("evidence") or [])]
ties = pd.DataFrame(rows).drop_duplicates(["year", "kind", "work_id"])
per_year = ties.groupby(["year", "kind"]).size().reset_index(name="works")
st.altair_chart(alt.Chart(per_year).mark_bar().encode(x="year:O", y="works:Q", color="kind:N",
                                                     tooltip=["year", "kind", "works"]), width="stretch")
by_inst = pd.DataFrame(rows).groupby("institution").agg(works=("work_id", "nunique"), first=("year", "min"),
                                                         last=("year", "max")).reset_index()
st.dataframe(by_inst.sort_values("works", ascending=False), hide_index=True, width="stretch")
